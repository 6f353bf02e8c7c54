"""What each person has to do next, computed from the state of the conventions in their scope: who is
expected to act at each step (the State's side, the conseil départemental, or a State agent other than the
one who approved a payment), the step, its deadline and whether it has passed, and what blocks it. Shared by
the home page, the inbox's daily reminders and the dashboards."""

from dataclasses import dataclass
from datetime import date

from django.db.models import prefetch_related_objects
from django.urls import reverse

from accounts import permissions
from accounts.models import Role
from config.formats import format_date, format_euros, format_percent
from conventions.models import Convention, ConventionState
from conventions.schedule import schedule_of
from conventions.volets import Volet
from funding.models import PaymentStatus, ReportLine, VoletBalance
from notifications.services import StateAgents, state_agents

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
    # Told once by the daily reminder when it appears (the advances of a new year of the convention, the mid-year
    # remontée), before any reminder of its deadline.
    announced: bool = False
    # The last day to act when `due` is not a deadline but the date the task describes (the mid-year remontée: its
    # situation au 30 juin, to send by 31 December): what the reminders count down to.
    limit: date | None = None

    @property
    def deadline(self) -> date | None:
        return self.limit or self.due

    @property
    def due_label(self) -> str:
        """How `due` reads while not late: a deadline, or, when the task has a `limit`, the date it describes (it is
        written from that day on, so that day passed is not lateness)."""
        return "situation au" if self.limit else "avant le"


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
    due = schedule_of(convention).due_dates(convention.start_date, convention.end_date)[label]
    return due, today > due


# The pages a task leads to.
PAGES = {
    "detail": lambda c: reverse("conventions:detail", args=[c.pk]),
    "thread": lambda c: reverse("conventions:detail", args=[c.pk]) + "#negociation",
    "plan": lambda c: reverse("funding:plan", args=[c.pk]),
    "execution": lambda c: reverse("funding:execution", args=[c.pk]),
}


@dataclass(frozen=True)
class Spec:
    """A task a convention's state asks of one side: its label, page, step, deadline and what it waits for."""

    side: str
    label: str
    page: str
    step: str
    deadline: str | None = None  # « finalisation », « signature », « bilan »
    why: str = ""
    reasons: tuple[str, ...] = ()


# The states whose task does not depend on anything else.
STATE_TASKS = {
    S.DRAFT: [Spec("etat", "Ouvrir la négociation", "detail", "Ouverture de la négociation", "finalisation")],
    S.FINALISED: [
        Spec("departement", "Faire délibérer l'assemblée et enregistrer la délibération", "detail", "Délibération",
             "signature"),
        Spec("etat", "En attente de la délibération du département", "detail", "Délibération", "signature",
             "Le conseil départemental délibère."),
    ],
    S.APPROVED: [
        Spec(side, "Recueillir les trois signatures", "detail", "Signature", "signature")
        for side in ("etat", "departement")
    ],
    S.SIGNED: [Spec("etat", "Passer en exécution", "detail", "Exécution")],
    S.REPORT_RECEIVED: [Spec("etat", "Calculer le solde", "execution", "Solde")],
    S.BALANCE_SETTLED: [Spec("etat", "Clore la convention", "detail", "Clôture")],
}  # fmt: skip


@dataclass(frozen=True)
class Negotiated:
    """What the to-do of a convention in negotiation reads: what its plan breaks (`finalisation_refusals`) and its
    messages' kinds and texts, in order."""

    refusals: tuple[str, ...]
    messages: tuple[tuple[str, str], ...]


