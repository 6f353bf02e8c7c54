"""New intensive accompaniment pathways per month: the worked example (data/parcours_intensifs.md tells each
person's story) on both engines and through the CLI."""

from pathlib import Path

import pytest

from accounts.models import Role
from indicators.engine import intensive_pathways, months
from indicators.engine.reading import read_delivery
from indicators.engine.runners import DuckDBRunner, SparkRunner
from indicators.engine.tables import intensive_pathways_table

DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = DATA / "parcours_intensifs"
FIRST, LAST = months.parse("2024-12"), months.parse("2025-05")

# attendu_parcours_intensifs.csv, computed by hand, written out.
EXPECTED_EXAMPLE = [
    {"mois": "2024-12", "personnes_en_parcours_intensif": None, "nouveaux_parcours_intensifs": None},
    {"mois": "2025-01", "personnes_en_parcours_intensif": 1, "nouveaux_parcours_intensifs": None},
    {"mois": "2025-02", "personnes_en_parcours_intensif": 4, "nouveaux_parcours_intensifs": 3},
    {"mois": "2025-03", "personnes_en_parcours_intensif": 2, "nouveaux_parcours_intensifs": 1},
    {"mois": "2025-04", "personnes_en_parcours_intensif": 2, "nouveaux_parcours_intensifs": 2},
    {"mois": "2025-05", "personnes_en_parcours_intensif": None, "nouveaux_parcours_intensifs": None},
]


def test_worked_example_on_duckdb():
    delivery = read_delivery(EXAMPLE, key=b"cle-de-test")
    assert intensive_pathways_table(DuckDBRunner(delivery.tables), FIRST, LAST) == EXPECTED_EXAMPLE


@pytest.mark.once
def test_worked_example_on_spark(spark_available):
    delivery = read_delivery(EXAMPLE, key=b"cle-de-test")
    assert intensive_pathways_table(SparkRunner(delivery.tables), FIRST, LAST) == EXPECTED_EXAMPLE


def test_cli_writes_the_expected_file_byte_for_byte(tmp_path):
    from django.core.management import call_command

    output = tmp_path / "parcours.csv"
    call_command(
        "compute_indicators", str(EXAMPLE), "--from", "2024-12", "--to", "2025-05",
        "--volet", "parcours-intensifs", "--output", str(output),
    )  # fmt: skip
    assert output.read_bytes() == (DATA / "attendu_parcours_intensifs.csv").read_bytes()
    assert output.read_text().splitlines()[0] == ";".join(intensive_pathways.COLUMNS)


def test_the_pathways_started_are_read_against_the_convention_s_target():
    from datetime import date

    from indicators.pathways import against_target, target_to_date

    rows = [
        {"mois": date(2025, 1, 1), "personnes_en_parcours_intensif": 1, "nouveaux_parcours_intensifs": None},
        {"mois": date(2025, 2, 1), "personnes_en_parcours_intensif": 4, "nouveaux_parcours_intensifs": 3},
        {"mois": date(2025, 12, 1), "personnes_en_parcours_intensif": 9, "nouveaux_parcours_intensifs": 5},
        {"mois": date(2026, 1, 1), "personnes_en_parcours_intensif": 9, "nouveaux_parcours_intensifs": 2},
        {"mois": date(2028, 1, 1), "personnes_en_parcours_intensif": 1, "nouveaux_parcours_intensifs": 1},
    ]
    found = against_target(rows, [(date(2025, 1, 1), date(2027, 12, 31), 30)])
    assert [(m.started_this_year, m.target_to_date, m.gap) for m in found] == [
        (0, 3, -3),  # 30 × 1 / 12 = 2.5 → 3; January of the delivery's first month: nothing known started
        (3, 5, -2),
        (8, 30, -22),
        (2, 3, -1),  # a new year starts from zero
        (1, None, None),  # no convention covers 2028
    ]
    assert target_to_date(6, date(2025, 1, 1)) == 1  # 0.5 rounds half up


@pytest.mark.django_db
def test_an_uploaded_delivery_shows_the_pathways_against_the_triennial_target(
    client, make_user, settings, tmp_path, upload_folder
):
    from django.urls import reverse

    from conventions import services
    from territories.models import Collectivity
    from tests.factories import CampaignFactory

    CampaignFactory(first_year=2025)
    convention = services.convention_create(collectivity=Collectivity.objects.get(code="01D"), year=2025)
    convention.intensive_pathways_target = 24
    convention.save()
    settings.INDICATORS_DATA_DIR = tmp_path / "indicateurs"
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    upload_folder(EXAMPLE)
    page = client.get(reverse("indicators:dashboard", args=["01D"])).content.decode()
    section = page[page.index('data-testid="parcours-intensifs"') :].split("</table>")[0]
    cells = [[cell.split(">")[-1] for cell in row.split("</td>")[:-1]] for row in section.split("</tr>")[1:-1]]
    assert cells == [
        ["1", "–", "0", "24", "2", "-2"],  # January 2025: the first month, nothing known started
        ["4", "3", "3", "24", "4", "-1"],
        ["2", "1", "4", "24", "6", "-2"],
        ["2", "2", "6", "24", "8", "-2"],
    ]
