"""A signed convention's life: avenants and versions (R-CONV-05), dénonciation (R-CONV-06), documents
(R-CONV-07), reports of non-execution (R-CONV-08), comité (R-SUIVI-06), action plan (R-SUIVI-03..05)."""

import io
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from accounts.models import Role
from conventions import lifecycle, services
from conventions.models import ConventionDocument, ConventionState, ExecutionReport
from conventions.volets import Volet
from territories.models import Collectivity
from tests.factories import CeilingFactory, PlanLineFactory, filled, financeable, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(make_user):
    agent = make_user(Role.DDETS, "01", username="ddets-signature")
    convention = filled(
        "01D",
        2024,
        amount_volet1=Decimal("250000.00"),
        amount_volet2=Decimal("1000000.00"),
        prefect_name="Préfète fictive",
        president_name="Président fictif",
        regional_prefect_name="Préfet de région fictif",
    )
    financeable(convention)
    step(convention, "open_negotiation", agent, date(2024, 1, 5))
    step(convention, "finalise", agent, date(2024, 1, 25))
    step(convention, "approve", agent, date(2024, 2, 20), deliberation_date=date(2024, 2, 20))
    step(
        convention,
        "sign",
        agent,
        date(2024, 3, 8),
        prefect_signed_on=date(2024, 3, 1),
        president_signed_on=date(2024, 3, 4),
        regional_prefect_signed_on=date(2024, 3, 8),
    )
    convention.refresh_from_db()
    return convention


def test_r_conv_05_signature_keeps_version_zero_and_an_avenant_makes_version_one(signed, make_user, client):
    assert list(signed.versions.values_list("number", flat=True)) == [0]
    # The avenant follows the rules of the first version: within the ceiling (raised first), with the plan updated.
    ceiling = CeilingFactory(collectivity=signed.collectivity, volet=Volet.LOCAL_SOLUTIONS)
    ceiling.amount = Decimal("1300000.00")
    ceiling.save()
    amendment = services.amendment_propose(
        convention=signed,
        by=None,
        purpose="Renfort de l'action 1",
        amounts={
            "amount_volet1": Decimal("250000"),
            "amount_volet2": Decimal("1200000"),
            "amount_volet3": Decimal("0"),
        },
        end_date=date(2024, 12, 31),
    )
    PlanLineFactory(convention=signed, volet=Volet.LOCAL_SOLUTIONS, state_amount=Decimal("200000.00"))
    services.amendment_agree(amendment=amendment, party="etat", on=date(2024, 6, 1))
    signed.refresh_from_db()
    assert signed.amount_volet2 == Decimal("1000000.00")  # not applied before both agreements
    services.amendment_agree(amendment=amendment, party="departement", on=date(2024, 6, 3))
    signed.refresh_from_db()
    assert signed.amount_volet2 == Decimal("1200000.00")
    assert list(signed.versions.values_list("number", flat=True)) == [0, 1]
    client.force_login(make_user(Role.DREETS, "84"))
    page = client.get(reverse("conventions:compare_versions", args=[signed.pk]), {"a": 0, "b": 1}).content.decode()
    assert "<td>Volet 2</td><td>1\u00a0000\u00a0000,00\u00a0€</td><td>1\u00a0200\u00a0000,00\u00a0€</td>" in page
    export = client.get(
        reverse("conventions:compare_versions", args=[signed.pk]), {"a": 0, "b": 1, "format": "csv"}
    ).content.decode("utf-8-sig")
    assert "Volet 2;1\u00a0000\u00a0000,00\u00a0€;1\u00a0200\u00a0000,00\u00a0€;oui" in export.splitlines()
    (sheet,) = signed.action_sheets.all()
    assert f"Fiches action;{sheet};{sheet};" in export.splitlines()  # the same fiches: shown, not marked changed
    with pytest.raises(lifecycle.TransitionRefused, match="déjà appliqué"):
        services.amendment_agree(amendment=amendment, party="etat", on=date(2024, 6, 4))
    documents = services.generate_documents(convention=signed, by=None)  # the text of the avenant's version
    assert [(d.version_number, d.filename) for d in documents] == [
        (1, "convention-01D-2024-v1.docx"),
        (1, "convention-01D-2024-v1.pdf"),
    ]


