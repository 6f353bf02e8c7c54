"""Every delivery the reading accepts computes: 1 to 62 months, with orientations in every month of the
delivery, before its first and after its last. Each month's masks are BIGINTs; shifting a mask of the
whole width by an orientation's offset used to overflow from 33 months on (width + offset > 63).
The figures are checked against the independent pandas reference, and DuckDB against Spark."""

import random
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from benchmarks.pandas_reference import disagreements
from indicators.engine import months
from indicators.engine.follow_ups import MAX_MONTHS
from indicators.engine.runners import DuckDBRunner, SparkRunner
from indicators.engine.schema import FILES
from indicators.engine.tables import volet2_table, volet3_table
from indicators.tests.builders import orientations, situations, table

# No database here: these run once in CI, not again on PostgreSQL.
pytestmark = [pytest.mark.filterwarnings("ignore::FutureWarning"), pytest.mark.once]

FIRST = date(2019, 1, 1)
# A month's state: (etat_droit, soumis_droits_devoirs, inscrit_france_travail), None when the person has no row.
STATES = (
    ("versable", True, True),
    ("versable", True, False),
    ("versable", False, False),
    ("suspendu", True, False),
    ("radie", True, False),
    None,
)


def label(offset: int) -> str:
    return months.label(months.from_index(months.index(FIRST) + offset))


def day(offset: int, day_of_month: int) -> str:
    return f"{label(offset)}-{day_of_month:02d}"


def delivery(width: int, people: list[dict]) -> dict:
    """people: {"states": [state index per month], "orientations": [(month offset, day, closing offset or None)]}.
    A last person in the perimeter in the first and last months makes the delivery `width` months wide."""
    rows = [(0, label(k), "versable", True, "2018-06-01", "2018-06-15") for k in {0, width - 1}]
    orients = []
    for number, person in enumerate(people, start=1):
        for k, state in enumerate(person["states"][:width]):
            if STATES[state] is not None:
                etat, dd, france_travail = STATES[state]
                rows.append((number, label(k), etat, dd, "2018-06-01", day(k, 3), france_travail))
        for offset, day_of_month, closing in person["orientations"]:
            orients.append(
                {
                    "personne": number,
                    "date_notification": day(offset, day_of_month),
                    "parcours": ("emploi", "social", "socio_professionnel")[(offset + number) % 3],
                    "date_fin_suivi": None if closing is None else day(closing, 1 + (number % 2)),
                }
            )
    empty = {name: table(name) for name in FILES}
    return {**empty, "situations_mensuelles": situations(*rows), "orientations": orientations(*orients)}


def one_orientation_in_each_month(width: int) -> list[dict]:
    """One person oriented in each month from the one before the delivery to the one after it, with months
    drawn among STATES (a third of them suspended for 13 months after their orientation)."""
    draw = random.Random(width)
    people = []
    for offset in range(-1, width + 1):
        states = [draw.choices(range(len(STATES)), weights=(5, 2, 1, 1, 1, 1))[0] for _ in range(width)]
        if offset % 3 == 0:
            states[max(offset + 1, 0) : offset + 14] = [3] * 13
        closing = offset + draw.randint(1, 20) if offset % 4 == 1 else None
        people.append({"states": states, "orientations": [(offset, draw.randint(1, 28), closing)]})
    return people


def test_the_minimal_case_of_the_report_computes():
    """One person from 2019-01 to 2024-02 (62 months), oriented on 2019-03-10: the overflow in left shift."""
    tables = delivery(62, [{"states": [0] * 62, "orientations": [(2, 10, None)]}])
    table = volet3_table(DuckDBRunner(tables), FIRST, date(2024, 2, 1))
    # Followed from April 2019 (the month after the orientation's) to the end, under its parcours.
    followed = [row["suivis_parcours_emploi"] for row in table]
    assert followed == [None] + [0, 0] + [1] * 59


@pytest.mark.parametrize("width", range(1, MAX_MONTHS + 1))
def test_every_width_computes_with_an_orientation_in_every_month(width):
    tables = delivery(width, one_orientation_in_each_month(width))
    assert disagreements(DuckDBRunner(tables), tables) == []


person = st.fixed_dictionaries(
    {
        "states": st.lists(st.integers(0, len(STATES) - 1), min_size=MAX_MONTHS, max_size=MAX_MONTHS),
        "orientations": st.lists(
            st.tuples(
                st.integers(-2, MAX_MONTHS + 1),
                st.integers(1, 28),
                st.one_of(st.none(), st.integers(-2, MAX_MONTHS + 1)),
            ),
            max_size=3,
        ),
    }
)


def fitted(width: int, people: list[dict]) -> list[dict]:
    """The orientations of drawn people moved inside [-2, width + 1] months, so that every offset is reached."""

    def inside(offset):
        return None if offset is None else offset % (width + 4) - 2

    return [{**p, "orientations": [(inside(o), d, inside(c)) for o, d, c in p["orientations"]]} for p in people]


@settings(max_examples=15, deadline=None)
@given(width=st.integers(1, MAX_MONTHS), people=st.lists(person, min_size=1, max_size=6))
def test_any_delivery_up_to_62_months_gives_the_reference_figures(width, people):
    tables = delivery(width, fitted(width, people))
    assert disagreements(DuckDBRunner(tables), tables) == []


@settings(max_examples=1, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(width=st.integers(1, MAX_MONTHS), people=st.lists(person, min_size=1, max_size=4))
@example(width=62, people=[{"states": [0] * 62, "orientations": [(2, 10, None), (40, 3, 55)]}])
@example(width=33, people=[{"states": [0, 3] * 31, "orientations": [(k, 15, None) for k in range(-1, 34, 3)]}])
def test_duckdb_and_spark_agree_on_long_deliveries(spark_available, width, people):
    tables = delivery(width, fitted(width, people))
    last = months.from_index(months.index(FIRST) + width - 1)

    def computed(runner):
        return volet2_table(runner, FIRST, last), volet3_table(runner, FIRST, last)

    assert computed(DuckDBRunner(tables)) == computed(SparkRunner(tables))
