"""The final report, the fiches' syntheses and reports and the implementation report are written under the
convention's lock and only until the balance is settled: a page loaded before the settlement cannot change what the
balance was settled on (before, the report's lines were replaced after the settlement from such a page)."""

import html
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from conventions.lifecycle import TransitionRefused
from conventions.models import Convention, ConventionState
from conventions.volets import Volet
from funding import mid_year, reports, settlement
from funding.models import ActionOutcome, FinancialReport, MidYearSynthesis, ReportLine, VoletBalance
from territories.models import Collectivity
from tests.factories import ActionSheetFactory, ConventionFactory, advances_paid, signed_with_advances, step

pytestmark = pytest.mark.django_db
D = Decimal


def line(amount: str) -> dict:
    return {"volet": 1, "section": "equipes_cd", "nature": "chefferie_projet", "purpose": "Cheffe de projet",
            "amount": D(amount), "position": 5}  # fmt: skip


@pytest.fixture
def received(make_user):
    """The Ain's 2024 convention, its advances paid, its final report received with 150 000 € on volet 1."""
    convention, agent = signed_with_advances(make_user)
    advances_paid(convention, agent, make_user(Role.DGEFP))
    step(convention, "start_execution", agent, date(2024, 4, 3))
    reports.report_replace(convention=Convention.objects.get(pk=convention.pk), lines=[line("150000.00")])
    step(convention, "receive_final_report", agent, date(2025, 2, 15))
    return Convention.objects.get(pk=convention.pk), agent


def test_a_report_sent_from_a_page_loaded_before_the_settlement_is_refused(received):
    page, agent = received  # the convention as the council's page loaded it, before the settlement
    settlement.settle_balances(convention=Convention.objects.get(pk=page.pk), by=agent, on=date(2025, 3, 1))
    with pytest.raises(TransitionRefused, match="la convention est à l'état « Solde arrêté »"):
        reports.report_replace(convention=page, lines=[line("200000.00")])
    assert list(ReportLine.objects.filter(convention=page).values_list("amount", flat=True)) == [D("150000.00")]
    assert VoletBalance.objects.get(convention=page, volet=1).eligible_cost == D("150000.00")


def test_the_fiches_reports_are_written_until_the_settlement_then_refused(received, client, make_user):
    convention, agent = received
    sheet = ActionSheetFactory(convention=convention)
    council = make_user(Role.DEPARTMENTAL_COUNCIL, "01D")
    url = reverse("funding:outcome", args=[convention.pk, sheet.pk, "final"])
    client.force_login(council)
    for comment in ("Première saisie", "Saisie corrigée"):
        client.post(url, {"progress": "realisee", "credits_consumed": "90 000,00", "comment": comment})
    (written,) = ActionOutcome.objects.filter(sheet=sheet)  # one per fiche and stage, rewritten
    assert (written.comment, written.credits_consumed) == ("Saisie corrigée", D("90000.00"))
    assert written.history.first().history_user == council

    settlement.settle_balances(convention=convention, by=agent, on=date(2025, 3, 1))
    refused = client.post(url, {"progress": "abandonnee", "credits_consumed": "1,00"}, follow=True)
    assert (
        "Refusé : La synthèse ou le bilan d'une fiche action s'écrit de la signature à l'arrêt du solde ; la "
        "convention est à l'état « Solde arrêté »." in html.unescape(refused.content.decode())
    )
    written.refresh_from_db()
    assert (written.progress, written.credits_consumed) == ("realisee", D("90000.00"))

    summary = client.post(
        reverse("funding:implementation_report", args=[convention.pk]),
        {"implementation_summary": "Réécrit après le solde"},
        follow=True,
    )
    assert "Le bilan de mise en œuvre s'écrit de la signature à l'arrêt du solde" in html.unescape(
        summary.content.decode()
    )
    assert FinancialReport.objects.get(convention=convention).implementation_summary == ""


def test_no_report_of_a_fiche_before_the_signature():
    negotiated = ConventionFactory(collectivity=Collectivity.objects.get(code="01D"), state=ConventionState.NEGOTIATION)
    sheet = ActionSheetFactory(convention=negotiated)
    with pytest.raises(TransitionRefused, match="la convention est à l'état « En négociation »"):
        reports.outcome_record(sheet_id=sheet.pk, stage="mi_parcours", values={"progress": "engagee"}, by=None)
    assert not ActionOutcome.objects.exists()


def test_no_mid_year_synthesis_once_the_balance_is_settled(received):
    convention, agent = received
    mid_year.send(
        convention=convention, volet=Volet.PROJECT_LEAD, by=agent, actions_engaged="Recrutements", difficulties="",
        credits_committed=D("100000.00"),
    )  # fmt: skip
    settlement.settle_balances(convention=convention, by=agent, on=date(2025, 3, 1))
    with pytest.raises(TransitionRefused, match="La synthèse à mi-année s'écrit de la signature à l'arrêt du solde"):
        mid_year.send(
            convention=convention, volet=Volet.PROJECT_LEAD, by=agent, actions_engaged="Réécrite", difficulties="",
            credits_committed=D("1.00"),
        )  # fmt: skip
    assert MidYearSynthesis.objects.get(convention=convention).credits_committed == D("100000.00")


@pytest.mark.django_db(transaction=True)
def test_the_reports_are_written_in_their_own_transaction_as_a_page_writes_them(make_user, client, territories):
    """Outside a test's transaction, as in production: each writer opens the transaction its lock needs (PostgreSQL
    refuses a SELECT … FOR UPDATE without one)."""
    convention, _ = signed_with_advances(make_user)
    sheet = ActionSheetFactory(convention=convention)
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    client.post(reverse("funding:implementation_report", args=[convention.pk]), {"implementation_summary": "Fait"})
    client.post(reverse("funding:outcome", args=[convention.pk, sheet.pk, "mi_parcours"]), {"progress": "engagee"})
    client.post(
        reverse("funding:mid_year", args=[convention.pk, 1]),
        {"actions_engaged": "Recrutements", "credits_committed": "1 000,00"},
    )
    assert FinancialReport.objects.get(convention=convention).implementation_summary == "Fait"
    assert ActionOutcome.objects.get(sheet=sheet).progress == "engagee"
    assert MidYearSynthesis.objects.get(convention=convention).credits_committed == D("1000.00")
