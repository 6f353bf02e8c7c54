"""The final financial report (annexe 3): its lines of expenses, the implementation summary of the action plan,
the date it was received; and the on-site control (article 8). The balance computed from it is
funding.settlement.settle_balances."""

from datetime import date

from django.db import transaction

from action_plans.models import ActionSheet
from config.formats import format_euros
from conventions.lifecycle import TransitionRefused
from conventions.models import Convention, ConventionState
from funding.execution import Expense, amount_mismatch
from funding.models import ActionOutcome, FinancialReport, OnSiteControl, ReportLine

# The final report closes every path, a terminated convention's too.
REPORTING_STATES = (ConventionState.IN_EXECUTION, ConventionState.REPORT_RECEIVED, ConventionState.TERMINATED)
# The syntheses and reports of the fiches action and the implementation report: from the signature until the balance
# is settled (what the balance was settled on no longer changes).
OUTCOME_STATES = (ConventionState.SIGNED, *REPORTING_STATES)


def locked_in(convention_id: int, states, refusal: str) -> Convention:
    """The convention, locked until the end of the transaction (a settlement of the balance then waits for the
    write, or the write for the settlement), if it is in one of `states` now, whatever the page that asked saw."""
    convention = Convention.objects.locked(convention_id)
    if convention.state not in states:
        raise TransitionRefused([f"{refusal} ; la convention est à l'état « {convention.get_state_display()} »."])
    return convention


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
    """The lines of the final report replaced by `lines`, under the convention's lock: a settlement of the balance
    reads the lines before or after, never a mix, and none changes once the balance is settled."""
    convention = locked_in(
        convention.pk,
        REPORTING_STATES,
        "Le bilan financier se dépose pour une convention en exécution, résiliée ou dont le bilan est reçu",
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


@transaction.atomic
def record_implementation_summary(*, convention, by, text: str) -> FinancialReport:
    """The implementation report of the action plan (article 3.2), kept with the final report (its history
    says who wrote which version)."""
    convention = locked_in(
        convention.pk, OUTCOME_STATES, "Le bilan de mise en œuvre s'écrit de la signature à l'arrêt du solde"
    )
    report, _ = FinancialReport.objects.get_or_create(convention=convention)
    report.implementation_summary = text.strip()
    report._history_user = by
    report.save()
    return report


@transaction.atomic
def outcome_record(*, sheet_id: int, stage: str, values: dict, by) -> ActionOutcome:
    """The mid-year synthesis (R-SUIVI-01) or the implementation report (R-SUIVI-02) of a fiche action, written or
    rewritten (one per fiche and stage: two first entries at once make one, the second rewriting the first)."""
    sheet = ActionSheet.objects.get(pk=sheet_id)
    locked_in(
        sheet.convention_id,
        OUTCOME_STATES,
        "La synthèse ou le bilan d'une fiche action s'écrit de la signature à l'arrêt du solde",
    )
    outcome = ActionOutcome.objects.filter(sheet=sheet, stage=stage).first() or ActionOutcome(sheet=sheet, stage=stage)
    for name, value in values.items():
        setattr(outcome, name, value)
    outcome.credits_consumed = outcome.credits_consumed or 0
    outcome._history_user = by
    outcome.save()
    return outcome


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