def test_avenant_only_on_a_signed_convention(make_user):
    draft = services.convention_create(collectivity=Collectivity.objects.get(code="38D"), year=2024)
    with pytest.raises(lifecycle.TransitionRefused, match="signée ou en exécution"):
        services.amendment_propose(convention=draft, by=None, purpose="x", amounts={}, end_date=date(2024, 12, 31))


def test_an_avenant_may_not_end_the_convention_before_its_start(signed):
    amounts = {"amount_volet1": signed.amount_volet1, "amount_volet2": signed.amount_volet2, "amount_volet3": 0}
    with pytest.raises(lifecycle.TransitionRefused) as refusal:
        services.amendment_propose(
            convention=signed, by=None, purpose="x", amounts=amounts, end_date=signed.start_date - timedelta(days=1)
        )
    assert refusal.value.reasons == ["La nouvelle date de fin précède le début de la convention."]
    assert not signed.amendments.exists()
    # ending on its first day is a period of one day: proposed
    same_day = services.amendment_propose(
        convention=signed, by=None, purpose="x", amounts=amounts, end_date=signed.start_date
    )
    assert same_day.end_date == signed.start_date


def test_r_conv_06_denunciation_takes_effect_two_months_later_unless_withdrawn(signed, make_user):
    agent = make_user(Role.DDETS, "01")
    notice = services.denunciation_notify(
        convention=signed, by=agent, notice_date=date(2024, 6, 30), reason="Bilan non transmis"
    )
    assert notice.effective_on == date(2024, 8, 30)
    with pytest.raises(lifecycle.TransitionRefused, match="ne prend effet que le 30/08/2024"):
        step(signed, "terminate", agent, date(2024, 8, 29))
    assert step(signed, "terminate", agent, date(2024, 8, 30)).state == ConventionState.TERMINATED


def test_r_conv_06_withdrawn_notice_does_not_terminate(signed, make_user):
    agent = make_user(Role.DDETS, "01")
    notice = services.denunciation_notify(convention=signed, by=agent, notice_date=date(2024, 6, 30), reason="x")
    with pytest.raises(lifecycle.TransitionRefused) as late:  # the day it takes effect
        services.denunciation_withdraw(denunciation=notice, on=date(2024, 8, 30))
    assert late.value.reasons == ["Le délai de deux mois est écoulé : la résiliation a pris effet."]
    services.denunciation_withdraw(denunciation=notice, on=date(2024, 8, 29))  # the last day of the two months
    with pytest.raises(lifecycle.TransitionRefused, match="Aucune mise en demeure en cours"):
        step(signed, "terminate", agent, date(2024, 9, 1))