def negotiated_of(conventions) -> dict[int, Negotiated]:
    """`Negotiated` of each convention, in a fixed number of queries whatever their number."""
    from funding.plans import finalisation_refusals_of
    from negotiation.models import NegotiationMessage

    messages = {convention.pk: [] for convention in conventions}
    for convention_id, kind, text in (
        NegotiationMessage.objects.filter(convention__in=list(messages))
        .order_by("convention_id", "created_at", "pk")
        .values_list("convention_id", "kind", "text")
    ):
        messages[convention_id].append((kind, text))
    refusals = finalisation_refusals_of(conventions)
    return {pk: Negotiated(tuple(refusals[pk]), tuple(found)) for pk, found in messages.items()}


def _negotiation_specs(negotiated: Negotiated) -> list[Spec]:
    """Who the negotiation waits for: the département to submit or change its plan, the DDETS to answer or
    to finalise; and what the plan still breaks."""
    from negotiation.models import MessageKind, NegotiationStatus, status_of

    refusals = negotiated.refusals
    count = len(refusals)
    blocking = f"{count} point{'s' if count > 1 else ''} bloquant la finalisation :" if refusals else ""
    current = status_of([kind for kind, _ in negotiated.messages])
    if current == NegotiationStatus.SUBMITTED:
        answer = blocking or "Aucune règle bloquante : acceptez-le ou demandez des modifications."
        return [
            Spec("etat", "Examiner le plan soumis par le département", "thread", "Négociation", "finalisation",
                 answer, refusals),
            Spec("departement", "En attente de la réponse de la DDETS au plan soumis", "thread", "Négociation",
                 "finalisation"),
        ]  # fmt: skip
    if current == NegotiationStatus.CHANGES_REQUESTED:
        requests = [text for kind, text in negotiated.messages if kind == MessageKind.CHANGES_REQUESTED]
        return [
            Spec("departement", "Modifier le plan : modifications demandées par la DDETS", "thread", "Négociation",
                 "finalisation", requests[-1] if requests else ""),
            Spec("etat", "En attente du plan modifié par le département", "thread", "Négociation", "finalisation"),
        ]  # fmt: skip
    if refusals:
        return [
            Spec("departement", "Compléter le plan de financement", "plan", "Finalisation", "finalisation", blocking,
                 refusals),
            Spec("etat", "Négocier le plan de financement", "plan", "Finalisation", "finalisation", blocking,
                 refusals),
        ]  # fmt: skip
    if current == NegotiationStatus.ACCEPTED:
        return [Spec("etat", "Finaliser", "detail", "Finalisation", "finalisation",
                     "Plan accepté, aucune règle bloquante.")]  # fmt: skip
    return [
        Spec("etat", "Finaliser", "detail", "Finalisation", "finalisation", "Aucune règle bloquante."),
        Spec("departement", "Soumettre le plan à la DDETS", "thread", "Négociation", "finalisation"),
    ]


def _report_specs(convention, today, reported: bool) -> list[Spec]:
    """After the end of the convention: the final report to hand in, or, once uploaded, its receipt to record."""
    if reported:
        return [Spec("etat", "Enregistrer la remise du bilan final déposé par le département", "detail",
                     "Remise du bilan final", "bilan")]  # fmt: skip
    due, late = _deadline(convention, "bilan", today)
    # the label keeps its historical wording: « Bilan final attendu le … (en retard) »
    return [
        Spec("etat", f"Bilan final attendu le {due:%d/%m/%Y}{' (en retard)' if late else ''}", "execution",
             "Remise du bilan final", "bilan", "Le département remet l'annexe 3."),
        Spec("departement", "Remettre le bilan financier final (annexe 3)", "execution", "Remise du bilan final",
             "bilan"),
    ]  # fmt: skip


