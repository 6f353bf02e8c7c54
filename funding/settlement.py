"""The balance of each volet (R-FIN-08) and the recovery of an overpayment: the execution page's balance table,
its settlement, the titre de perception and its recovery.

Settlement (art. 6, R-FIN-08): the balance pays what is due minus what was actually paid. An advance
still only proposed when the balance is settled is cancelled by the settlement (its amount is then part
of the balance); an advance approved but not yet marked paid may already be in Chorus, so the
settlement is refused until it is marked paid or cancelled. Every write locks the convention row, as in
funding.payments.
"""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

from config.formats import ZERO, format_euros
from conventions.lifecycle import TransitionRefused, apply_transition
from conventions.models import Convention, ConventionState
from conventions.volets import Volet
from funding import reports
from funding.execution import volet_balance
from funding.models import Payment, PaymentKind, PaymentStatus, Recovery, VoletBalance
from funding.money import payment_breaches
from funding.payments import SETTLED_STATES, money_of, refuse

# The settlement closes every path, a terminated convention's too (reports.REPORTING_STATES for the report).
SETTLING_STATES = (ConventionState.REPORT_RECEIVED, ConventionState.TERMINATED)


def paid_amounts(convention) -> dict[Volet, Decimal]:
    paid = dict.fromkeys(Volet, ZERO)
    for payment in Payment.objects.filter(convention=convention, status=PaymentStatus.PAID):
        paid[payment.volet] += payment.amount
    return paid


def balance_stage(state: str) -> str:
    """What the execution page's balance table is in this state of the convention: « arrêté » once the balance is
    settled (the stored balances), « à arrêter » on the final report received or after a résiliation, otherwise a
    « simulation » on the expenses declared so far (before the final report, a volet without expenses shows all
    it was paid as to recover: a simulation, not a debt)."""
    if state in SETTLED_STATES:
        return "arrêté"
    if state in SETTLING_STATES:
        return "à arrêter"
    return "simulation"


def balances(convention):
    from campaigns.lookup import campaign_of

    campaign = campaign_of(convention)
    expenses = reports.expenses_of(convention)
    paid = paid_amounts(convention)
    return [
        volet_balance(
            volet=volet,
            allocated=allocated,
            expenses=expenses,
            paid=paid[volet],
            volet2_share=campaign.volet2_collectivity_share,
            ineligible=frozenset(campaign.ineligible_natures),
        )
        for volet, allocated in convention.amounts.items()
    ]


def settle_balances(*, convention, by, on: date) -> list[VoletBalance]:
    """R-FIN-08: the balance of each volet, stored; open advances settled (see the module's docstring);
    the balance payments proposed; the convention moves to "balance settled". A résiliée convention is
    settled the same way: what was executed is due, the rest of what was paid is recovered."""
    try:
        with transaction.atomic():
            current = Convention.objects.locked(convention.pk)
            if current.state not in SETTLING_STATES:
                raise TransitionRefused(
                    [f"Le solde ne s'arrête pas pour une convention « {ConventionState(current.state).label} »."]
                )
            approved = Payment.objects.filter(convention=current, status=PaymentStatus.APPROVED)
            if approved.exists():
                raise TransitionRefused(
                    [
                        f"{payment} : approuvé mais pas encore marqué payé ; marquez-le payé ou annulez-le "
                        "avant d'arrêter le solde (R-FIN-07)."
                        for payment in approved
                    ]
                )
            for payment in Payment.objects.filter(convention=current, status=PaymentStatus.PROPOSED):
                payment.status, payment.cancelled_reason = PaymentStatus.CANCELLED, "Annulé par l'arrêté du solde"
                payment.save()
            stored = []
            for result in balances(current):
                stored.append(
                    VoletBalance.objects.create(
                        convention=current,
                        volet=result.volet,
                        allocated=result.allocated,
                        eligible_cost=result.eligible_cost,
                        due=result.due,
                        paid=result.paid,
                        balance=result.balance,
                        to_recover=result.to_recover,
                        settled_by=by,
                    )
                )
                if result.to_pay > 0:
                    Payment.objects.create(
                        convention=current, volet=result.volet, kind=PaymentKind.BALANCE, amount=result.to_pay
                    )
            refuse([breach for money in money_of(current).values() for breach in payment_breaches(money)])
            apply_transition("settle_balance", convention=current, by=by, on=on, lock_version=current.lock_version)
    except IntegrityError:
        raise TransitionRefused(["Le solde de cette convention vient d'être arrêté par quelqu'un d'autre."]) from None
    return stored


def record_recovery(*, balance_id: int, by, number: str, issued_on: date, amount: Decimal) -> Recovery:
    """R-FIN-08: the titre de perception of an overpayment, for the amount to recover on the volet."""
    with transaction.atomic():
        balance = VoletBalance.objects.select_for_update().get(pk=balance_id)
        Convention.objects.locked(balance.convention_id)
        if balance.to_recover <= 0:
            raise TransitionRefused([f"Rien n'est à reverser sur le volet {balance.volet}."])
        if Recovery.objects.filter(balance=balance).exists():
            raise TransitionRefused([f"Un titre de perception est déjà émis pour le volet {balance.volet}."])
        if amount != balance.to_recover:
            raise TransitionRefused(
                [
                    f"Le titre de perception porte sur le montant à reverser du volet {balance.volet} "
                    f"({format_euros(balance.to_recover)}), pas {format_euros(amount)} (R-FIN-08)."
                ]
            )
        if not number.strip():
            raise TransitionRefused(["Indiquez le numéro du titre de perception."])
        return Recovery.objects.create(
            balance=balance, number=number.strip(), amount=amount, issued_on=issued_on, recorded_by=by
        )


def record_recovered(*, recovery_id: int, on: date) -> Recovery:
    """The amount of the titre was recovered: the to-do clears."""
    with transaction.atomic():
        recovery = Recovery.objects.select_for_update().get(pk=recovery_id)
        if recovery.recovered_on:
            raise TransitionRefused([f"Le titre n° {recovery.number} est déjà recouvré."])
        if on < recovery.issued_on:
            raise TransitionRefused([f"Le recouvrement précède l'émission du titre ({recovery.issued_on:%d/%m/%Y})."])
        recovery.recovered_on = on
        recovery.save()
    return recovery
