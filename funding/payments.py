"""Named write functions for payments, the final balance and the recovery (the final report: funding.reports).

Every write that moves money reads the convention's money (`money_of`, computed by the pure
`funding.money.volet_money`) under a lock on the convention row, refuses with the rule it would break,
and otherwise writes. A payment is never recorded twice: a unique constraint per (convention, volet,
kind) among the payments not cancelled, and row locks (SELECT … FOR UPDATE on PostgreSQL; SQLite's
IMMEDIATE transactions serialise writers) around every change of state.

Settlement (art. 6, R-FIN-08): the balance pays what is due minus what was actually paid. An advance
still only proposed when the balance is settled is cancelled by the settlement (its amount is then part
of the balance); an advance approved but not yet marked paid may already be in Chorus, so the
settlement is refused until it is marked paid or cancelled.
"""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from config.formats import format_euros
from conventions.lifecycle import TransitionRefused, apply_transition
from conventions.models import Convention, ConventionState, Volet3Selection
from conventions.volets import Volet
from funding import reports
from funding.execution import advance_amount, volet_balance
from funding.models import (
    OPEN_STATUSES,
    Payment,
    PaymentKind,
    PaymentStatus,
    Recovery,
    VoletBalance,
)
from funding.money import PaymentRow, VoletMoney, new_payment_breaches, payment_breaches, volet_money
from funding.plans import ceilings_of
from funding.tranches import sum_refusals, tranches_of, year_breaches
from notifications import events

ZERO = Decimal("0.00")
# Advances are paid on a signed convention (art. 6); the balance once it is settled.
ADVANCE_STATES = (ConventionState.SIGNED, ConventionState.IN_EXECUTION, ConventionState.REPORT_RECEIVED)
SETTLED_STATES = (ConventionState.BALANCE_SETTLED, ConventionState.CLOSED)
# The settlement closes every path, a terminated convention's too (reports.REPORTING_STATES for the report).
SETTLING_STATES = (ConventionState.REPORT_RECEIVED, ConventionState.TERMINATED)


def money_of(convention, *, allocated: dict[Volet, Decimal] | None = None) -> dict[Volet, VoletMoney]:
    """The money of each volet, from the database; `allocated` replaces the convention's amounts (an avenant)."""
    balances = VoletBalance.objects.filter(convention=convention)
    return volet_money(
        allocated=allocated or convention.amounts,
        ceilings=ceilings_of(convention),
        volet3_selected=Volet3Selection.objects.filter(
            collectivity_id=convention.collectivity_id, year=convention.year
        ).exists(),
        payments=[
            PaymentRow(Volet(volet), status, amount)
            for volet, status, amount in Payment.objects.filter(convention=convention).values_list(
                "volet", "status", "amount"
            )
        ],
        due={Volet(b.volet): b.due for b in balances},
        titled={
            Volet(volet): amount
            for volet, amount in Recovery.objects.filter(balance__convention=convention).values_list(
                "balance__volet", "amount"
            )
        },
    )


def _refuse(found) -> None:
    if found:
        raise TransitionRefused([f"{breach.message} ({breach.rule})." for breach in found])


def propose_advances(convention, year: int | None = None) -> list[Payment]:
    """R-FIN-07: the advance of `year`'s tranche (the convention's first year at signature), the campaign's rate
    (60 %) of each volet's tranche, within what may still be paid on the volet."""
    from campaigns.lookup import campaign_of

    campaign = campaign_of(convention)
    year = year or convention.year
    tranches = tranches_of(convention, campaign)
    if year not in tranches:
        raise TransitionRefused([f"{year} n'est pas une année de la convention."])
    if len(tranches) > 1:
        _refuse_texts(sum_refusals(convention.amounts, tranches, tranches.keys()))
    created = []
    money = money_of(convention)
    for volet, planned in tranches[year].items():
        if (
            planned <= 0
            or Payment.objects.filter(
                convention=convention,
                volet=volet,
                kind=PaymentKind.ADVANCE,
                year=year,
                status__in=[*OPEN_STATUSES, PaymentStatus.PAID],
            ).exists()
        ):
            continue
        amount = min(advance_amount(planned, campaign.advance_rate), money[volet].room)
        if amount <= 0:
            continue
        _refuse(new_payment_breaches(money[volet], amount, settled=False, balance=False))
        created.append(
            Payment.objects.create(
                convention=convention, volet=volet, kind=PaymentKind.ADVANCE, amount=amount, year=year
            )
        )
    return created