def _lifecycle_tasks(
    convention: Convention, side: str, today: date, reported: set[int], negotiated: dict[int, Negotiated]
) -> list[Task]:
    """The step the convention waits for, addressed to the side expected to take it."""
    if convention.state == S.NEGOTIATION:
        specs = _negotiation_specs(negotiated[convention.pk])
    elif convention.state == S.IN_EXECUTION:
        specs = _report_specs(convention, today, convention.pk in reported) if today > convention.end_date else []
    else:
        specs = STATE_TASKS.get(convention.state, [])
    tasks = []
    for spec in specs:
        if spec.side != side:
            continue
        due, late = _deadline(convention, spec.deadline, today) if spec.deadline else (None, False)
        url = PAGES[spec.page](convention)
        tasks.append(
            Task(f"{spec.label} : {convention}", url, spec.step, due, late, spec.why, convention.pk, spec.reasons)
        )
    return tasks


def _payment_tasks(
    user, side: str, conventions, attended: set[int], agents: dict[int, StateAgents] | None
) -> list[Task]:
    """Payments to approve (not those of the `attended` conventions: their DDETS approves them), then to record
    paid by another agent than the approver (with the State's territorial `agents`, for the DGEFP: only those no
    DDETS or DREETS agent but the approver may record)."""
    from funding.models import Payment

    tasks = []
    payments = list(
        Payment.objects.filter(
            convention__in=conventions, status__in=[PaymentStatus.PROPOSED, PaymentStatus.APPROVED]
        ).select_related("convention__collectivity")
    )
    recordable = set()  # for the DGEFP: the approved payments another territorial agent may record
    if agents is not None:
        recordable = {p.pk for p in payments if agents[p.convention.collectivity_id].every - {p.approved_by_id}}
    for payment in payments:
        url = PAGES["execution"](payment.convention)
        if payment.status == PaymentStatus.PROPOSED and side == "etat":
            if payment.convention_id in attended:
                continue
            tasks.append(Task(f"Approuver : {payment}", url, "Versement", convention_id=payment.convention_id))
        elif payment.status == PaymentStatus.APPROVED and side in ("etat", "region"):
            if payment.approved_by_id == user.pk or payment.pk in recordable:
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


def _advance_tasks(conventions, today: date) -> list[Task]:
    """R-FIN-07 per year: from 1 January of a later year of a multi-year convention, its advances to propose (the
    campaign's rate of each volet's tranche), until every volet with a tranche has its advance."""
    from campaigns.lookup import campaign_of
    from funding.models import Payment, PaymentKind
    from funding.payments import ADVANCE_STATES
    from funding.tranches import tranches_of, years_awaiting_advances

    running = [c for c in conventions if c.state in ADVANCE_STATES and c.end_date.year > c.year]
    prefetch_related_objects(running, "tranches")  # one query for all, not one per convention
    advanced = {c.pk: set() for c in running}
    for convention_id, year, volet in (
        Payment.objects.filter(convention__in=running, kind=PaymentKind.ADVANCE)
        .exclude(status=PaymentStatus.CANCELLED)
        .values_list("convention_id", "year", "volet")
    ):
        advanced[convention_id].add((year, Volet(volet)))
    tasks = []
    for convention in running:
        campaign = campaign_of(convention)
        for year in years_awaiting_advances(
            tranches_of(convention, campaign), advanced[convention.pk], convention.year, today
        ):
            tasks.append(
                Task(
                    f"Proposer les avances {year} : {convention}",
                    PAGES["execution"](convention),
                    "Versement",
                    # no deadline: to propose from 1 January (a due date would read « avant le 01/01 »)
                    why=f"À proposer depuis le 1er janvier {year} : {format_percent(campaign.advance_rate)} de la "
                    f"tranche {year} de chaque volet (R-FIN-07).",
                    convention_id=convention.pk,
                    announced=True,
                )
            )
    return tasks


