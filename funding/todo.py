"""What each role has to do next, for the home page (issue: execution, to-do list)."""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from accounts import permissions
from accounts.models import Role
from config.formats import format_euros
from conventions.deadlines import REPORT_MONTHS, add_months
from conventions.models import Convention, ConventionState
from funding.models import FinancialReport, Payment, PaymentStatus, VoletBalance


@dataclass(frozen=True)
class Task:
    label: str
    url: str


def tasks_for(user, today: date) -> list[Task]:
    conventions = Convention.objects.for_user(user).select_related("collectivity")
    tasks = []
    state_side = permissions.is_national(user) or user.role == Role.DDETS
    if state_side or user.role == Role.DREETS:
        for payment in Payment.objects.filter(convention__in=conventions, status=PaymentStatus.PROPOSED).select_related(
            "convention__collectivity"
        ):
            if state_side:
                tasks.append(Task(f"Approuver : {payment}", reverse("funding:execution", args=[payment.convention_id])))
        for convention in conventions.filter(state=ConventionState.REPORT_RECEIVED):
            tasks.append(Task(f"Calculer le solde : {convention}", reverse("funding:execution", args=[convention.pk])))
        # R-FIN-08: a titre de perception to issue, then its recovery to record; nothing once recovered.
        for balance in VoletBalance.objects.filter(
            convention__in=conventions, to_recover__gt=0, recovery__recovered_on__isnull=True
        ).select_related("convention__collectivity", "recovery"):
            recovery = getattr(balance, "recovery", None)
            label = (
                f"Constater le recouvrement du titre n° {recovery.number}"
                if recovery
                else "Émettre le titre de perception"
            )
            tasks.append(
                Task(
                    f"{label} : {format_euros(balance.to_recover)} sur le volet {balance.volet} – {balance.convention}",
                    reverse("funding:execution", args=[balance.convention_id]),
                )
            )
    received = set(FinancialReport.objects.filter(received_on__isnull=False).values_list("convention_id", flat=True))
    for convention in conventions.filter(state=ConventionState.IN_EXECUTION):
        if convention.pk in received:
            continue
        due = add_months(convention.end_date, REPORT_MONTHS)
        if today > convention.end_date:
            late = " (en retard)" if today > due else ""
            tasks.append(
                Task(
                    f"Bilan final attendu le {due:%d/%m/%Y}{late} : {convention}",
                    reverse("funding:execution", args=[convention.pk]),
                )
            )
    return tasks
