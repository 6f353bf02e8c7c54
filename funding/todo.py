"""What each person has to do next, computed from the state of the conventions in their scope: who is
expected to act at each step (the State's side, the conseil départemental, or a State agent other than the
one who approved a payment), the step, its deadline and whether it has passed, and what blocks it. Shared by
the home page, the inbox's daily reminders and the dashboards."""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from accounts import permissions
from accounts.models import Role
from config.formats import format_euros
from conventions import deadlines
from conventions.models import Convention, ConventionState
from funding.models import PaymentStatus, ReportLine, VoletBalance

S = ConventionState


@dataclass(frozen=True)
class Task:
    label: str
    url: str
    step: str = ""
    due: date | None = None
    late: bool = False
    # What blocks the step, or who is awaited; with each blocking reason apart (the rules the plan breaks).
    why: str = ""
    convention_id: int | None = None
    reasons: tuple[str, ...] = ()


def _side(user) -> str | None:
    """« etat » (DGEFP, DDETS), « departement » (conseil départemental), « region » (DREETS), None (reads only)."""
    if permissions.is_national(user) or user.role == Role.DDETS:
        return "etat"
    if user.role == Role.DEPARTMENTAL_COUNCIL:
        return "departement"
    if user.role == Role.DREETS:
        return "region"
    return None


def _deadline(convention: Convention, label: str, today: date) -> tuple[date, bool]:
    due = {
        "finalisation": date(convention.start_date.year, *deadlines.FINALISATION),
        "signature": date(convention.start_date.year, *deadlines.SIGNATURE),
        "bilan": deadlines.add_months(convention.end_date, deadlines.REPORT_MONTHS),
    }[label]
    return due, today > due


def _detail(convention) -> str:
    return reverse("conventions:detail", args=[convention.pk])


def _plan(convention) -> str:
    return reverse("funding:plan", args=[convention.pk])


def _execution(convention) -> str:
    return reverse("funding:execution", args=[convention.pk])


def _lifecycle_tasks(convention: Convention, side: str, today: date, reported: set[int]) -> list[Task]:
    """The step the convention waits for, addressed to the side expected to take it."""

    state = convention.state
    tasks = []

    def add(for_side, label, url, step, deadline=None, why="", reasons=()):
        if side != for_side:
            return
        due, late = _deadline(convention, deadline, today) if deadline else (None, False)
        tasks.append(Task(f"{label} : {convention}", url, step, due, late, why, convention.pk, tuple(reasons)))

    if state == S.DRAFT:
        add("etat", "Ouvrir la négociation", _detail(convention), "Ouverture de la négociation", "finalisation")
    elif state == S.NEGOTIATION:
        _negotiation_tasks(convention, add, today)
    elif state == S.FINALISED:
        add(
            "departement",
            "Faire délibérer l'assemblée et enregistrer la délibération",
            _detail(convention),
            "Délibération",
            "signature",
        )
        add(
            "etat",
            "En attente de la délibération du département",
            _detail(convention),
            "Délibération",
            "signature",
            "Le conseil départemental délibère.",
        )
    elif state == S.APPROVED:
        for for_side in ("etat", "departement"):
            add(for_side, "Recueillir les trois signatures", _detail(convention), "Signature", "signature")
    elif state == S.SIGNED:
        add("etat", "Passer en exécution", _detail(convention), "Exécution")
    elif state == S.IN_EXECUTION and today > convention.end_date:
        if convention.pk in reported:
            add(
                "etat",
                "Enregistrer la remise du bilan final déposé par le département",
                _detail(convention),
                "Remise du bilan final",
                "bilan",
            )
        else:
            due, late = _deadline(convention, "bilan", today)
            # the label keeps its historical wording: « Bilan final attendu le … (en retard) »
            label = f"Bilan final attendu le {due:%d/%m/%Y}{' (en retard)' if late else ''}"
            add(
                "etat",
                label,
                _execution(convention),
                "Remise du bilan final",
                "bilan",
                "Le département remet l'annexe 3.",
            )
            add(
                "departement",
                "Remettre le bilan financier final (annexe 3)",
                _execution(convention),
                "Remise du bilan final",
                "bilan",
            )
    elif state == S.REPORT_RECEIVED:
        add("etat", "Calculer le solde", _execution(convention), "Solde")
    elif state == S.BALANCE_SETTLED:
        add("etat", "Clore la convention", _detail(convention), "Clôture")
    return tasks


