"""Execution through the pages: approve and pay, the report as Excel, settle; consolidation; to-do list."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from funding.models import Payment, ReportLine, VoletBalance
from funding.settlement import balance_stage
from tests.factories import ActionSheetFactory, signed_with_advances, step

pytestmark = pytest.mark.django_db
D = Decimal


# Where each test writes its expenses: under these headings of annexe 3.
TEAMS_CD = "Dépenses relatives au renforcement des équipes locales CD"
REMOBILISATION = "Dépenses relatives à la remobilisation / entrée en parcours"
REPORT_COLUMNS = {"purpose": "A", "unit": "B", "units": "C", "unit_cost": "D", "period": "E", "amount": "G",
                  "valuation": "H", "nature": "I"}  # fmt: skip


def report_workbook(client, convention, rows) -> bytes:
    """The downloaded bilan with a line inserted under the given heading of each (volet, heading, values)."""
    data = client.get(reverse("funding:report_xlsx", args=[convention.pk])).content
    workbook = load_workbook(io.BytesIO(data))
    for volet, heading, values in rows:
        sheet = workbook[f"Volet {volet}"]
        row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == heading) + 1
        sheet.insert_rows(row)
        for name, value in values.items():
            sheet[f"{REPORT_COLUMNS[name]}{row}"] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row_of(sheet, purpose: str) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == purpose)


def test_signature_to_settled_balance_through_the_pages(client, make_user):
    convention, ddets = signed_with_advances(make_user)
    council = make_user(Role.DEPARTMENTAL_COUNCIL, "01D")
    client.force_login(ddets)
    home = client.get("/").content.decode()
    assert "Approuver : Avance de 60 % volet 1" in home
    for payment in Payment.objects.filter(convention=convention):
        client.post(reverse("funding:approve_payment", args=[convention.pk, payment.pk]))
    # separation of duties: the approver is told, and refused if they post anyway
    page = client.get(reverse("funding:execution", args=[convention.pk])).content.decode()
    assert "un autre agent de l'État enregistre son paiement" in page and "Marquer payé" not in page
    refused = client.post(
        reverse("funding:mark_paid", args=[convention.pk, payment.pk]),
        {"paid_on": "2024-04-02", "chorus_reference": "CH-MEME-AGENT"},
        follow=True,
    ).content.decode()
    assert "Séparation des fonctions : vous avez approuvé ce versement" in refused
    assert set(Payment.objects.values_list("status", flat=True)) == {"approuvee"}
    dreets = make_user(Role.DREETS, "84")
    client.force_login(dreets)
    for payment in Payment.objects.filter(convention=convention):
        client.post(
            reverse("funding:mark_paid", args=[convention.pk, payment.pk]),
            {"paid_on": "2024-04-02", "chorus_reference": f"CH{payment.pk}"},
        )
    assert set(Payment.objects.values_list("status", flat=True)) == {"payee"}
    assert "enregistré par" in client.get(reverse("funding:execution", args=[convention.pk])).content.decode()
    client.force_login(ddets)
    step(convention, "start_execution", ddets, date(2024, 4, 3))

    client.force_login(council)
    chief = {"purpose": "Chef de projet", "unit": "mois", "units": 9, "unit_cost": 10000, "period": "2024",
             "nature": "Chefferie de projet"}  # fmt: skip
    wrong = report_workbook(client, convention, [(1, TEAMS_CD, {**chief, "amount": 80000})])
    page = client.post(
        reverse("funding:report_import", args=[convention.pk]),
        {"file": SimpleUploadedFile("bilan.xlsx", wrong)},
        follow=True,
    ).content.decode()
    assert (
        "Volet 1, ligne 7 : le montant (80\u00a0000,00\u00a0€) n&#x27;est pas le nombre d&#x27;unités × "
        "le coût unitaire (90\u00a0000,00\u00a0€)" in page
    )
    assert not ReportLine.objects.exists()
    right = report_workbook(
        client,
        convention,
        [
            (1, TEAMS_CD, {**chief, "amount": "90 000,00 €"}),
            (
                2,
                REMOBILISATION,
                {"purpose": "Référents", "nature": "Dépenses de personnel (ETP)", "period": "2024", "amount": 2400000},
            ),
        ],
    )
    page = client.post(
        reverse("funding:report_import", args=[convention.pk]),
        {"file": SimpleUploadedFile("bilan.xlsx", right)},
        follow=True,
    ).content.decode()
    assert "Bilan financier importé : 2 lignes." in page, re.findall(r"fr-alert--[a-z]+[^>]*>\s*<p>([^<]*)", page)
    step(convention, "receive_final_report", ddets, date(2025, 2, 15))

    client.force_login(ddets)
    client.post(reverse("funding:settle", args=[convention.pk]))
    assert list(VoletBalance.objects.order_by("volet").values_list("volet", "to_recover")) == [
        (1, D("30000.00")), (2, D("0.00")), (3, D("0.00")),
    ]  # fmt: skip
    assert "Émettre le titre de perception : 30\u00a0000,00\u00a0€ sur le volet 1" in client.get("/").content.decode()

    client.force_login(dreets)
    consolidation = client.get(reverse("funding:consolidation"), {"annee": 2024}).content.decode()
    assert "<td>Ain</td><td>1</td>" in consolidation
    lines = client.get(reverse("funding:consolidation"), {"annee": 2024, "format": "csv"}).content.decode().splitlines()
    national = next(line for line in lines if line.startswith("national;"))
    # recovered on volet 1 only: 30 000 ; nothing moved from volet 2
    assert national.endswith(";30000,00;0,00;0,00")
    xlsx = client.get(reverse("funding:consolidation"), {"annee": 2024, "format": "xlsx"})
    assert load_workbook(io.BytesIO(xlsx.content))["Consolidation"]["A1"].value == "niveau"


def test_only_the_state_side_approves_and_only_the_council_reports(client, make_user):
    convention, _ = signed_with_advances(make_user)
    payment = Payment.objects.filter(convention=convention).first()
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    assert client.post(reverse("funding:approve_payment", args=[convention.pk, payment.pk])).status_code == 404
    client.force_login(make_user(Role.DDETS, "38"))
    assert client.post(reverse("funding:approve_payment", args=[convention.pk, payment.pk])).status_code == 404
    client.force_login(make_user(Role.DDETS, "01"))
    assert client.post(reverse("funding:report_import", args=[convention.pk])).status_code == 404
    payment.refresh_from_db()
    assert payment.status == "proposee"
    client.force_login(make_user(Role.DDETS, "59"))
    assert client.get(reverse("funding:consolidation")).status_code == 404


def signed_with_a_mid_year_synthesis(client, make_user, comment: str):
    """A signed convention with one fiche action, whose mid-year synthesis the council entered."""
    convention, ddets = signed_with_advances(make_user)
    sheet = ActionSheetFactory(
        convention=convention, title="Référents", start_date=date(2024, 2, 1), duration_months=10
    )
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    client.post(
        reverse("funding:outcome", args=[convention.pk, sheet.pk, "mi_parcours"]),
        {"progress": "engagee", "credits_consumed": "120 000,00", "new_entrants": 300, "comment": comment},
    )
    return convention, ddets


def test_mid_year_synthesis_by_the_council(client, make_user):
    convention, _ = signed_with_a_mid_year_synthesis(client, make_user, "Recrutements faits")
    client.force_login(make_user(Role.DREETS, "84"))
    page = client.get(reverse("funding:execution", args=[convention.pk])).content.decode()
    assert "Synthèse au 30 juin : Engagée, crédits consommés 120\u00a0000,00\u00a0€, 300 nouveaux entrants" in page


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda s, r: s.__setitem__(f"G{r}", 12.345),
            "Volet 2!G{r}, valeur « 12.345 » : Montant : un montant a au plus deux",
        ),
        (
            lambda s, r: s.__setitem__(f"G{r}", f"=C{r}*D{r}"),
            "Volet 2!G{r}, valeur « =C{r}*D{r} » : formule sans valeur",
        ),
        (lambda s, r: s.merge_cells(f"B{r}:C{r}"), "Volet 2!B{r}:C{r} : cellules fusionnées dans les lignes du plan"),
        (lambda s, r: s.__setitem__(f"G{r}", None), "Volet 2!G{r} : Montant : montant obligatoire"),
        (lambda s, r: s.__setitem__(f"I{r}", "Cadeaux"), "Volet 2!I{r}, valeur « Cadeaux » : Catégorie de dépense"),
        # an ineligible nature is accepted, and not financed
        (lambda s, r: s.__setitem__(f"I{r}", "Insertion par l'activité économique"), None),
    ],
)
def test_bad_report_workbooks(client, make_user, change, expected):
    from funding import excel, excel_import

    convention, _ = signed_with_advances(make_user)
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    values = {"purpose": "Référents", "nature": "Dépenses de personnel (ETP)", "units": 1, "amount": 1000}
    data = report_workbook(client, convention, [(2, REMOBILISATION, values)])
    workbook = load_workbook(io.BytesIO(data))
    row = row_of(workbook["Volet 2"], "Référents")
    change(workbook["Volet 2"], row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if expected is None:
        assert excel_import.import_workbook(
            excel.REPORT, buffer.getvalue(), filename="bilan.xlsx", convention=convention
        ).lines
        return
    with pytest.raises(excel_import.PlanImportError) as error:
        excel_import.import_workbook(excel.REPORT, buffer.getvalue(), filename="bilan.xlsx", convention=convention)
    expected = expected.format(r=row)
    assert any(str(e).startswith(expected) for e in error.value.errors), error.value.errors


def test_a_plan_workbook_is_not_a_report(client, make_user):
    from funding import excel, excel_import

    convention, _ = signed_with_advances(make_user)
    plan = excel.export_plan(convention, [], {})
    with pytest.raises(excel_import.PlanImportError) as error:
        excel_import.import_workbook(excel.REPORT, plan, filename="plan.xlsx", convention=convention)
    assert [str(e) for e in error.value.errors] == [
        "plan.xlsx : modèle inconnu : téléchargez le modèle de la plateforme"
    ]


def test_execution_tables_export_in_csv_and_in_one_workbook(client, make_user):
    convention, ddets = signed_with_a_mid_year_synthesis(client, make_user, "=1+1")
    client.force_login(ddets)
    url = reverse("funding:execution", args=[convention.pk])
    payments = client.get(url, {"format": "csv", "tableau": "versements"})
    assert payments["Content-Disposition"] == 'attachment; filename="execution-01D-2024-versements.csv"'
    lines = payments.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "volet;nature;montant (€);état;approuvé par;payé le;référence Chorus"
    advances = sorted(Payment.objects.filter(convention=convention).values_list("volet", "amount"))
    assert sorted(line.split(";")[0] + ";" + line.split(";")[2] for line in lines[1:]) == [
        f"{volet};{str(amount).replace('.', ',')}" for volet, amount in advances
    ]
    workbook = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    # signed, no final report: the balance is a simulation, and the shared workbook says so
    assert workbook.sheetnames == ["Versements", "Bilan financier", "Synthèses par fiche action", "Simulation du solde"]
    outcome = [c.value for c in workbook["Synthèses par fiche action"][2]]
    number = convention.action_sheets.get(title="Référents").number
    assert outcome[:6] == [number, "Référents", "Synthèse au 30 juin", "Engagée", 120000, 300]
    cell = workbook["Synthèses par fiche action"][2][7]
    assert (cell.value, cell.data_type) == ("=1+1", "s")  # a formula typed in a comment stays text
    assert [c.value for c in workbook["Simulation du solde"][1]][:2] == ["volet", "alloué (€)"]
    refused = client.get(url, {"format": "csv", "tableau": "inconnu"})
    assert refused.status_code == 400
    assert "Paramètre « tableau » invalide : « inconnu »" in refused.content.decode()
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "38D"))
    assert client.get(url, {"format": "xlsx"}).status_code == 404


@pytest.mark.parametrize(
    ("state", "stage"),
    [
        ("brouillon", "simulation"),
        ("signee", "simulation"),
        ("en_execution", "simulation"),
        ("bilan_recu", "à arrêter"),
        ("resiliee", "à arrêter"),
        ("solde_arrete", "arrêté"),
        ("close", "arrêté"),
    ],
)
def test_the_balance_table_is_a_simulation_until_the_final_report(state, stage):
    assert balance_stage(state) == stage


def test_before_the_final_report_the_advance_paid_is_not_shown_as_a_debt(client, make_user):
    convention, ddets = signed_with_advances(make_user)
    step(convention, "start_execution", ddets, date(2024, 4, 3))
    client.force_login(ddets)
    url = reverse("funding:execution", args=[convention.pk])
    page = client.get(url).content.decode()
    assert "Simulation du solde sur les dépenses déclarées à ce jour" in page
    assert "Simulation : le solde s'arrête sur le bilan final (annexe 3), à remettre au plus tard le" in page
    step(convention, "receive_final_report", ddets, date(2025, 2, 15))
    page = client.get(url).content.decode()
    assert "Calcul du solde, volet par volet" in page and 'data-testid="balance-simulation"' not in page
    sheets = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).sheetnames
    assert sheets[-1] == "Solde par volet (à arrêter)"
    client.post(reverse("funding:settle", args=[convention.pk]))
    sheets = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).sheetnames
    assert sheets[-1] == "Solde par volet"