def propose_year_advances(*, convention_id: int, year: int, today: date) -> list[Payment]:
    """The advances of a later year of a multi-year convention, from 1 January of that year."""
    with transaction.atomic():
        convention = Convention.objects.locked(convention_id)
        if convention.state not in ADVANCE_STATES:
            raise TransitionRefused(
                [f"La convention est « {ConventionState(convention.state).label} » : pas d'avance (R-FIN-07)."]
            )
        if year > today.year:
            raise TransitionRefused([f"L'avance {year} se propose à partir du 1er janvier {year}."])
        created = propose_advances(convention, year)
        if not created:
            raise TransitionRefused([f"Aucune avance {year} à proposer : déjà proposée, ou tranche nulle."])
    return created


def _refuse_texts(reasons: list[str]) -> None:
    if reasons:
        raise TransitionRefused(reasons)


def amendment_payment_refusals(convention, on) -> list[str]:
    """An avenant cannot bring a volet below what is approved and not yet paid (R-FIN-07); a reduction
    below what was paid is allowed: the difference is to recover (R-FIN-08). Proposed advances are
    proposed anew once the avenant applies (`readjust_advances`)."""
    reasons = []
    for money in money_of(convention).values():
        without_proposed = VoletMoney(**{**money.__dict__, "proposed": ZERO})
        reasons += [f"{breach.message} ({breach.rule})." for breach in payment_breaches(without_proposed)]
    return reasons


def readjust_advances(convention) -> list[Payment]:
    """After an avenant: a proposed advance no longer 60 % of its volet's amount (its year's tranche) is cancelled
    and proposed anew, for its year."""
    from campaigns.lookup import campaign_of

    campaign = campaign_of(convention)
    tranches = tranches_of(convention, campaign)
    years = {convention.year}
    for payment in Payment.objects.filter(
        convention=convention, kind=PaymentKind.ADVANCE, status=PaymentStatus.PROPOSED
    ):
        planned = tranches.get(payment.year, {}).get(Volet(payment.volet), ZERO)
        if payment.amount != advance_amount(planned, campaign.advance_rate):
            payment.status, payment.cancelled_reason = PaymentStatus.CANCELLED, "Montant changé par avenant"
            payment.save()
            years.add(payment.year)
    return [payment for year in sorted(years) for payment in propose_advances(convention, year)]


def balances_stored_refusals(convention, on) -> list[str]:
    if not VoletBalance.objects.filter(convention=convention).exists():
        return ["Le solde s'arrête depuis la page « Exécution » : il y est calculé volet par volet (R-FIN-08)."]
    return []


def propose_advances_at(convention, by, on) -> list[Payment]:
    """Lifecycle effect of the signature (R-FIN-07)."""
    return propose_advances(convention)


def readjust_advances_at(convention, by, on) -> list[Payment]:
    """Effect of an avenant applied (R-FIN-07)."""
    return readjust_advances(convention)


