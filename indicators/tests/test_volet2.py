"""Volet 2 definitions (R-IND-01, R-IND-02, R-IND-03) at their boundaries, on DuckDB."""

from datetime import date

import pytest

from indicators.engine import months
from indicators.engine.reading import read_delivery
from indicators.engine.runners import DuckDBRunner
from indicators.engine.tables import organisms_table, volet2_table
from indicators.tests.builders import monthly, orientations, situations
from indicators.tests.examples import EXAMPLE, EXPECTED_EXAMPLE


def compute(sits, orients=(), first="2024-01", last="2024-04"):
    runner = DuckDBRunner({"situations_mensuelles": situations(*sits), "orientations": orientations(*orients)})
    return {row["mois"]: row for row in volet2_table(runner, months.parse(first), months.parse(last))}


def test_r_ind_01_r_ind_02_r_ind_03_worked_example_on_duckdb():
    delivery = read_delivery(EXAMPLE, key=b"cle-de-test")
    runner = DuckDBRunner(delivery.tables)
    assert volet2_table(runner, months.parse("2024-01"), months.parse("2024-04")) == EXPECTED_EXAMPLE


def test_r_ind_04_distribution_by_organisme_of_the_worked_example():
    delivery = read_delivery(EXAMPLE, key=b"cle-de-test")
    rows = {row["type_organisme"]: row for row in organisms_table(DuckDBRunner(delivery.tables), 2023)}
    # In December 2023, B03 and B11 are in the perimeter, both followed by the département.
    assert rows["departement"]["personnes"] == 2
    assert str(rows["departement"]["part_pct"]) == "100.0"
    assert rows["france_travail"]["personnes"] == 0
    assert rows["perimetre_droits_devoirs"]["personnes"] == 2


# A newcomer in February, T0 on its February row, oriented on a given date.
def newcomer(t0, oriented_on, **orientation):
    sits = monthly(1, "2024-02", "2024-04", opening="2024-02-01", t0=t0)
    filler = monthly(99, "2024-01", "2024-04")  # so that the delivery starts in January
    return sits + filler, [{"personne": 1, "date_notification": oriented_on, **orientation}]


@pytest.mark.parametrize(
    ("oriented_on", "in_15_days", "in_one_month"),
    [
        ("2024-03-14", 1, 1),  # 13 days after T0
        ("2024-03-15", 1, 1),  # 14 days: the instruction's own example, before 16 March
        ("2024-03-16", 0, 1),  # 15 days: one day too late
        ("2024-03-31", 0, 1),  # the last day before T0 + one month
        ("2024-04-01", 0, 0),  # T0 + one month
    ],
)
def test_r_ind_02_fifteen_days_and_one_month_boundaries(oriented_on, in_15_days, in_one_month):
    sits, orients = newcomer("2024-03-01", oriented_on)
    february = compute(sits, orients)["2024-02"]
    assert february["nouveaux_entrants"] == 1
    assert (february["orientes_15_jours"], february["orientes_1_mois"]) == (in_15_days, in_one_month)


def test_r_ind_02_t0_at_the_end_of_january_gives_until_the_end_of_february():
    sits, orients = newcomer("2024-01-31", "2024-02-28")
    assert compute(sits, orients)["2024-02"]["orientes_1_mois"] == 1  # 31 Jan + 1 month = 29 Feb 2024
    sits, orients = newcomer("2024-01-31", "2024-02-29")
    assert compute(sits, orients)["2024-02"]["orientes_1_mois"] == 0


def test_r_ind_02_orientation_before_t0_counts_as_a_zero_delay():
    sits, orients = newcomer("2024-02-20", "2024-02-12")
    february = compute(sits, orients)["2024-02"]
    assert (february["orientes_15_jours"], february["orientes_1_mois"]) == (1, 1)


def test_r_ind_01_oriented_the_month_before_entering_is_followed_not_new():
    # The orientation notified in January opened a follow-up still open on 1 February.
    sits, orients = newcomer("2024-02-05", "2024-01-25")
    assert compute(sits, orients)["2024-02"]["nouveaux_entrants"] == 0


def test_r_ind_02_unknown_t0_counts_apart():
    sits, orients = newcomer(None, "2024-02-10")
    february = compute(sits, orients)["2024-02"]
    assert (february["t0_inconnu"], february["orientes_15_jours"], february["orientes_1_mois"]) == (1, 0, 0)


def test_r_ind_03_global_accompaniment_and_no_show():
    sits, orients = newcomer("2024-02-05", "2024-02-10", accompagnement_global=True, presence_rdv_orientation=False)
    february = compute(sits, orients)["2024-02"]
    assert february["orientations_accompagnement_global"] == 1
    assert february["absents_rdv_orientation"] == 1


def returning_after_suspension(suspended_months: int):
    """Oriented in 2022-11, payable in December, then suspended for n months, payable again after."""
    states = {}
    current = months.index(months.parse("2023-01"))
    for i in range(suspended_months):
        m = months.from_index(current + i)
        states[f"m{m.year:04d}_{m.month:02d}"] = "suspendu"
    back = months.label(months.from_index(current + suspended_months))
    sits = monthly(1, "2022-11", "2025-03", **states)
    orients = [{"personne": 1, "date_notification": "2022-11-10"}]
    return back, compute(sits, orients, first="2023-01", last="2025-03")