def _negotiation_tasks(convention, add, today) -> None:
    """Who the negotiation waits for: the département to submit or change its plan, the DDETS to answer or
    to finalise; and what the plan still breaks."""
    from funding.plans import finalisation_refusals
    from negotiation.models import MessageKind, NegotiationStatus
    from negotiation.services import status

    thread = _detail(convention) + "#negociation"
    refusals = finalisation_refusals(convention, today)
    blocking = ""
    if refusals:
        count = len(refusals)
        blocking = f"{count} point{'s' if count > 1 else ''} bloquant la finalisation :"
    current = status(convention)
    if current == NegotiationStatus.SUBMITTED:
        add(
            "etat",
            "Examiner le plan soumis par le département",
            thread,
            "Négociation",
            "finalisation",
            blocking or "Aucune règle bloquante : acceptez-le ou demandez des modifications.",
            refusals,
        )
        add("departement", "En attente de la réponse de la DDETS au plan soumis", thread, "Négociation", "finalisation")
    elif current == NegotiationStatus.CHANGES_REQUESTED:
        request = convention.negotiation_messages.filter(kind=MessageKind.CHANGES_REQUESTED).last()
        add(
            "departement",
            "Modifier le plan : modifications demandées par la DDETS",
            thread,
            "Négociation",
            "finalisation",
            request.text if request else "",
        )
        add("etat", "En attente du plan modifié par le département", thread, "Négociation", "finalisation")
    elif refusals:
        add(
            "departement",
            "Compléter le plan de financement",
            _plan(convention),
            "Finalisation",
            "finalisation",
            blocking,
            refusals,
        )
        add(
            "etat",
            "Négocier le plan de financement",
            _plan(convention),
            "Finalisation",
            "finalisation",
            blocking,
            refusals,
        )
    else:
        accepted = current == NegotiationStatus.ACCEPTED
        add(
            "etat",
            "Finaliser",
            _detail(convention),
            "Finalisation",
            "finalisation",
            "Plan accepté, aucune règle bloquante." if accepted else "Aucune règle bloquante.",
        )
        if not accepted:
            add("departement", "Soumettre le plan à la DDETS", thread, "Négociation", "finalisation")


def _payment_tasks(user, side: str, conventions) -> list[Task]:
    from funding.models import Payment

    tasks = []
    payments = Payment.objects.filter(
        convention__in=conventions, status__in=[PaymentStatus.PROPOSED, PaymentStatus.APPROVED]
    ).select_related("convention__collectivity")
    for payment in payments:
        url = _execution(payment.convention)
        if payment.status == PaymentStatus.PROPOSED and side == "etat":
            tasks.append(Task(f"Approuver : {payment}", url, "Versement", convention_id=payment.convention_id))
        elif payment.status == PaymentStatus.APPROVED and side in ("etat", "region"):
            if payment.approved_by_id == user.pk:
                continue  # separation of duties: another agent records it paid
            tasks.append(
                Task(
                    f"Enregistrer le paiement : {payment}",
                    url,
                    "Versement",
                    why=f"Approuvé ; le paiement du comptable ({format_euros(payment.amount)}) est à enregistrer.",
                    convention_id=payment.convention_id,
                )
            )
    return tasks


def _recovery_tasks(conventions) -> list[Task]:
    """R-FIN-08: a titre de perception to issue, then its recovery to record; nothing once recovered."""
    tasks = []
    for balance in VoletBalance.objects.filter(
        convention__in=conventions, to_recover__gt=0, recovery__recovered_on__isnull=True
    ).select_related("convention__collectivity", "recovery"):
        recovery = getattr(balance, "recovery", None)
        label = (
            f"Constater le recouvrement du titre n° {recovery.number}" if recovery else "Émettre le titre de perception"
        )
        tasks.append(
            Task(
                f"{label} : {format_euros(balance.to_recover)} sur le volet {balance.volet} – {balance.convention}",
                _execution(balance.convention),
                "Recouvrement",
                convention_id=balance.convention_id,
            )
        )
    return tasks


def tasks_for(user, today: date) -> list[Task]:
    """The person's tasks, late ones first, then by deadline."""
    side = _side(user)
    if side is None:
        return []
    conventions = Convention.objects.for_user(user).select_related("collectivity")
    if side == "departement":
        conventions = conventions.filter(collectivity_id=user.collectivity_id)
    active = list(conventions.exclude(state__in=[S.CLOSED]))
    reported = set(
        ReportLine.objects.filter(convention__in=[c.pk for c in active]).values_list("convention_id", flat=True)
    )
    tasks = []
    if side in ("etat", "departement"):
        for convention in active:
            tasks += _lifecycle_tasks(convention, side, today, reported)
    tasks += _payment_tasks(user, side, conventions)
    if side in ("etat", "region"):
        tasks += _recovery_tasks(conventions)
    return sorted(tasks, key=lambda t: (not t.late, t.due or date.max))
