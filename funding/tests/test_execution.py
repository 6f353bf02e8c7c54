"""Payments, financial report and final balance (R-FIN-01, R-FIN-07, R-FIN-08, R-FIN-10)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Role
from conventions import lifecycle
from funding import payments, reports, settlement
from funding.execution import Expense, advance_amount, amount_mismatch, volet_balance
from funding.models import Payment, PaymentKind, VoletBalance
from tests.concurrency import at_the_same_moment
from tests.factories import signed_with_advances, step

D = Decimal


def test_r_fin_07_advance_of_60_percent_rounded_to_the_cent():
    assert advance_amount(D("250000.00")) == D("150000.00")
    assert advance_amount(D("0.05")) == D("0.03")  # 0.030 exactly
    assert advance_amount(D("1234.57")) == D("740.74")  # 740.742 → 740.74
    assert advance_amount(D("1234.58")) == D("740.75")  # 740.748 → 740.75


def test_r_fin_10_amount_is_units_times_unit_cost():
    assert amount_mismatch(Expense(2, "personnel", D("1500.00"), D("3"), D("500.00"))) is None
    assert amount_mismatch(Expense(2, "personnel", D("1400.00"), D("3"), D("500.00"))) == D("1500.00")
    assert amount_mismatch(Expense(2, "personnel", D("1400.00"))) is None
    # units without a unit cost, or the reverse: nothing to compare
    assert amount_mismatch(Expense(2, "personnel", D("1400.00"), units=D("3"))) is None
    assert amount_mismatch(Expense(2, "personnel", D("1400.00"), unit_cost=D("500.00"))) is None


def test_r_fin_01_r_fin_08_underspent_volet1_next_to_overspent_volet2():
    expenses = [
        Expense(1, "chefferie_projet", D("90000.00")),
        Expense(2, "personnel", D("2000000.00")),
        Expense(2, "aide_individuelle", D("400000.00")),
    ]
    volet1 = volet_balance(volet=1, allocated=D("200000.00"), expenses=expenses, paid=D("120000.00"))
    volet2 = volet_balance(volet=2, allocated=D("1000000.00"), expenses=expenses, paid=D("600000.00"))
    # Volet 1: due = eligible cost realised (90 000), 120 000 paid: 30 000 to recover.
    assert (volet1.due, volet1.balance, volet1.to_pay, volet1.to_recover) == (
        D("90000.00"),
        D("-30000.00"),
        0,
        D("30000.00"),
    )
    # Volet 2: half of 2 400 000 exceeds the allocation: due = 1 000 000, 400 000 to pay; nothing moved to volet 1.
    assert (volet2.due, volet2.to_pay, volet2.to_recover) == (D("1000000.00"), D("400000.00"), 0)


def test_r_fin_03_r_fin_06_volet2_state_share_at_most_half_of_eligible_cost():
    expenses = [Expense(2, "personnel", D("700000.00")), Expense(2, "frais_mission", D("100000.00"))]
    result = volet_balance(volet=2, allocated=D("1000000.00"), expenses=expenses, paid=D("600000.00"))
    assert (result.realised_cost, result.eligible_cost, result.due) == (D("800000.00"), D("700000.00"), D("350000.00"))
    assert result.to_recover == D("250000.00")


@given(
    allocated=st.decimals(min_value=0, max_value=10**8, places=2),
    spent=st.lists(st.decimals(min_value=0, max_value=10**7, places=2), max_size=20),
    volet=st.sampled_from([1, 2, 3]),
)
def test_r_fin_07_payments_of_a_volet_never_exceed_its_allocation(allocated, spent, volet):
    advance = advance_amount(allocated)
    expenses = [Expense(volet, "personnel", amount) for amount in spent]
    result = volet_balance(volet=volet, allocated=allocated, expenses=expenses, paid=advance)
    assert advance + result.to_pay - result.to_recover <= allocated
    assert advance + result.to_pay - result.to_recover == result.due


@pytest.mark.django_db
def test_r_fin_07_advances_proposed_at_signature(make_user):
    convention, _ = signed_with_advances(make_user)
    advances = {p.volet: p.amount for p in Payment.objects.filter(convention=convention, kind=PaymentKind.ADVANCE)}
    assert advances == {1: D("120000.00"), 2: D("600000.00")}
    with pytest.raises(IntegrityError):
        Payment.objects.create(convention=convention, volet=1, kind=PaymentKind.ADVANCE, amount=D("1"))


@pytest.mark.django_db
def test_from_signature_to_closed_with_a_recovery_on_volet1(make_user):
    convention, agent = signed_with_advances(make_user)
    recorder = make_user(Role.DREETS, "84", username="dreets-paiements")
    for payment in Payment.objects.filter(convention=convention):
        payments.approve_payment(payment_id=payment.pk, by=agent)
        payments.mark_paid(
            payment_id=payment.pk, paid_on=date(2024, 4, 2), chorus_reference=f"CH-{payment.pk}", by=recorder
        )
    step(convention, "start_execution", agent, date(2024, 4, 3))
    convention.refresh_from_db()
    lines = [
        {"volet": 1, "section": "equipes_cd", "nature": "chefferie_projet", "purpose": "Chef de projet", "unit": "mois",
         "units": D("9"), "unit_cost": D("10000.00"), "period": "2024", "amount": D("90000.00"), "position": 5},
        {"volet": 2, "section": "remobilisation", "nature": "personnel", "purpose": "Référents", "unit": "",
         "units": None, "unit_cost": None, "period": "2024", "amount": D("2400000.00"), "position": 5},
    ]  # fmt: skip
    assert reports.report_replace(convention=convention, lines=lines) == 2
    step(convention, "receive_final_report", agent, date(2025, 2, 15))
    convention.refresh_from_db()
    stored = settlement.settle_balances(convention=convention, by=agent, on=date(2025, 4, 1))
    assert [(b.volet, b.due, b.balance, b.to_recover) for b in stored] == [
        (1, D("90000.00"), D("-30000.00"), D("30000.00")),
        (2, D("1000000.00"), D("400000.00"), D("0.00")),
        (3, D("0.00"), D("0.00"), D("0.00")),
    ]
    convention.refresh_from_db()
    assert convention.state == "solde_arrete"
    balance_payment = Payment.objects.get(convention=convention, kind=PaymentKind.BALANCE)
    assert (balance_payment.volet, balance_payment.amount) == (2, D("400000.00"))
    assert not Payment.objects.filter(convention=convention, kind=PaymentKind.BALANCE, volet=1).exists()


@pytest.mark.django_db
def test_r_fin_10_report_refuses_amounts_that_are_not_units_times_cost(make_user):
    convention, agent = signed_with_advances(make_user)
    step(convention, "start_execution", agent, date(2024, 4, 3))
    convention.refresh_from_db()
    line = {"volet": 2, "section": "remobilisation", "nature": "personnel", "purpose": "x", "unit": "h",
            "units": D("10"), "unit_cost": D("50.00"), "period": "", "amount": D("450.00"), "position": 7}  # fmt: skip
    expected = re.escape("Volet 2, ligne 7 : le montant (450,00\u00a0€) n'est pas")
    with pytest.raises(lifecycle.TransitionRefused, match=expected):
        reports.report_replace(convention=convention, lines=[line])


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_of_the_same_advance_end_with_one(make_user, territories):
    convention, agent = signed_with_advances(make_user)
    advance = Payment.objects.get(convention=convention, volet=1)

    def approve():
        try:
            payments.approve_payment(payment_id=advance.pk, by=agent)
            return "approuvé"
        except lifecycle.TransitionRefused as refusal:
            return refusal.reasons[0]

    outcomes = at_the_same_moment(approve, approve)
    assert sorted(outcomes) == ["Ce versement est déjà « approuvée par la ddets ».", "approuvé"]
    assert Payment.objects.filter(convention=convention, volet=1, kind=PaymentKind.ADVANCE).count() == 1
    assert Payment.objects.get(pk=advance.pk).history.filter(status="approuvee").count() == 1
    assert VoletBalance.objects.count() == 0
