"""Each way the funding loop was driven past the instruction's limits, now refused with the French message
the user sees (issue: money integrity)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction
from django.urls import reverse

from accounts.models import Role
from conventions import lifecycle, services
from conventions.models import Convention, ConventionState
from conventions.volets import Volet
from funding import excel, payments, reports, settlement, todo
from funding.models import OnSiteControl, Payment, PaymentKind, PaymentStatus, PlanLine, ReportLine
from territories.models import Collectivity
from tests.concurrency import at_the_same_moment
from tests.factories import (
    ActionSheetFactory,
    CeilingFactory,
    ConventionFactory,
    PlanLineFactory,
    UserFactory,
    signed,
    terminated_with_report,
)

pytestmark = pytest.mark.django_db
D = Decimal
V1, V2, V3 = Volet
NBSP = "\u00a0"


@pytest.fixture
def agent(make_user):
    return make_user(Role.DDETS, "01")


@pytest.fixture
def ain_signed(agent):
    """Ain: volet 1 180 000 € (ceiling 280 000 €), volet 2 950 000 € (ceiling 1 100 000 €), signed."""
    ain = Collectivity.objects.get(code="01D")
    CeilingFactory(collectivity=ain, volet=V1, amount=D("280000.00"))
    CeilingFactory(collectivity=ain, volet=V2, amount=D("1100000.00"))
    convention = ConventionFactory(collectivity=ain, amount_volet1=D("180000.00"), amount_volet2=D("950000.00"))
    return signed(convention, agent)


def step(convention, name, by, on, **values):
    convention.refresh_from_db()
    lifecycle.apply_transition(
        name, convention=convention, by=by, on=on, lock_version=convention.lock_version, **values
    )
    convention.refresh_from_db()


def pay(payment, by, on=date(2024, 4, 2)):
    """Approved by `by`, recorded paid by another State agent (separation of duties)."""
    payments.approve_payment(payment_id=payment.pk, by=by)
    recorder = UserFactory(role=Role.DREETS, region=payment.convention.collectivity.region)
    payments.mark_paid(payment_id=payment.pk, paid_on=on, chorus_reference=f"CH-{payment.pk}", by=recorder)


def amend(convention, by, **amounts):
    values = {volet.amount_field: amounts.get(volet.amount_field, convention.amounts[volet]) for volet in Volet}
    amendment = services.amendment_propose(
        convention=convention, by=by, purpose="Avenant", amounts=values, end_date=convention.end_date
    )
    services.amendment_agree(amendment=amendment, party="etat", on=date(2024, 6, 1))
    return services.amendment_agree(amendment=amendment, party="departement", on=date(2024, 6, 2))


def test_r_fin_03_aisne_volet2_beyond_its_ceiling_with_no_plan_is_never_finalised(agent):
    aisne = Collectivity.objects.get(code="02D")
    CeilingFactory(collectivity=aisne, volet=V1, amount=D("190000.00"))
    CeilingFactory(collectivity=aisne, volet=V2, amount=D("1300000.00"))
    convention = ConventionFactory(collectivity=aisne, amount_volet1=D("190000.00"), amount_volet2=D("5000000.00"))
    step(convention, "open_negotiation", agent, date(2024, 1, 8))
    with pytest.raises(lifecycle.TransitionRefused) as refused:
        step(convention, "finalise", agent, date(2024, 1, 29))
    assert refused.value.reasons == [
        f"Volet 2 : 5{NBSP}000{NBSP}000,00{NBSP}€ dépasse le plafond de 1{NBSP}300{NBSP}000,00{NBSP}€ "
        f"de 3{NBSP}700{NBSP}000,00{NBSP}€ (R-FIN-03).",
        f"Plan de financement : la part de l'État du volet 1 (0,00{NBSP}€) doit être égale au montant de la "
        f"convention (190{NBSP}000,00{NBSP}€) (R-FIN-01).",
        f"Plan de financement : la part de l'État du volet 2 (0,00{NBSP}€) doit être égale au montant de la "
        f"convention (5{NBSP}000{NBSP}000,00{NBSP}€) (R-FIN-01).",
        "Le volet 2 est financé : au moins une fiche action est attendue (annexe 1, R-SUIVI-03).",
    ]
    convention.refresh_from_db()
    assert convention.state == ConventionState.NEGOTIATION
    assert not Payment.objects.exists()


def test_r_fin_03_an_avenant_beyond_the_ceiling_is_refused_at_once(ain_signed, agent):
    with pytest.raises(lifecycle.TransitionRefused) as refused:
        amend(ain_signed, agent, amount_volet1=D("5000000.00"))
    assert refused.value.reasons[0] == "Avenant refusé :"
    assert (
        "Volet 1 : 5\u00a0000\u00a0000,00\u00a0€ dépasse le plafond de 280\u00a0000,00\u00a0€"
        in (refused.value.reasons[1])
    )
    assert not ain_signed.amendments.exists()


def test_r_conv_04_an_avenant_cannot_bring_volet3_to_a_territory_not_selected(ain_signed, agent):
    CeilingFactory(collectivity=ain_signed.collectivity, volet=V3, amount=D("2000000.00"))
    with pytest.raises(lifecycle.TransitionRefused, match=r"n'est pas retenue pour le volet 3 \(R-CONV-04\)\.$"):
        amend(ain_signed, agent, amount_volet3=D("1000000.00"))


def test_r_fin_01_an_avenant_changing_amounts_needs_the_plan_updated_in_the_same_avenant(ain_signed, agent):
    amendment = services.amendment_propose(
        convention=ain_signed,
        by=agent,
        purpose="Renfort",
        amounts={"amount_volet1": D("180000.00"), "amount_volet2": D("1000000.00"), "amount_volet3": D("0")},
        end_date=ain_signed.end_date,
    )
    services.amendment_agree(amendment=amendment, party="etat", on=date(2024, 6, 1))
    with pytest.raises(lifecycle.TransitionRefused, match=r"la part de l'État du volet 2 \(950"):
        services.amendment_agree(amendment=amendment, party="departement", on=date(2024, 6, 2))
    ain_signed.refresh_from_db()
    assert ain_signed.amount_volet2 == D("950000.00")
    PlanLineFactory(convention=ain_signed, volet=V2, state_amount=D("50000.00"))
    services.amendment_agree(amendment=amendment, party="departement", on=date(2024, 6, 2))
    ain_signed.refresh_from_db()
    assert ain_signed.amount_volet2 == D("1000000.00")
    # The proposed advance follows the new amount: 60 % of 1 000 000 €.
    open_advances = Payment.objects.filter(convention=ain_signed, volet=V2, status=PaymentStatus.PROPOSED)
    assert list(open_advances.values_list("amount", flat=True)) == [D("600000.00")]


def test_r_fin_08_a_volet_cut_to_zero_after_its_advance_is_to_recover_not_paid_again(ain_signed, agent):
    advance = Payment.objects.get(convention=ain_signed, volet=V1, kind=PaymentKind.ADVANCE)
    assert advance.amount == D("108000.00")
    pay(advance, agent)
    PlanLine.objects.get(convention=ain_signed, volet=V1).delete()
    amend(ain_signed, agent, amount_volet1=D("0.00"))
    money = payments.money_of(Convention.objects.get(pk=ain_signed.pk))[V1]
    assert (money.allocated, money.paid, money.to_recover, money.room) == (
        D("0.00"),
        D("108000.00"),
        D("108000.00"),
        D("0.00"),
    )


def test_r_fin_07_the_balance_counts_open_advances_and_after_settlement_no_advance_moves(ain_signed, agent):
    convention = ain_signed
    volet1, volet2 = (Payment.objects.get(convention=convention, volet=v, kind=PaymentKind.ADVANCE) for v in (V1, V2))
    pay(volet1, agent)
    payments.approve_payment(payment_id=volet2.pk, by=agent)  # approved, not yet paid
    step(convention, "start_execution", agent, date(2024, 4, 3))
    reports.report_replace(
        convention=convention,
        lines=[
            {"volet": 1, "section": "equipes_cd", "nature": "chefferie_projet", "purpose": "Chef de projet",
             "amount": D("180000.00"), "position": 5},
            {"volet": 2, "section": "remobilisation", "nature": "personnel", "purpose": "Référents",
             "amount": D("2000000.00"), "position": 5},
        ],
    )  # fmt: skip
    step(convention, "receive_final_report", agent, date(2025, 2, 15))
    with pytest.raises(lifecycle.TransitionRefused, match="approuvé mais pas encore marqué payé"):
        settlement.settle_balances(convention=convention, by=agent, on=date(2025, 4, 1))
    payments.mark_paid(
        payment_id=volet2.pk, paid_on=date(2025, 3, 1), chorus_reference="CH-V2", by=UserFactory(role=Role.DGEFP)
    )
    settlement.settle_balances(convention=convention, by=agent, on=date(2025, 4, 1))
    balance = Payment.objects.get(convention=convention, volet=V2, kind=PaymentKind.BALANCE)
    assert balance.amount == D("380000.00")  # 950 000 due − 570 000 paid, never 950 000 on top of the advance
    pay(balance, agent, on=date(2025, 4, 10))
    money = payments.money_of(convention)[V2]
    assert (money.paid, money.payable, money.room) == (D("950000.00"), D("950000.00"), D("0.00"))


def test_r_fin_08_a_proposed_advance_is_cancelled_by_the_settlement(ain_signed, agent):
    convention = ain_signed
    step(convention, "start_execution", agent, date(2024, 4, 3))
    step(convention, "receive_final_report", agent, date(2025, 2, 15))
    settlement.settle_balances(convention=convention, by=agent, on=date(2025, 4, 1))
    advance = Payment.objects.get(convention=convention, volet=V1, kind=PaymentKind.ADVANCE)
    assert (advance.status, advance.cancelled_reason) == (PaymentStatus.CANCELLED, "Annulé par l'arrêté du solde")
    with pytest.raises(lifecycle.TransitionRefused, match="déjà « annulée »"):
        payments.approve_payment(payment_id=advance.pk, by=agent)
    # Nothing was reported: nothing is due, nothing to pay, nothing paid.
    assert not Payment.objects.filter(convention=convention, kind=PaymentKind.BALANCE).exists()


def test_amount_a_float_amount_cannot_be_stored(ain_signed):
    ain_signed.amount_volet1 = D("1E+20")
    # SQLite: the check constraint; PostgreSQL: the check constraint or NUMERIC(14, 2) itself.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        ain_signed.save()


@pytest.mark.parametrize("typed", ["1e30", "1E+20", "99999999999999999", "１２３", "٣٠٠", "1_000", "1e-2", "-3"])
def test_amount_hostile_amounts_in_the_forms_get_a_french_error_not_a_500(client, make_user, typed):
    aisne = Collectivity.objects.get(code="02D")
    convention = ConventionFactory(collectivity=aisne, state=ConventionState.NEGOTIATION)
    client.force_login(make_user(Role.DDETS, "02"))
    response = client.post(
        reverse("conventions:edit", args=[convention.pk]),
        {"lock_version": convention.lock_version, "start_date": "2024-01-01", "end_date": "2024-12-31",
         "amount_volet1": typed, "amount_volet2": "0", "amount_volet3": "0", "prefect_name": "P",
         "president_name": "P", "regional_prefect_name": "P"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Montant refusé" in response.content.decode()
    convention.refresh_from_db()
    assert convention.amount_volet1 == D("0.00")


def test_amount_an_avenant_of_1e20_is_refused_and_the_page_still_opens(client, ain_signed, make_user):
    client.force_login(make_user(Role.DDETS, "01", username="ddets-avenant"))
    page = client.post(
        reverse("conventions:propose_amendment", args=[ain_signed.pk]),
        {"purpose": "x", "amount_volet1": "1E+20", "amount_volet2": "950000", "amount_volet3": "",
         "end_date": "2024-12-31"},
        follow=True,
    )  # fmt: skip
    assert page.status_code == 200
    assert "notation scientifique refusée" in page.content.decode()
    assert not ain_signed.amendments.exists()


def test_amount_a_bilan_cell_of_1e20_is_refused_with_its_sheet_and_cell(ain_signed, agent):
    from openpyxl import load_workbook

    from funding import excel_import

    step(ain_signed, "start_execution", agent, date(2024, 4, 3))
    data = excel.export_report(ain_signed, [], [])
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["Volet 1"]
    for cell, value in (("A7", "Chef de projet"), ("I7", "Chefferie de projet"), ("G7", 1e20)):
        sheet[cell] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(excel_import.PlanImportError) as refused:
        excel_import.import_workbook(excel.REPORT, buffer.getvalue(), filename="bilan.xlsx", convention=ain_signed)
    assert [str(e) for e in refused.value.errors] == [
        "Volet 1!G7, valeur « 1e+20 » : Montant : un montant a au plus 12 chiffres avant la virgule"
    ]
    assert not ReportLine.objects.exists()


def test_r_fin_12_an_envelope_whose_volets_do_not_add_up_is_refused(client, make_user):
    client.force_login(make_user(Role.DGEFP))
    page = client.post(
        reverse("funding:envelope_set"),
        {"year": 2030, "total": "180 000 000", "volet1": "40 000 000", "volet2": "110 000 000",
         "volet3": "25 000 000"},
        follow=True,
    ).content.decode()  # fmt: skip
    assert "il reste 5\u00a0000\u00a0000,00\u00a0€ à répartir (volets ou réserve) (R-FIN-12)" in page
    client.post(
        reverse("funding:envelope_set"),
        {"year": 2030, "total": "180 000 000", "volet1": "40 000 000", "volet2": "110 000 000",
         "volet3": "25 000 000", "reserve": "5 000 000"},
    )  # fmt: skip
    from funding.models import NationalEnvelope

    assert NationalEnvelope.objects.get(year=2030).reserve == D("5000000.00")


def test_r_fin_12_a_ceiling_beyond_its_volets_envelope_is_refused(client, make_user):
    from funding.models import Ceiling, NationalEnvelope

    NationalEnvelope.objects.create(year=2031, total=D("10.00"), volet1=D("4.00"), volet2=D("5.00"), volet3=D("1.00"))
    client.force_login(make_user(Role.DGEFP))
    ain = Collectivity.objects.get(code="01D")
    page = client.post(
        reverse("funding:ceiling_set"), {"collectivity": ain.pk, "year": 2031, "volet": 2, "amount": "6"}, follow=True
    ).content.decode()
    assert "Volet 2 : les plafonds notifiés font 6,00\u00a0€, au-delà de l&#x27;enveloppe du volet (5,00" in page
    assert not Ceiling.objects.filter(year=2031).exists()


def test_r_suivi_03_a_fiche_budget_beyond_the_volet2_ceiling_is_refused_and_reconciled_with_the_plan(client, make_user):
    from funding import plans

    isere = Collectivity.objects.get(code="38D")
    CeilingFactory(collectivity=isere, volet=V2, amount=D("1600000.00"))
    convention = ConventionFactory(collectivity=isere, state=ConventionState.NEGOTIATION)
    sheet = ActionSheetFactory(convention=convention, number=1)
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "38D"))
    add = reverse("action_plans:budget_line_add", args=[convention.pk, sheet.pk])
    page = client.post(add, {"item": "Référents", "state_amount": "2 000 000", "collectivity_amount": "0"})
    assert "au-delà du plafond du volet 2" in page.content.decode()
    client.post(add, {"item": "Référents", "state_amount": "100 000", "collectivity_amount": "100 000"})
    (check,) = [c for c in plans.page_checks(convention) if c.rule == "R-SUIVI-03"]
    assert not check.ok
    assert check.message == (
        "Fiche action 1 : son budget prévoit 100\u00a0000,00\u00a0€ de part État, les lignes du plan qui s'y "
        "rattachent 0,00\u00a0€."
    )
    PlanLineFactory(convention=convention, volet=V2, state_amount=D("100000.00"), action_sheet=sheet)
    (check,) = [c for c in plans.page_checks(convention) if c.rule == "R-SUIVI-03"]
    assert check.ok


def test_a_terminated_convention_reports_settles_and_recovers_its_advance(ain_signed, agent, make_user):
    convention = ain_signed
    for advance in Payment.objects.filter(convention=convention):
        pay(advance, agent)
    terminated_with_report(convention, agent, D("400000.00"))
    settled = {b.volet: b for b in settlement.settle_balances(convention=convention, by=agent, on=date(2024, 9, 1))}
    # Nothing executed on volet 1: its whole advance is recovered; volet 2: half of 400 000 € is due.
    assert (settled[V1].due, settled[V1].to_recover) == (D("0.00"), D("108000.00"))
    assert (settled[V2].due, settled[V2].to_recover) == (D("200000.00"), D("370000.00"))
    manager = make_user(Role.DREETS, "84")  # the region's, beside the Ain's DDETS (the DGEFP's list leaves it to them)
    labels = [task.label for task in todo.tasks_for(manager, date(2024, 9, 2))]
    assert any(
        label.startswith("Émettre le titre de perception : 108\u00a0000,00\u00a0€ sur le volet 1") for label in labels
    )
    with pytest.raises(lifecycle.TransitionRefused) as nothing:
        settlement.record_recovery(
            balance_id=settled[V3].pk, by=agent, number="TP-0", issued_on=date(2024, 9, 5), amount=D("0.00")
        )
    assert nothing.value.reasons == ["Rien n'est à reverser sur le volet 3."]
    with pytest.raises(lifecycle.TransitionRefused) as partial:
        settlement.record_recovery(
            balance_id=settled[V1].pk, by=agent, number="TP-1", issued_on=date(2024, 9, 5), amount=D("100000.00")
        )
    assert partial.value.reasons == [
        "Le titre de perception porte sur le montant à reverser du volet 1 (108\u00a0000,00\u00a0€), "
        "pas 100\u00a0000,00\u00a0€ (R-FIN-08)."
    ]
    recovery = settlement.record_recovery(
        balance_id=settled[V1].pk, by=agent, number="TP-2024-001", issued_on=date(2024, 9, 5), amount=D("108000.00")
    )
    with pytest.raises(lifecycle.TransitionRefused, match="déjà émis"):
        settlement.record_recovery(
            balance_id=settled[V1].pk, by=agent, number="TP-2", issued_on=date(2024, 9, 5), amount=D("108000.00")
        )
    labels = [task.label for task in todo.tasks_for(manager, date(2024, 9, 6))]
    assert any(label.startswith("Constater le recouvrement du titre n° TP-2024-001") for label in labels)
    settlement.record_recovered(recovery_id=recovery.pk, on=date(2024, 9, 5))  # recovered the day it was issued
    labels = [task.label for task in todo.tasks_for(manager, date(2024, 10, 2))]
    assert not any("volet 1" in label for label in labels)
    assert any("volet 2" in label for label in labels)


def test_article_8_an_on_site_control_is_recorded_from_the_execution_page(client, ain_signed, make_user):
    client.force_login(make_user(Role.DDETS, "01", username="ddets-controle"))
    client.post(
        reverse("funding:control_add", args=[ain_signed.pk]),
        {"controlled_on": "2024-10-15", "controller": "DDETS de l'Ain, service contrôle",
         "findings": "Deux factures manquantes", "documents": "Bulletins de paie, factures", "unjustified_amount":
         "12 500,00"},
    )  # fmt: skip
    control = OnSiteControl.objects.get(convention=ain_signed)
    assert (control.controller, control.unjustified_amount) == ("DDETS de l'Ain, service contrôle", D("12500.00"))
    page = client.get(reverse("funding:execution", args=[ain_signed.pk])).content.decode()
    assert "Deux factures manquantes" in page
    assert 'data-testid="money"' in page


def _ready_to_settle(make_user):
    agent = make_user(Role.DDETS, "01", username="ddets-course")
    ain = Collectivity.objects.get(code="01D")
    convention = signed(
        ConventionFactory(collectivity=ain, amount_volet1=D("180000.00"), amount_volet2=D("950000.00")), agent
    )
    step(convention, "start_execution", agent, date(2024, 4, 3))
    step(convention, "receive_final_report", agent, date(2025, 2, 15))
    return convention, agent


@pytest.mark.django_db(transaction=True)
def test_parallel_settlement_posts_one_settles_the_others_are_told_why(make_user, territories):
    from django.test import Client

    convention, agent = _ready_to_settle(make_user)
    url = reverse("funding:settle", args=[convention.pk])

    def post():
        client = Client()
        client.force_login(agent)
        response = client.post(url, follow=True)
        page = response.content.decode()
        said = [m for m in ("Solde arrêté par volet", "Solde refusé : Le solde ne s&#x27;arrête pas") if m in page]
        return response.status_code, said

    outcomes = at_the_same_moment(post, post, post)
    assert all(not isinstance(o, Exception) for o in outcomes), outcomes
    assert sorted(outcomes) == [
        (200, ["Solde arrêté par volet"]),
        (200, ["Solde refusé : Le solde ne s&#x27;arrête pas"]),
        (200, ["Solde refusé : Le solde ne s&#x27;arrête pas"]),
    ]
    assert payments.VoletBalance.objects.filter(convention=convention).count() == len(Volet)


@pytest.mark.django_db(transaction=True)
def test_a_settlement_racing_an_approval_never_lets_both_through(make_user, territories):
    convention, agent = _ready_to_settle(make_user)
    advance = Payment.objects.get(convention=convention, volet=V1, kind=PaymentKind.ADVANCE)
    outcomes = at_the_same_moment(
        lambda: settlement.settle_balances(convention=convention, by=agent, on=date(2025, 4, 1)),
        lambda: payments.approve_payment(payment_id=advance.pk, by=agent),
    )
    refused = [o for o in outcomes if isinstance(o, lifecycle.TransitionRefused)]
    assert len(refused) == 1 and not [o for o in outcomes if isinstance(o, Exception) and o not in refused], outcomes
    advance.refresh_from_db()
    if isinstance(outcomes[0], lifecycle.TransitionRefused):  # the approval came first: no settlement yet
        assert "approuvé mais pas encore marqué payé" in outcomes[0].reasons[0]
        assert advance.status == PaymentStatus.APPROVED
    else:  # the settlement came first: the advance is cancelled, its approval refused
        assert advance.status == PaymentStatus.CANCELLED
        assert outcomes[1].reasons == ["Ce versement est déjà « annulée »."]


@pytest.mark.django_db(transaction=True)
def test_parallel_payments_of_the_same_advance_pay_it_once(make_user, territories):
    convention, agent = _ready_to_settle(make_user)
    advance = Payment.objects.get(convention=convention, volet=V2, kind=PaymentKind.ADVANCE)
    payments.approve_payment(payment_id=advance.pk, by=agent)
    recorder = UserFactory(role=Role.DGEFP)

    def pay_it(reference):
        return lambda: payments.mark_paid(
            payment_id=advance.pk, paid_on=date(2024, 5, 2), chorus_reference=reference, by=recorder
        )

    outcomes = at_the_same_moment(pay_it("CH-A"), pay_it("CH-B"), pay_it("CH-C"))
    assert sum(isinstance(o, Payment) for o in outcomes) == 1, outcomes
    assert all(
        isinstance(o, Payment)
        or (
            isinstance(o, lifecycle.TransitionRefused)
            and o.reasons == ["Seul un versement approuvé peut être marqué payé."]
        )
        for o in outcomes
    ), outcomes
    assert Payment.objects.get(pk=advance.pk).history.filter(status="payee").count() == 1


def test_titre_de_perception_and_cancellation_from_the_execution_page(client, ain_signed, agent):
    convention = ain_signed
    volet1 = Payment.objects.get(convention=convention, volet=V1, kind=PaymentKind.ADVANCE)
    pay(volet1, agent)
    client.force_login(agent)
    volet2 = Payment.objects.get(convention=convention, volet=V2, kind=PaymentKind.ADVANCE)
    page = client.post(
        reverse("funding:cancel_payment", args=[convention.pk, volet2.pk]), {"reason": ""}, follow=True
    ).content.decode()
    assert "Indiquez le motif de l&#x27;annulation." in page
    client.post(reverse("funding:cancel_payment", args=[convention.pk, volet2.pk]), {"reason": "Doublon"})
    assert Payment.objects.get(pk=volet2.pk).status == PaymentStatus.CANCELLED
    step(convention, "start_execution", agent, date(2024, 4, 3))
    step(convention, "receive_final_report", agent, date(2025, 2, 15))
    settlement.settle_balances(convention=convention, by=agent, on=date(2025, 4, 1))
    page = client.get(reverse("funding:execution", args=[convention.pk])).content.decode()
    assert "Enregistrer le titre" in page  # volet 1: 108 000 € paid, nothing reported, all to recover
    balance = convention.balances.get(volet=V1)
    client.post(
        reverse("funding:recovery_issue", args=[convention.pk, balance.pk]),
        {"number": "TP-01-2025-7", "issued_on": "2025-04-10"},
    )
    recovery = balance.recovery
    assert (recovery.number, recovery.amount) == ("TP-01-2025-7", D("108000.00"))
    page = client.post(
        reverse("funding:recovery_done", args=[convention.pk, recovery.pk]), {"recovered_on": "2025-04-01"}, follow=True
    ).content.decode()
    assert "Le recouvrement précède l&#x27;émission du titre (10/04/2025)." in page
    client.post(reverse("funding:recovery_done", args=[convention.pk, recovery.pk]), {"recovered_on": "2025-05-20"})
    page = client.get(reverse("funding:execution", args=[convention.pk])).content.decode()
    assert "n° TP-01-2025-7 émis le 10/04/2025, recouvré le 20/05/2025" in page
