"""Named write functions for payments: the advances and the life of each payment (proposed, approved, paid,
cancelled). The final report is in funding.reports, the balance and the recovery in funding.settlement.

Every write that moves money reads the convention's money (`money_of`, computed by the pure
`funding.money.volet_money`) under a lock on the convention row, refuses with the rule it would break,
and otherwise writes. A payment is never recorded twice: a unique constraint per (convention, volet,
kind) among the payments not cancelled, and row locks (SELECT … FOR UPDATE on PostgreSQL; SQLite's
IMMEDIATE transactions serialise writers) around every change of state.
"""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from config.formats import ZERO
from conventions.lifecycle import TransitionRefused
from conventions.models import Convention, ConventionState, Volet3Selection
from conventions.volets import Volet
from funding.execution import advance_amount
from funding.models import OPEN_STATUSES, Payment, PaymentKind, PaymentStatus, VoletBalance
from funding.money import PaymentRow, VoletMoney, new_payment_breaches, payment_breaches, volet_money
from funding.plans import ceilings_by_convention
from funding.tranches import sum_refusals, tranches_of, year_breaches
from notifications import events

# Advances are paid on a signed convention (art. 6); the balance once it is settled (funding.settlement).
ADVANCE_STATES = (ConventionState.SIGNED, ConventionState.IN_EXECUTION, ConventionState.REPORT_RECEIVED)
SETTLED_STATES = (ConventionState.BALANCE_SETTLED, ConventionState.CLOSED)


def money_of(convention) -> dict[Volet, VoletMoney]:
    """The money of each volet, from the database; the amounts allocated are the convention's as it is in memory
    (an avenant's precondition passes the convention as the avenant would make it)."""
    return monies_of([convention])[convention.pk]


def monies_of(
    conventions,
    *,
    allocated: Mapping[int, dict[Volet, Decimal]] | None = None,
    ceilings: Mapping[int, dict[Volet, Decimal | None]] | None = None,
) -> dict[int, dict[Volet, VoletMoney]]:
    """`money_of` each convention, in a fixed number of queries whatever their number; `allocated`: amounts that
    replace some conventions' own; `ceilings`: the conventions' ceilings when already read
    (`ceilings_by_convention`)."""
    pks = [convention.pk for convention in conventions]
    allocated = allocated or {}
    ceilings = ceilings if ceilings is not None else ceilings_by_convention(conventions)
    payments, due = {pk: [] for pk in pks}, {pk: {} for pk in pks}
    for convention_id, volet, status, amount in Payment.objects.filter(convention__in=pks).values_list(
        "convention_id", "volet", "status", "amount"
    ):
        payments[convention_id].append(PaymentRow(Volet(volet), status, amount))
    for convention_id, volet, amount in VoletBalance.objects.filter(convention__in=pks).values_list(
        "convention_id", "volet", "due"
    ):
        due[convention_id][Volet(volet)] = amount
    selected = set(
        Volet3Selection.objects.filter(
            collectivity_id__in={c.collectivity_id for c in conventions}, year__in={c.year for c in conventions}
        ).values_list("collectivity_id", "year")
    )
    return {
        c.pk: volet_money(
            allocated=allocated.get(c.pk) or c.amounts,
            ceilings=ceilings[c.pk],
            volet3_selected=(c.collectivity_id, c.year) in selected,
            payments=payments[c.pk],
            due=due[c.pk],
        )
        for c in conventions
    }


def refuse(found) -> None:
    """A refusal naming each rule the breaches break, if any (a write of funding.payments or funding.settlement)."""
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
        refuse(new_payment_breaches(money[volet], amount, settled=False, balance=False))
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
    and proposed anew, for its year; one of a year the convention no longer covers is cancelled."""
    from campaigns.lookup import campaign_of

    campaign = campaign_of(convention)
    tranches = tranches_of(convention, campaign)
    years = {convention.year}
    for payment in Payment.objects.filter(
        convention=convention, kind=PaymentKind.ADVANCE, status=PaymentStatus.PROPOSED
    ):
        if payment.year not in tranches:
            payment.status, payment.cancelled_reason = PaymentStatus.CANCELLED, "Année retirée par avenant"
            payment.save()
            continue
        planned = tranches[payment.year].get(Volet(payment.volet), ZERO)
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
    refuse(new_payment_breaches(money, ZERO, settled=settled, balance=balance))
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
        refuse(year_breaches(volet, payment.year, tranche, committed))


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
