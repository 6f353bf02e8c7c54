"""Named write functions for payments, the financial report and the final balance.

A payment is never recorded twice: a unique constraint per (convention, volet, kind) and row locks
(SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers) around every
change of state.
"""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from conventions.lifecycle import TransitionRefused, apply_transition
from conventions.models import ConventionState
from funding.execution import Expense, advance_amount, amount_mismatch, volet_balance
from funding.models import FinancialReport, Payment, PaymentKind, PaymentStatus, ReportLine, VoletBalance

ZERO = Decimal("0.00")


def planned_amounts(convention) -> dict[int, Decimal]:
    return {1: convention.amount_volet1, 2: convention.amount_volet2, 3: convention.amount_volet3}


def propose_advances(convention) -> list[Payment]:
    created = []
    for volet, planned in planned_amounts(convention).items():
        if planned > 0:
            payment, new = Payment.objects.get_or_create(
                convention=convention,
                volet=volet,
                kind=PaymentKind.ADVANCE,
                defaults={"amount": advance_amount(planned)},
            )
            if new:
                created.append(payment)
    return created


def approve_payment(*, payment_id: int, by) -> Payment:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status != PaymentStatus.PROPOSED:
            raise TransitionRefused([f"Ce versement est déjà « {payment.get_status_display().lower()} »."])
        payment.status, payment.approved_by, payment.approved_at = PaymentStatus.APPROVED, by, timezone.now()
        payment.save()
    return payment


def mark_paid(*, payment_id: int, paid_on: date, chorus_reference: str) -> Payment:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status != PaymentStatus.APPROVED:
            raise TransitionRefused(["Seul un versement approuvé peut être marqué payé."])
        if not chorus_reference.strip():
            raise TransitionRefused(["Indiquez la référence Chorus du paiement."])
        payment.status, payment.paid_on, payment.chorus_reference = (
            PaymentStatus.PAID,
            paid_on,
            chorus_reference.strip(),
        )
        payment.save()
    return payment


def expenses_of(convention) -> list[Expense]:
    return [
        Expense(line.volet, line.nature, line.amount, line.units, line.unit_cost)
        for line in ReportLine.objects.filter(convention=convention)
    ]


def paid_amounts(convention) -> dict[int, Decimal]:
    paid = dict.fromkeys((1, 2, 3), ZERO)
    for payment in Payment.objects.filter(convention=convention, status=PaymentStatus.PAID):
        paid[payment.volet] += payment.amount
    return paid


def balances(convention):
    expenses = expenses_of(convention)
    paid = paid_amounts(convention)
    return [
        volet_balance(volet=volet, allocated=allocated, expenses=expenses, paid=paid[volet])
        for volet, allocated in planned_amounts(convention).items()
    ]


def report_errors(lines: list[dict]) -> list[str]:
    """R-FIN-10: amount = units × unit cost whenever both are given."""
    errors = []
    for line in lines:
        expected = amount_mismatch(
            Expense(line["volet"], line["nature"], line["amount"], line.get("units"), line.get("unit_cost"))
        )
        if expected is not None:
            errors.append(
                f"Volet {line['volet']}, ligne {line['position']} : le montant ({line['amount']} €) n'est pas "
                f"le nombre d'unités × le coût unitaire ({expected} €)"
            )
    return errors


@transaction.atomic
def report_replace(*, convention, lines: list[dict]) -> int:
    if convention.state not in (ConventionState.IN_EXECUTION, ConventionState.REPORT_RECEIVED):
        raise TransitionRefused(
            ["Le bilan financier se dépose pour une convention en exécution ou dont le bilan est reçu."]
        )
    errors = report_errors(lines)
    if errors:
        raise TransitionRefused(errors)
    for old in ReportLine.objects.filter(convention=convention):
        old.delete()
    for values in lines:
        ReportLine.objects.create(convention=convention, **{k: v for k, v in values.items() if k != "action_sheet"})
    FinancialReport.objects.get_or_create(convention=convention)
    return len(lines)


def settle_balances(*, convention, by, on: date) -> list[VoletBalance]:
    """R-FIN-08: the balance of each volet, stored; the balance payments proposed; the convention
    moves to "balance settled"."""
    with transaction.atomic():
        results = balances(convention)
        stored = []
        for result in results:
            balance = VoletBalance.objects.create(
                convention=convention,
                volet=result.volet,
                allocated=result.allocated,
                eligible_cost=result.eligible_cost,
                due=result.due,
                paid=result.paid,
                balance=result.balance,
                to_recover=result.to_recover,
                settled_by=by,
            )
            stored.append(balance)
            if result.to_pay > 0:
                try:
                    with transaction.atomic():
                        Payment.objects.create(
                            convention=convention, volet=result.volet, kind=PaymentKind.BALANCE, amount=result.to_pay
                        )
                except IntegrityError:
                    raise TransitionRefused([f"Un solde est déjà proposé pour le volet {result.volet}."]) from None
        convention.refresh_from_db()
        apply_transition("settle_balance", convention=convention, by=by, on=on, lock_version=convention.lock_version)
    return stored


def record_report_received(convention, by, on: date) -> None:
    """R-SUIVI-02: the date the final report was received (three months after the end at the latest)."""
    report, _ = FinancialReport.objects.get_or_create(convention=convention)
    report.received_on = on
    report.save()
