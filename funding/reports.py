"""The final financial report (annexe 3): its lines of expenses, the implementation summary of the action plan,
the date it was received; and the on-site control (article 8). The balance computed from it is
funding.payments.settle_balances."""

from datetime import date

from django.db import transaction

from config.formats import format_euros
from conventions.lifecycle import TransitionRefused
from conventions.models import ConventionState
from funding.execution import Expense, amount_mismatch
from funding.models import FinancialReport, OnSiteControl, ReportLine

# The final report closes every path, a terminated convention's too.
REPORTING_STATES = (ConventionState.IN_EXECUTION, ConventionState.REPORT_RECEIVED, ConventionState.TERMINATED)


def expenses_of(convention) -> list[Expense]:
    return [
        Expense(line.volet, line.nature, line.amount, line.units, line.unit_cost)
        for line in ReportLine.objects.filter(convention=convention)
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
                f"Volet {line['volet']}, ligne {line['position']} : le montant ({format_euros(line['amount'])}) "
                f"n'est pas le nombre d'unités × le coût unitaire ({format_euros(expected)})"
            )
    return errors


@transaction.atomic
def report_replace(*, convention, lines: list[dict]) -> int:
    if convention.state not in REPORTING_STATES:
        raise TransitionRefused(
            ["Le bilan financier se dépose pour une convention en exécution, résiliée ou dont le bilan est reçu."]
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


def record_implementation_summary(*, convention, by, text: str) -> FinancialReport:
    """The implementation report of the action plan (article 3.2), kept with the final report (its history
    says who wrote which version)."""
    report, _ = FinancialReport.objects.get_or_create(convention=convention)
    report.implementation_summary = text.strip()
    report._history_user = by
    report.save()
    return report


def record_report_received(convention, by, on: date) -> None:
    """R-SUIVI-02: the date the final report was received (three months after the end at the latest)."""
    report, _ = FinancialReport.objects.get_or_create(convention=convention)
    report.received_on = on
    report.save()


def record_control(*, convention, by, values: dict) -> OnSiteControl:
    """Article 8: the on-site control, its findings and the pièces justificatives examined."""
    return OnSiteControl.objects.create(
        convention=convention, recorded_by=by, **{**values, "unjustified_amount": values.get("unjustified_amount") or 0}
    )
