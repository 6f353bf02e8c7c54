"""The per-person month masks (follow_ups.people_cte), gathered in one, two or four aggregates (BIGINT, or
HUGEINT where the engine has it) depending on the width of the delivery: each mask must come out the same
whatever its neighbours; and the
latest open orientation of volet 3, taken from that aggregation for a single follow-up, by a window otherwise."""

from datetime import date

import pytest

from indicators.engine import months
from indicators.engine.follow_ups import by_month, mask_words, monthly_bits, prepare
from indicators.engine.runners import DuckDBRunner
from indicators.tests.builders import situations

# A cycle of the five states of a month: (etat_droit, soumis_droits_devoirs, inscrit_france_travail),
# None for a month without any row; and the masks each sets.
CYCLE = [
    (("versable", True, True), {"perimeter", "present", "registered"}),
    (("versable", True, False), {"perimeter", "present"}),
    (("suspendu", True, True), {"present", "suspended"}),
    (("versable", False, True), {"present"}),
    (("radie", True, True), set()),
    (None, set()),
]


def delivery(width: int, shift: int):
    """Person 1 goes through CYCLE from its `shift`-th state; person 2 is only there in the first
    and the last months, so that the delivery spans `width` months."""
    rows, expected = [], {"perimeter": 0, "present": 0, "suspended": 0, "registered": 0}
    for k in range(width):
        label = months.label(months.from_index(months.index(date(2020, 1, 1)) + k))
        state, masks = CYCLE[(k + shift) % len(CYCLE)]
        if state:
            etat, dd, france_travail = state
            rows.append((1, label, etat, dd, "2019-01-01", None, france_travail))
        for mask in masks:
            expected[mask] |= 1 << k
        if k in (0, width - 1):
            rows.append((2, label, "radie", False, "2019-01-01", None))
    return rows, expected


@pytest.mark.parametrize("word_types", [("BIGINT",), ("BIGINT", "HUGEINT")])
@pytest.mark.parametrize("width", [1, 2, 15, 16, 21, 22, 31, 32, 61, 62])
@pytest.mark.parametrize("shift", range(len(CYCLE)))
def test_each_mask_is_read_back_whatever_the_number_of_masks_per_aggregate(width, shift, word_types):
    rows, expected = delivery(width, shift)
    runner = DuckDBRunner({"situations_mensuelles": situations(*rows)})
    runner.word_types = word_types  # ("BIGINT",): Spark's layout, on DuckDB
    prepare(runner)
    masks = runner.query("SELECT perimeter, present, suspended, registered FROM people WHERE personne = 1")
    has_rows = any(row[0] == 1 for row in rows)
    assert masks == ([expected] if has_rows else [])


@pytest.mark.parametrize(("width", "aggregates"), [(1, 1), (15, 1), (16, 2), (21, 2), (31, 2), (32, 4), (62, 4)])
def test_masks_share_a_bigint_aggregate_while_they_fit_below_the_sign_bit(width, aggregates):
    word_type, words = mask_words(width, ("BIGINT",))
    assert (word_type, len(words)) == ("BIGINT", aggregates)
    assert all(len(word) * width <= 63 for word in words)


@pytest.mark.parametrize(
    ("width", "word_type", "aggregates"),
    [(1, "BIGINT", 1), (15, "BIGINT", 1), (16, "HUGEINT", 1), (31, "HUGEINT", 1), (32, "HUGEINT", 2),
     (42, "HUGEINT", 2), (62, "HUGEINT", 2)],
)  # fmt: skip
def test_a_hugeint_is_used_only_where_it_saves_an_aggregate(width, word_type, aggregates):
    chosen, words = mask_words(width, ("BIGINT", "HUGEINT"))
    assert (chosen, len(words)) == (word_type, aggregates)
    assert all(len(word) * width <= {"BIGINT": 63, "HUGEINT": 127}[chosen] for word in words)


def followed_by_parcours(orients, last="2024-06"):
    """suivis_parcours_* of volet 3, month by month, for one person in the perimeter from January."""
    from indicators.engine.tables import volet3_table
    from indicators.tests.builders import monthly, orientations

    runner = DuckDBRunner(
        {
            "situations_mensuelles": situations(*monthly(1, "2024-01", last)),
            "orientations": orientations(*({"personne": 1, **o} for o in orients)),
        }
    )
    table = volet3_table(runner, months.parse("2024-01"), months.parse(last))
    return {
        row["mois"]: next((p for p in ("emploi", "social", "socio_professionnel") if row[f"suivis_parcours_{p}"]), None)
        for row in table
    }


def test_r_ind_05_one_follow_up_counts_under_its_parcours_from_the_next_month():
    by_month = followed_by_parcours([{"date_notification": "2024-02-10", "parcours": "social"}], last="2024-04")
    assert by_month == {"2024-01": None, "2024-02": None, "2024-03": "social", "2024-04": "social"}


def test_r_ind_05_a_later_orientation_takes_over_and_the_earlier_one_comes_back_when_it_closes():
    by_month = followed_by_parcours(
        [
            {"date_notification": "2024-01-10", "parcours": "social"},
            {"date_notification": "2024-03-05", "parcours": "emploi", "date_fin_suivi": "2024-05-01"},
        ]
    )
    assert by_month == {
        "2024-01": None,
        "2024-02": "social",
        "2024-03": "social",
        "2024-04": "emploi",
        "2024-05": "social",
        "2024-06": "social",
    }


def test_r_ind_05_two_orientations_on_the_same_day_count_under_the_greatest_parcours():
    by_month = followed_by_parcours(
        [
            {"date_notification": "2024-02-10", "parcours": "socio_professionnel"},
            {"date_notification": "2024-02-10", "parcours": "emploi"},
        ],
        last="2024-03",
    )
    assert by_month == {"2024-01": None, "2024-02": None, "2024-03": "socio_professionnel"}


def test_monthly_counts_read_from_the_masks_give_every_month_of_the_delivery():
    """Bit k of a mask is the month first_m + k; a month without any row counts 0; a leaver of M counts in M + 1."""
    import duckdb

    sql = monthly_bits({"n": "mask"}, 4, "(VALUES (5), (5), (4), (0)) AS persons(mask)")
    rows = [dict(zip(("k", "n"), row, strict=True)) for row in duckdb.sql(sql).fetchall()]
    assert by_month(rows, ["n"], 100, 4) == {100: {"n": 2}, 101: {"n": 0}, 102: {"n": 3}, 103: {"n": 0}}
    assert by_month(rows, ["n"], 100, 4, shift=1) == {101: {"n": 2}, 102: {"n": 0}, 103: {"n": 3}}
    assert by_month([], ["n"], 100, 2) == {100: {"n": 0}, 101: {"n": 0}}