def _payment_may_move(payment: Payment, convention: Convention) -> None:
    """Approving or paying: the convention's state allows this kind of payment, and the money still holds."""
    balance = payment.kind == PaymentKind.BALANCE
    settled = convention.state in SETTLED_STATES
    if not balance and convention.state not in ADVANCE_STATES:
        raise TransitionRefused(
            [
                f"La convention est « {ConventionState(convention.state).label} » : "
                f"l'avance du volet {payment.volet} ne peut plus être versée (R-FIN-07)."
            ]
        )
    money = money_of(convention)[Volet(payment.volet)]
    _refuse(new_payment_breaches(money, ZERO, settled=settled, balance=balance))
    if not balance:
        volet = Volet(payment.volet)
        tranche = tranches_of(convention).get(payment.year, {}).get(volet, ZERO)
        committed = sum(
            Payment.objects.filter(
                convention=convention,
                volet=volet,
                kind=PaymentKind.ADVANCE,
                year=payment.year,
                status__in=[*OPEN_STATUSES, PaymentStatus.PAID],
            ).values_list("amount", flat=True),
            ZERO,
        )
        _refuse(year_breaches(volet, payment.year, tranche, committed))


def approve_payment(*, payment_id: int, by) -> Payment:
    with transaction.atomic():
        convention_id = Payment.objects.values_list("convention_id", flat=True).get(pk=payment_id)
        convention = Convention.objects.locked(convention_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status != PaymentStatus.PROPOSED:
            raise TransitionRefused([f"Ce versement est déjà « {payment.get_status_display().lower()} »."])
        _payment_may_move(payment, convention)
        payment.status, payment.approved_by, payment.approved_at = PaymentStatus.APPROVED, by, timezone.now()
        payment.save()
        events.payment_approved(payment, by)
    return payment


def separation_refusals(payment: Payment, by, paid_on: date, today: date) -> list[str]:
    """Who may record a payment paid, and when (décret 2012-1246 GBCP, art. 9: the functions of the
    ordonnateur and of the comptable are separate). Approving is the ordonnateur's act; the payment is the
    comptable's, recorded here by another State agent with its Chorus reference: never the approver."""
    reasons = []
    if by is None:
        reasons.append("Le paiement doit être enregistré par un agent identifié.")
    elif payment.approved_by_id is not None and payment.approved_by_id == by.pk:
        reasons.append(
            "Séparation des fonctions : vous avez approuvé ce versement, un autre agent de l'État "
            "(DDETS, DREETS ou DGEFP) enregistre son paiement."
        )
    if paid_on > today:
        reasons.append(f"La date de paiement ({paid_on:%d/%m/%Y}) ne peut pas être dans le futur.")
    return reasons


def mark_paid(*, payment_id: int, paid_on: date, chorus_reference: str, by) -> Payment:
    with transaction.atomic():
        convention_id = Payment.objects.values_list("convention_id", flat=True).get(pk=payment_id)
        convention = Convention.objects.locked(convention_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status != PaymentStatus.APPROVED:
            raise TransitionRefused(["Seul un versement approuvé peut être marqué payé."])
        if not chorus_reference.strip():
            raise TransitionRefused(["Indiquez la référence Chorus du paiement."])
        refused = separation_refusals(payment, by, paid_on, timezone.localdate())
        if refused:
            raise TransitionRefused(refused)
        _payment_may_move(payment, convention)
        payment.status, payment.paid_on, payment.chorus_reference, payment.paid_recorded_by = (
            PaymentStatus.PAID,
            paid_on,
            chorus_reference.strip(),
            by,
        )
        payment.save()
        events.payment_paid(payment, by)
    return payment


def cancel_payment(*, payment_id: int, reason: str) -> Payment:
    """A proposed or approved payment withdrawn (not paid): it no longer counts against the volet."""
    with transaction.atomic():
        convention_id = Payment.objects.values_list("convention_id", flat=True).get(pk=payment_id)
        Convention.objects.locked(convention_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status not in OPEN_STATUSES:
            raise TransitionRefused(
                [f"Ce versement est « {payment.get_status_display().lower()} » : il ne s'annule pas."]
            )
        if not reason.strip():
            raise TransitionRefused(["Indiquez le motif de l'annulation."])
        payment.status, payment.cancelled_reason = PaymentStatus.CANCELLED, reason.strip()[:200]
        payment.save()
    return payment


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
            _refuse([breach for money in money_of(current).values() for breach in payment_breaches(money)])
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
