"""The synthesis for the comité pour l'emploi: the period's figures from the monthly rows (no database), then the
page, its PDF and spreadsheet from an uploaded delivery."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Role
from indicators.cdpe import Kind, synthesis

EXAMPLE = Path(__file__).resolve().parent / "data" / "plein_emploi"
JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


def line(found, label_start):
    return next(line for line in found.lines if line.label.startswith(label_start))


def test_flows_add_up_stocks_are_the_last_month_days_have_no_period_figure():
    tables = {
        "volet2": [
            {"mois": JAN, "nouveaux_entrants": None, "t0_inconnu": None, "orientes_15_jours": None},
            {"mois": FEB, "nouveaux_entrants": 10, "t0_inconnu": 2, "orientes_15_jours": 4},
            {"mois": MAR, "nouveaux_entrants": 6, "t0_inconnu": 0, "orientes_15_jours": 6},
        ],
        "volet3": [
            {"mois": m, "suivis_parcours_social": n, "delai_ouverture_premier_rdv_median_jours": Decimal("12.5")}
            for m, n in ((JAN, 40), (FEB, 42), (MAR, 45))
        ],
        "plein_emploi": [
            {"mois": JAN, "orientations_notifiees": 3, "provisoire": 0},
            {"mois": FEB, "orientations_notifiees": 5, "provisoire": 0},
            {"mois": MAR, "orientations_notifiees": 2, "provisoire": 1},
        ],
    }
    found = synthesis(tables, JAN, date(2025, 4, 1))
    assert found.months == [JAN, FEB, MAR, date(2025, 4, 1)]
    new = line(found, "Nouveaux entrants")
    assert (new.values, new.period, new.kind) == ([None, 10, 6, None], 16, Kind.FLOW)
    # 4 + 6 oriented in 15 days over 16 new entrants of whom 2 without T0: 10 / 14
    rate = line(found, "Part orientée en 15 jours")
    assert rate.values == [None, Decimal("50.0"), Decimal("100.0"), None] and rate.period == Decimal("71.4")
    assert line(found, "Personnes suivies en parcours social").period is None  # April not delivered
    assert line(found, "Orientations notifiées").period == 10
    assert line(found, "Délai ouverture").period is None
    assert (found.provisional, found.missing) == ([MAR], [date(2025, 4, 1)])
    within = synthesis(tables, JAN, MAR)
    assert line(within, "Personnes suivies en parcours social").period == 45
    assert [section for section, _ in within.sections] == [
        "Orientation des nouveaux entrants",
        "Délais de la loi pour le plein emploi",
        "Accompagnement",
        "Délai d'orientation des nouveaux entrants dont T0 est connu",
    ]


def test_the_delay_distribution_puts_each_new_entrant_of_known_t0_in_one_line():
    counts = {"nouveaux_entrants": 20, "t0_inconnu": 2, "orientes_15_jours": 5, "orientes_1_mois": 9,
              "orientes_6_semaines": 12, "a_orienter_par_france_travail": 4}  # fmt: skip
    tables = {
        "volet2": [{"mois": FEB, **{k: counts[k] for k in list(counts)[:4]}}],
        "plein_emploi": [{"mois": FEB, **{k: counts[k] for k in list(counts)[4:]}}],
    }
    found = synthesis(tables, FEB, MAR)
    lines = [line for line in found.lines if line.section.startswith("Délai d'orientation")]
    # 5 within 15 days, 4 more within a month, 3 more within six weeks, 4 past them, 2 still running
    assert [line.values for line in lines] == [[5, None], [4, None], [3, None], [4, None], [2, None]]
    assert sum(line.period for line in lines) == 20 - 2


@pytest.fixture
def delivered(client, make_user, settings, tmp_path, upload_folder):
    """The worked example uploaded by an agent of the Ain, logged in."""
    settings.INDICATORS_DATA_DIR = tmp_path / "indicateurs"
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    upload_folder(EXAMPLE)


def cdpe_url(query=""):
    return reverse("indicators:cdpe", args=["01D"]) + query


@pytest.mark.django_db
def test_the_page_proposes_the_last_three_months_and_exports_them(client, delivered, make_user):
    page = client.get(cdpe_url()).content.decode()
    assert 'value="2025-02"' in page and 'value="2025-04"' in page
    table = page[page.index('data-testid="cdpe"') :]
    france_travail = table[table.index("Orientés par France Travail") :].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in france_travail.split("</td>")[:-1]] == ["2", "1", "0", "3"]
    # the delays of the worked example's February: P01 within six weeks (day 35), P02 and P04 past them, P03 without T0
    distribution = table[table.index("Délai d&#x27;orientation des nouveaux entrants") :]
    cells = {
        label: distribution[distribution.index(label) :].split("</tr>")[0].split("</td>")[0].split(">")[-1]
        for label in ("En 15 jours au plus", "D&#x27;un mois à six semaines", "Au-delà de six semaines",
                      "Délai de six semaines en cours")
    }  # fmt: skip
    assert list(cells.values()) == ["0", "1", "2", "0"]
    query = "?du=2025-01&au=2025-04"
    workbook = load_workbook(io.BytesIO(client.get(cdpe_url(query + "&format=xlsx")).content))
    rows = list(workbook.active.values)
    assert rows[0] == (
        "rubrique",
        "indicateur",
        "2025-01",
        "2025-02",
        "2025-03",
        "2025-04",
        "periode",
        "calcul_periode",
    )
    orientations = next(row for row in rows if row[1] == "Orientations notifiées")
    assert orientations[2:] == (2, 2, 4, 0, 8, "somme sur la période")
    response = client.get(cdpe_url(query + "&format=pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="synthese-cdpe-01D-2025-01-2025-04.pdf"'
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Synthèse pour le comité pour l'emploi" in text and "Orientés par France Travail" in text
    # the DDETS of the Ain reads it too (a comité is the State's and the département's); not another département's
    client.force_login(make_user(Role.DDETS, "01"))
    assert client.get(cdpe_url(query)).status_code == 200
    client.force_login(make_user(Role.DDETS, "38"))
    assert client.get(cdpe_url(query)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("?du=2025-13&au=2025-04", "mois invalide « 2025-13 » : attendu AAAA-MM"),
        ("?du=2025-04&au=2025-01", "le dernier mois doit suivre le premier"),
        ("?du=2020-01&au=2025-04", "une synthèse couvre 36 mois au plus"),
    ],
)
def test_a_wrong_period_is_said_in_french_and_nothing_is_exported(client, delivered, query, error):
    page = client.get(cdpe_url(query)).content.decode()
    assert error in page.replace("&#x27;", "'") and 'data-testid="cdpe"' not in page
    assert client.get(cdpe_url(query + "&format=pdf"))["Content-Type"].startswith("text/html")