def test_r_conv_07_word_and_pdf_with_amounts_in_figures_and_words(signed, make_user, client):
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    client.post(reverse("conventions:generate_documents", args=[signed.pk]))
    word = ConventionDocument.objects.get(kind="docx")
    pdf = ConventionDocument.objects.get(kind="pdf")
    assert (word.version_number, len(word.sha256), len(pdf.sha256)) == (0, 64, 64)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(pdf.content))).pages)
    text = " ".join(text.split())
    assert "1 250 000,00 € (un million deux cent cinquante mille euros)" in text.replace("\u00a0", " ")
    assert "ARTICLE 11 – LITIGE" in text
    with zipfile.ZipFile(io.BytesIO(bytes(word.content))) as docx:
        xml = docx.read("word/document.xml").decode()
    assert "un million deux cent cinquante mille euros" in xml
    assert "{{" not in xml and "{%" not in xml
    response = client.get(reverse("conventions:download_document", args=[signed.pk, pdf.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(pdf.content)


def test_signed_copy_must_be_a_real_pdf(signed, make_user, client):
    client.force_login(make_user(Role.DDETS, "01"))
    url = reverse("conventions:upload_signed_copy", args=[signed.pk])
    fake = SimpleUploadedFile("copie.pdf", b"MZ pas un pdf", content_type="application/pdf")
    page = client.post(url, {"file": fake}, follow=True).content.decode()
    assert "copie.pdf n&#x27;est pas un PDF." in page
    broken = SimpleUploadedFile("copie.pdf", b"%PDF-1.4 tronque", content_type="application/pdf")
    assert "PDF illisible" in client.post(url, {"file": broken}, follow=True).content.decode()
    assert not ConventionDocument.objects.filter(kind="signee").exists()
    services.generate_documents(convention=signed, by=None)
    real = bytes(ConventionDocument.objects.get(kind="pdf").content)
    client.post(url, {"file": SimpleUploadedFile("signee.pdf", real, content_type="application/pdf")})
    assert ConventionDocument.objects.get(kind="signee").sha256 == ConventionDocument.objects.get(kind="pdf").sha256


def test_a_signed_copy_of_20_mio_is_read_a_byte_more_is_refused(signed):
    """The size limit of the signed scan: 20 Mio are read (here found unreadable), one byte more is refused unread."""
    limit = services.MAX_SIGNED_SCAN_BYTES
    for size, reason in (
        (limit, "copie.pdf : PDF illisible ou endommagé."),
        (limit + 1, "Fichier trop volumineux : 20 Mio au plus."),
    ):
        scan = SimpleUploadedFile("copie.pdf", b"%PDF-" + b"0" * (size - 5), content_type="application/pdf")
        with pytest.raises(lifecycle.TransitionRefused) as refusal:
            services.upload_signed_copy(convention=signed, by=None, uploaded=scan)
        assert refusal.value.reasons == [reason]
    assert not ConventionDocument.objects.filter(kind="signee").exists()


def test_r_conv_08_and_r_suivi_06_reports_and_committee(signed, make_user, client):
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    client.post(
        reverse("conventions:report_execution", args=[signed.pk]),
        {"kind": "retard", "reported_on": "2024-07-01", "description": "Recrutement décalé"},
    )
    client.post(
        reverse("conventions:record_committee_meeting", args=[signed.pk]),
        {"held_on": "2024-06-15", "attendees": "Préfète, président", "decisions": "Maintien de l'action 1"},
    )
    report = ExecutionReport.objects.get()
    assert (report.kind, report.reported_on) == ("retard", date(2024, 7, 1))
    page = client.get(reverse("conventions:detail", args=[signed.pk])).content.decode()
    assert "01/07/2024 – Retard : Recrutement décalé" in page
    assert "15/06/2024 – participants : Préfète, président" in page


def test_r_conv_08_no_execution_report_before_the_signature_and_nothing_saved(make_user, client):
    draft = services.convention_create(collectivity=Collectivity.objects.get(code="01D"), year=2024)
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    assert "Signaler une inexécution" not in client.get(reverse("conventions:detail", args=[draft.pk])).content.decode()
    page = client.post(
        reverse("conventions:report_execution", args=[draft.pk]),
        {"kind": "retard", "reported_on": "2024-07-01", "description": "Recrutement décalé"},
        follow=True,
    ).content.decode()
    assert "porte sur une convention signée dont le solde n&#x27;est pas arrêté" in page
    assert not ExecutionReport.objects.exists()


def test_open_data_export_lists_signed_conventions(signed, make_user, client):
    services.convention_create(collectivity=Collectivity.objects.get(code="38D"), year=2024)
    client.force_login(make_user(Role.DGEFP))
    lines = client.get(reverse("conventions:open_data_export")).content.decode("utf-8").splitlines()
    assert lines[0] == "\ufeff" + ";".join(
        [
            "nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire", "idBeneficiaire",
            "objet", "montant", "nature", "conditionsVersement", "datesPeriodeVersement", "idRAE", "notificationUE",
            "pourcentageSubvention",
        ]
    )  # fmt: skip
    assert len(lines) == 2
    assert ";2024-03-08;CIE-01D-2024;Conseil départemental – Ain;" in lines[1]
    assert ";1250000,00;" in lines[1]


def test_r_suivi_03_action_sheet_while_negotiating_only(make_user, client):
    convention = services.convention_create(collectivity=Collectivity.objects.get(code="01D"), year=2025)
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    data = {
        "number": 1,
        "title": "Référents de parcours renforcés",
        "context": "Délais d'orientation longs",
        "objectives": "Orienter en 15 jours",
        "description": "Deux référents supplémentaires",
        "start_date": "2025-02-01",
        "duration_months": 11,
        "target_new_entrants": 1200,
    }
    response = client.post(reverse("action_plans:add", args=[convention.pk, "fiches"]), data)
    assert response.status_code == 302
    sheet = convention.action_sheets.get()
    client.post(
        reverse("action_plans:budget_line_add", args=[convention.pk, sheet.pk]),
        {"item": "Référents (2 ETP)", "state_amount": "60 000,00", "collectivity_amount": "60 000,00"},
    )
    page = client.get(reverse("action_plans:plan", args=[convention.pk])).content.decode()
    assert "Fiche action enregistrée." in page
    assert "Action 1 – Référents de parcours renforcés" in page
    assert "60\u00a0000,00\u00a0€" in page
    budget = client.get(reverse("action_plans:plan", args=[convention.pk]), {"format": "csv", "tableau": "budget"})
    assert budget.content.decode("utf-8-sig").splitlines() == [
        "action;poste;État (€);collectivité (€)",
        "1;Référents (2 ETP);60000,00;60000,00",
    ]
    again = client.post(reverse("action_plans:add", args=[convention.pk, "fiches"]), data)
    assert again.status_code == 200  # same number
    assert "Cette fiche action existe déjà pour cette convention" in again.content.decode()
    assert convention.action_sheets.count() == 1


def test_r_conv_05_an_avenant_carries_changes_to_the_action_plan(signed, make_user, client):
    from action_plans.models import ActionSheet

    (sheet,) = signed.action_sheets.all()  # the one fiche finalisation required
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    add = reverse("action_plans:add", args=[signed.pk, "fiches"])
    data = {
        "number": sheet.number + 1, "title": "Nouvelle action", "context": "c", "objectives": "o",
        "description": "d", "start_date": "2024-07-01", "duration_months": 6,
    }  # fmt: skip
    assert client.post(add, data).status_code == 404  # signed: not without an avenant
    amendment = services.amendment_propose(
        convention=signed,
        by=None,
        purpose="Ajout d'une action",
        amounts={"amount_volet1": signed.amount_volet1, "amount_volet2": signed.amount_volet2, "amount_volet3": 0},
        end_date=signed.end_date,
    )
    assert client.post(add, data).status_code == 302
    services.amendment_agree(amendment=amendment, party="etat", on=date(2024, 6, 1))
    services.amendment_agree(amendment=amendment, party="departement", on=date(2024, 6, 2))
    assert signed.versions.get(number=0).snapshot["actions"] == [str(sheet)]
    added = f"Action {sheet.number + 1} – Nouvelle action"
    assert signed.versions.get(number=1).snapshot["actions"] == [str(sheet), added]
    assert ActionSheet.objects.count() == 2
    page = client.get(reverse("conventions:compare_versions", args=[signed.pk]), {"a": 0, "b": 1}).content.decode()
    assert (
        f"<td>Fiches action</td><td>{escape(sheet)}</td><td>{escape(sheet)}<br>{added}</td>"
        '<td><span class="fr-badge fr-badge--warning fr-badge--sm">modifié</span></td>'
    ) in page
    # the avenant is applied: closed again
    assert client.post(add, {**data, "number": sheet.number + 2}).status_code == 404
