"""Cell parsers and the pseudonymiser: spreadsheet dates, and the fast keyed hash equal to HMAC-SHA256."""

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from indicators.engine import values
from indicators.engine.schema import FREINS, Column


@given(key=st.binary(min_size=1, max_size=100), identifier=st.text(min_size=1, max_size=30))
def test_the_pseudonymiser_gives_hmac_sha256_for_any_key_and_identifier(key, identifier):
    # keys longer than SHA-256's block (64 bytes) are hashed first, as HMAC does
    assume(not identifier.startswith(values.FORMULA_PREFIXES) and not values.SCIENTIFIC.match(identifier))
    assert values.Pseudonymiser(key)(identifier) == values.pseudonymise(key, identifier)


def test_the_pseudonym_of_a_known_identifier_is_stable():
    assert values.Pseudonymiser(b"cle-de-test")("B01") == values.pseudonymise(b"cle-de-test", "B01")
    # the value of the previous releases: stored deliveries stay linkable
    assert values.pseudonymise(b"cle-de-test", "B01") == -8530021941139506969


@pytest.mark.parametrize(
    "text, expected",
    [
        ("45292", date(2024, 1, 1)),
        ("45292.0", date(2024, 1, 1)),
        ("45351", date(2024, 2, 29)),
        ("10/03/24", date(2024, 3, 10)),
        ("10/03/68", date(2068, 3, 10)),
        ("10/03/69", date(1969, 3, 10)),
        ("2024-03-10", date(2024, 3, 10)),
    ],
)
def test_spreadsheet_dates(text, expected):
    assert values.parse_date(text) == expected


@pytest.mark.parametrize("text", ["12345", "99999", "31/02/24", "1/1/2024x"])
def test_dates_refused(text):
    with pytest.raises(ValueError):
        values.parse_date(text)


def test_a_month_may_be_the_date_of_its_first_day_only():
    assert values.parse_month("45292") == values.parse_month("2024-01-01") == date(2024, 1, 1)
    with pytest.raises(ValueError, match="premier jour du mois"):
        values.parse_month("2024-01-15")


def test_a_month_outside_the_twelve_is_refused():
    assert values.parse_month("12/2024") == values.parse_month("2024-12") == date(2024, 12, 1)
    assert values.parse_month("01/2024") == values.parse_month("2024-01") == date(2024, 1, 1)
    for text in ("2024-13", "00/2024", "13/2024"):
        with pytest.raises(ValueError, match="mois inexistant"):
            values.parse_month(text)


@pytest.mark.parametrize(("text", "expected"), [("1,5", 1.5), ("0", 0.0), ("1 234,5", 1234.5), ("35.25", 35.25)])
def test_numbers_are_read_the_french_way(text, expected):
    assert values.parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [("-1", "négatif ou invalide"), ("-0,5", "négatif ou invalide"), ("nan", "négatif ou invalide"),
     ("inf", "négatif ou invalide"), ("-inf", "négatif ou invalide"), ("douze", "nombre invalide")],
)  # fmt: skip
def test_numbers_refused(text, reason):
    with pytest.raises(ValueError, match=reason):
        values.parse_number(text)


def test_integers_are_whole_and_positive():
    assert (values.parse_integer("12"), values.parse_integer("0")) == (12, 0)
    for text in ("-1", "1.5", "1,5", "", "douze"):
        with pytest.raises(ValueError, match="nombre entier positif attendu"):
            values.parse_integer(text)


def test_the_raw_identifiers_are_told_only_when_kept():
    kept = values.Pseudonymiser(b"cle-de-test", keep=True)
    assert kept.raw_of([kept("B01")]) == {kept("B01"): "B01"}
    forgetful = values.Pseudonymiser(b"cle-de-test")
    pseudonym = forgetful("B01")
    with pytest.raises(ValueError, match="pas été gardés"):
        forgetful.raw_of([pseudonym])


def test_a_key_of_sha256_s_block_length_is_used_as_it_is_a_longer_one_hashed_first():
    for length in (63, 64, 65):
        key = bytes(range(length))
        assert values.Pseudonymiser(key)("B01") == values.pseudonymise(key, "B01")


def test_obstacle_codes_are_read_and_an_unknown_one_is_named():
    freins = ("mobilite", "sante", "logement")
    assert values.parse_codes(" Mobilite | sante|", freins) == "mobilite|sante"
    assert values.parse_codes("", freins) == ""
    with pytest.raises(ValueError) as refused:
        values.parse_codes("mobilite|velo|garde", freins)
    assert str(refused.value) == "code inconnu « velo, garde » (codes admis : mobilite, sante, logement)"


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [("codes", "sante|mobilite", "sante|mobilite"), ("number", "7,5", 7.5), ("integer", "6", 6)],
)
def test_each_kind_of_column_has_its_parser(kind, text, expected):
    column = Column("colonne", kind, choices=FREINS if kind == "codes" else ())
    assert values.parser_for(column, values.Pseudonymiser(b"cle-de-test"))(text) == expected