def _recovery_tasks(conventions, agents: dict[int, StateAgents] | None) -> list[Task]:
    """R-FIN-08: a titre de perception to issue, then its recovery to record; nothing once recovered. With the State's
    territorial `agents`, for the DGEFP: only where no DDETS or DREETS agent is there to."""
    tasks = []
    for balance in VoletBalance.objects.filter(
        convention__in=conventions, to_recover__gt=0, recovery__recovered_on__isnull=True
    ).select_related("convention__collectivity", "recovery"):
        if agents is not None and agents[balance.convention.collectivity_id].every:
            continue
        recovery = getattr(balance, "recovery", None)
        label = (
            f"Constater le recouvrement du titre n° {recovery.number}" if recovery else "Émettre le titre de perception"
        )
        tasks.append(
            Task(
                f"{label} : {format_euros(balance.to_recover)} sur le volet {balance.volet} – {balance.convention}",
                PAGES["execution"](balance.convention),
                "Recouvrement",
                convention_id=balance.convention_id,
            )
        )
    return tasks


def _mid_year_tasks(conventions, today: date) -> list[Task]:
    """The conseil départemental's mid-year remontée (instruction §III.3): each financed volet's synthesis of the
    year, from its 30 June to its 31 December and until it is sent, while the convention is signed or executing and
    not ended (past that, the final report is what is awaited; the consolidation still shows it missing)."""
    from funding import mid_year
    from funding.models import MidYearSynthesis

    running = [c for c in conventions if c.state in (S.SIGNED, S.IN_EXECUTION)]
    sent = {c.pk: {} for c in running}
    for synthesis in MidYearSynthesis.objects.filter(convention__in=running):
        sent[synthesis.convention_id][(synthesis.year, synthesis.volet)] = synthesis
    tasks = []
    for convention in running:
        for on, rows in mid_year.remontees(convention, today, sent[convention.pk]):
            until = min(date(on.year, 12, 31), convention.end_date)
            if not on <= today <= until:
                continue
            tasks += [
                Task(
                    f"Transmettre la synthèse à mi-année {on.year} du volet {r.volet.value} : {convention}",
                    r.url,
                    "Remontée à mi-année",
                    on,
                    why=f"Les actions et les crédits de l'État engagés au 30 juin (instruction, partie III.3), à "
                    f"transmettre d'ici le {format_date(until)}.",
                    convention_id=convention.pk,
                    limit=until,
                    announced=True,
                )
                for r in rows
                if r.synthesis is None
            ]
    return tasks


def tasks_for(user, today: date, collectivity=None) -> list[Task]:
    """The person's tasks, late ones first, then by deadline; those of one collectivité's conventions when given."""
    side = _side(user)
    if side is None:
        return []
    conventions = Convention.objects.for_user(user).select_related("collectivity")
    if collectivity is not None:
        conventions = conventions.filter(collectivity=collectivity)
    if side == "departement":
        conventions = conventions.filter(collectivity_id=user.collectivity_id)
    active = list(conventions.exclude(state__in=[S.CLOSED]))
    reported = set(
        ReportLine.objects.filter(convention__in=[c.pk for c in active]).values_list("convention_id", flat=True)
    )
    # The DGEFP may take the State's steps of every convention and approve its payments (the ordonnateur's act), but
    # they are the DDETS's: its own are those of the conventions no DDETS agent is there to take (the recordings and the
    # titres de perception, those no territorial agent is there to take).
    agents = state_agents(permissions.visible_collectivities(user)) if permissions.is_national(user) else None
    attended = {c.pk for c in active if agents[c.collectivity_id].ddets} if agents else set()
    steps = [c for c in active if c.pk not in attended]
    tasks = []
    if side in ("etat", "departement"):
        negotiated = negotiated_of([c for c in steps if c.state == S.NEGOTIATION])
        for convention in steps:
            tasks += _lifecycle_tasks(convention, side, today, reported, negotiated)
    if side == "departement":
        tasks += _mid_year_tasks(active, today)
    if side == "etat":
        tasks += _advance_tasks(steps, today)
    tasks += _payment_tasks(user, side, conventions, attended, agents)
    if side in ("etat", "region"):
        tasks += _recovery_tasks(conventions, agents)
    return sorted(tasks, key=lambda t: (not t.late, t.due or date.max))