def test_r_ind_01_suspension_of_twelve_months_keeps_the_follow_up():
    back, table = returning_after_suspension(12)
    assert back == "2024-01"
    assert table[back]["nouveaux_entrants"] == 0


def test_r_ind_01_suspension_of_thirteen_months_closes_the_follow_up():
    back, table = returning_after_suspension(13)
    assert back == "2024-02"
    assert table[back]["nouveaux_entrants"] == 1


def test_r_ind_01_radiation_after_the_orientation_closes_the_follow_up():
    sits = monthly(1, "2023-06", "2024-04", m2023_10="radie", m2023_11="absent", m2023_12="absent")
    table = compute(sits, [{"personne": 1, "date_notification": "2023-07-01"}])
    assert table["2024-01"]["nouveaux_entrants"] == 1


def test_r_ind_01_radiation_in_the_orientation_month_does_not_close_it():
    # Oriented in October, radiated the same month, back in November and payable: the follow-up
    # was not closed by that month (only months after the orientation's month count)...
    sits = monthly(1, "2023-09", "2024-04", m2023_10="radie")
    table = compute(sits, [{"personne": 1, "date_notification": "2023-10-02"}], first="2023-10", last="2023-11")
    assert table["2023-11"]["nouveaux_entrants"] == 0


@pytest.mark.parametrize(("closure", "new_in_january"), [("2023-12-31", 1), ("2024-01-01", 1), ("2024-01-02", 0)])
def test_r_ind_01_closure_date_on_or_before_the_first_day_ends_the_follow_up(closure, new_in_january):
    sits = monthly(1, "2023-06", "2024-04", m2023_12="suspendu")
    orients = [{"personne": 1, "date_notification": "2023-07-01", "date_fin_suivi": closure}]
    assert compute(sits, orients)["2024-01"]["nouveaux_entrants"] == new_in_january


def test_r_ind_01_out_of_droits_et_devoirs_then_back_is_not_new_when_followed():
    sits = monthly(1, "2023-06", "2024-04")
    sits = [r if r[1] != "2024-02" else (1, "2024-02", "versable", False, r[4], r[5]) for r in sits]
    table = compute(sits, [{"personne": 1, "date_notification": "2023-07-10"}])
    assert table["2024-03"]["nouveaux_entrants"] == 0
    # Without any orientation, the same person is a new entrant in March.
    assert compute(sits)["2024-03"]["nouveaux_entrants"] == 1


def test_r_ind_01_first_month_of_a_delivery_is_unavailable_not_zero():
    sits = monthly(1, "2024-01", "2024-03") + monthly(2, "2024-02", "2024-03")
    table = compute(sits, first="2023-12", last="2024-04")
    assert table["2023-12"]["nouveaux_entrants"] is None  # before the delivery
    assert table["2024-01"]["nouveaux_entrants"] is None  # its first month: M-1 unknown
    assert table["2024-02"]["nouveaux_entrants"] == 1
    assert table["2024-03"]["nouveaux_entrants"] == 0
    assert table["2024-04"]["nouveaux_entrants"] is None  # after the delivery


def test_r_ind_01_never_in_droits_et_devoirs_or_suspended_is_never_new():
    sits = monthly(1, "2024-01", "2024-04", dd=False) + monthly(2, "2024-01", "2024-04", etat="suspendu")
    assert all(row["nouveaux_entrants"] == 0 for mois, row in compute(sits).items() if mois != "2024-01")


def test_r_ind_01_rules_hold_at_the_62nd_month_of_a_delivery():
    """The last of 62 months is the highest bit of the masks: a 13-month suspension ending there, and a
    first entry there, are still seen."""
    suspended = {f"m{m.year:04d}_{m.month:02d}": "suspendu" for m in months.span(date(2023, 1, 1), date(2024, 1, 1))}
    sits = monthly(1, "2019-01", "2024-02", **suspended) + monthly(2, "2024-02", "2024-02", t0="2024-02-03")
    orients = [{"personne": 1, "date_notification": "2019-01-10"}, {"personne": 2, "date_notification": "2024-02-10"}]
    table = compute(sits, orients, first="2019-01", last="2024-02")
    assert table["2024-02"]["nouveaux_entrants"] == 2
    assert table["2024-02"]["orientes_15_jours"] == 1
    assert table["2024-01"]["nouveaux_entrants"] == 0
    assert table["2019-01"]["nouveaux_entrants"] is None


def test_the_engine_refuses_more_than_62_months_in_french():
    from indicators.engine.follow_ups import TooManyMonths

    with pytest.raises(TooManyMonths, match="la livraison couvre 63 mois : un calcul porte sur 62 mois"):
        compute(monthly(1, "2019-01", "2024-03"), first="2019-01", last="2024-03")
