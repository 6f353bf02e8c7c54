"""Article 7 of the model: the département reports a non-execution, a change or a delay in the execution of the
convention (R-CONV-08), so from its signature until its balance is settled. A plain rule, tested without a
database; written by `services.execution_report_record`."""

from datetime import date

from conventions.lifecycle import not_future
from conventions.models import Convention, ConventionState

S = ConventionState
REPORTABLE = (S.SIGNED, S.IN_EXECUTION, S.REPORT_RECEIVED)


def refusals(convention: Convention, reported_on: date, today: date) -> list[str]:
    """Why an execution report dated `reported_on` may not be recorded on the convention; empty when it may."""
    if convention.state not in REPORTABLE:
        return [
            "Un signalement d'exécution (article 7) porte sur une convention signée dont le solde n'est pas arrêté ; "
            f"celle-ci est à l'état « {ConventionState(convention.state).label} »."
        ]
    signatures = (convention.prefect_signed_on, convention.president_signed_on, convention.regional_prefect_signed_on)
    signed_on = max(d for d in signatures if d)
    reasons = []
    if reported_on < signed_on:
        reasons.append(
            f"La date du signalement ({reported_on:%d/%m/%Y}) précède la signature de la convention "
            f"({signed_on:%d/%m/%Y})."
        )
    return reasons + not_future("du signalement", reported_on, today)
