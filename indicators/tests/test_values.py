"""Cell parsers and the pseudonymiser: spreadsheet dates, and the fast keyed hash equal to HMAC-SHA256."""

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from indicators.engine import values


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
