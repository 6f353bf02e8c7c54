"""Volet 3: progression in employability by a lifted obstacle — a diagnostic within six months of the entry
listing fewer obstacles than a diagnostic of an earlier day."""

from indicators.engine import months
from indicators.engine.runners import DuckDBRunner
from indicators.engine.tables import volet3_table
from indicators.tests.builders import monthly, situations, table


def progression_by_month(diagnostics: list[dict]) -> dict[str, int | None]:
    """Persons 1 to 3 enter the perimeter in February 2024 (absent in January); person 4 is in it from
    January, so never a new entrant."""
    rows = [row for person in (1, 2, 3) for row in monthly(person, "2024-02", "2024-05")]
    runner = DuckDBRunner(
        {
            "situations_mensuelles": situations(*rows, *monthly(4, "2024-01", "2024-05")),
            "diagnostics": table("diagnostics", *diagnostics),
        }
    )
    rows = volet3_table(runner, months.parse("2024-01"), months.parse("2024-05"))
    return {row["mois"]: row["progression_employabilite_6_mois"] for row in rows}


def test_a_diagnostic_listing_fewer_obstacles_than_an_earlier_one_counts_for_the_entry_month():
    by_month = progression_by_month(
        [
            # person 1: three obstacles before the entry, one within six months: counted in February
            {"personne": 1, "date": "2023-11-10", "freins": "mobilite|sante|logement"},
            {"personne": 1, "date": "2024-04-02", "freins": "sante"},
            # person 2: more obstacles later, not fewer
            {"personne": 2, "date": "2024-03-01", "freins": "sante"},
            {"personne": 2, "date": "2024-05-01", "freins": "sante|logement"},
            # person 3: fewer obstacles on the same day is not fewer than an earlier diagnostic
            {"personne": 3, "date": "2024-03-01", "freins": "sante|logement"},
            {"personne": 3, "date": "2024-03-01", "freins": "sante"},
            # person 4: fewer obstacles, but not a new entrant
            {"personne": 4, "date": "2024-01-05", "freins": "mobilite|sante"},
            {"personne": 4, "date": "2024-03-05", "freins": ""},
        ]
    )
    assert by_month == {"2024-01": None, "2024-02": 1, "2024-03": 0, "2024-04": 0, "2024-05": 0}


def test_a_diagnostic_without_obstacles_after_one_with_some_counts():
    by_month = progression_by_month(
        [
            {"personne": 2, "date": "2024-02-20", "freins": "numerique"},
            {"personne": 2, "date": "2024-06-30", "freins": None},
        ]
    )
    assert by_month == {"2024-01": None, "2024-02": 1, "2024-03": 0, "2024-04": 0, "2024-05": 0}
