"""The life of a convention (R-CONV-03, R-CONV-05, R-CONV-06): each step is a transition that declares, in
one place, its pure checks (functions over the convention's values and a few facts), its preconditions that
read the database (the money rules of the funding app, named by their dotted path) and its effects (run in
the step's transaction once it is recorded). `apply_transition` records who and when, or refuses with
French messages and changes nothing. An avenant (`AMENDMENT_STEPS`) declares its preconditions and effects
the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from conventions.models import Convention, ConventionEvent, ConventionState, Volet3Selection
from notifications import events

S = ConventionState


class TransitionRefused(Exception):
    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__(" ".join(reasons))


class ConcurrentEdit(TransitionRefused):
    pass


@dataclass(frozen=True)
class Facts:
    """What the pure checks read besides the convention's own values."""

    volet3_selected: bool = False
    denunciation_effective_on: date | None = None
    # The latest step recorded (its label and date) and today: a step is dated in their order, never later
    # than today.
    previous_step: tuple[str, date] | None = None
    today: date | None = None


Check = Callable[[Convention, date, Facts], list[str]]

# The money rules (funding app): the amounts within the ceilings, their plan and their action plan.
AMOUNTS_HOLD = "funding.plans.finalisation_refusals"
# A multi-year convention's annual tranches add up to its amounts (finalisation, signature), or can follow an
# avenant's (R-FIN-01, R-FIN-07).
TRANCHES_HOLD = "funding.plans.tranche_refusals"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    # Fields the step records (dates of the délibération, of the signatures).
    fields: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    # Dotted paths of precondition(convention, on) -> list[str] and effect(convention, by, on).
    preconditions: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    # What the step does that cannot be undone, told before it is confirmed (the page's modal).
    consequence: str = ""
    # The page where the step is taken when it is not the convention's own: its URL name (taking the convention's
    # pk) and its title.
    page: tuple[str, str] = ()


def _signatories(c: Convention, on: date, facts: Facts) -> list[str]:
    """R-CONV-02: the préfet de département, the président du conseil départemental, the préfet de région."""
    missing = [
        label
        for label, value in (
            ("le préfet de département", c.prefect_name),
            ("le président du conseil départemental", c.president_name),
            ("le préfet de région", c.regional_prefect_name),
        )
        if not value.strip()
    ]
    return [f"Renseignez le nom du signataire : {', '.join(missing)}."] if missing else []


def _amounts(c: Convention, on: date, facts: Facts) -> list[str]:
    reasons = []
    if c.amount_volet1 <= 0 and c.amount_volet2 <= 0:
        reasons.append("La convention doit porter un montant sur le volet 1 ou le volet 2.")
    if c.amount_volet3 > 0 and not facts.volet3_selected:
        reasons.append(
            "Le volet 3 est réservé aux territoires retenus par la DGEFP (R-CONV-04) ; "
            f"{c.collectivity} ne l'est pas pour {c.year}."
        )
    return reasons


def not_future(label: str, value: date | None, on: date) -> list[str]:
    """« La date {label} … ne peut pas être dans le futur » when `value` is after `on`; asks for it when empty."""
    if value is None:
        return [f"Renseignez la date {label}."]
    if value > on:
        return [f"La date {label} ({value:%d/%m/%Y}) ne peut pas être dans le futur."]
    return []


def _in_order(on: date, facts: Facts) -> list[str]:
    """Every step: dated after the step before it and not in the future."""
    reasons = []
    if facts.today is not None and on > facts.today:
        reasons.append(f"La date de l'étape ({on:%d/%m/%Y}) ne peut pas être dans le futur.")
    if facts.previous_step is not None and on < facts.previous_step[1]:
        label, previous_on = facts.previous_step
        reasons.append(
            f"La date de l'étape ({on:%d/%m/%Y}) précède l'étape précédente « {label} » du {previous_on:%d/%m/%Y} : "
            "les étapes se datent dans leur ordre."
        )
    return reasons


def _deliberation(c: Convention, on: date, facts: Facts) -> list[str]:
    return not_future("de la délibération", c.deliberation_date, on)


def _signatures(c: Convention, on: date, facts: Facts) -> list[str]:
    reasons = []
    for label, value in (
        ("de signature du préfet de département", c.prefect_signed_on),
        ("de signature du président du conseil départemental", c.president_signed_on),
        ("de signature du préfet de région", c.regional_prefect_signed_on),
    ):
        problems = not_future(label, value, on)
        if not problems and c.deliberation_date and value < c.deliberation_date:
            problems = [f"La date {label} précède la délibération du {c.deliberation_date:%d/%m/%Y}."]
        reasons += problems
    return reasons


def _after_end(c: Convention, on: date, facts: Facts) -> list[str]:
    if on <= c.end_date:
        return [f"Le bilan final se remet après la fin de la convention ({c.end_date:%d/%m/%Y})."]
    return []


def _notice_elapsed(c: Convention, on: date, facts: Facts) -> list[str]:
    """R-CONV-06: two months after a formal notice that was not withdrawn."""
    if facts.denunciation_effective_on is None:
        return ["Aucune mise en demeure en cours : enregistrez d'abord la dénonciation."]
    if on < facts.denunciation_effective_on:
        return [f"La résiliation ne prend effet que le {facts.denunciation_effective_on:%d/%m/%Y}."]
    return []


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("open_negotiation", "Ouvrir la négociation", (S.DRAFT,), S.NEGOTIATION),
        Transition(
            "finalise",
            "Finaliser",
            (S.NEGOTIATION,),
            S.FINALISED,
            checks=(_amounts, _signatories),
            preconditions=(AMOUNTS_HOLD, TRANCHES_HOLD),
            consequence=(
                "Les montants, le plan de financement et le texte sont arrêtés pour la délibération : "
                "la négociation ne peut pas être rouverte."
            ),
        ),
        Transition(
            "approve",
            "Enregistrer la délibération",
            (S.FINALISED,),
            S.APPROVED,
            ("deliberation_date",),
            checks=(_deliberation,),
        ),
        Transition(
            "sign",
            "Enregistrer les signatures",
            (S.APPROVED,),
            S.SIGNED,
            ("prefect_signed_on", "president_signed_on", "regional_prefect_signed_on"),
            checks=(_signatures,),
            preconditions=(AMOUNTS_HOLD, TRANCHES_HOLD),
            # The signed text is version 0 (R-CONV-05); the advance of each volet is proposed (R-FIN-07).
            effects=("conventions.services.record_signed_version", "funding.payments.propose_advances_at"),
            consequence=(
                "Le texte signé devient la version 0 de la convention, qui ne se modifie plus que par avenant, "
                "et l'avance de 60 % de chaque volet est proposée au paiement."
            ),
        ),
        Transition("start_execution", "Passer en exécution", (S.SIGNED,), S.IN_EXECUTION),
        Transition(
            "receive_final_report",
            "Enregistrer la remise du bilan final",
            (S.IN_EXECUTION,),
            S.REPORT_RECEIVED,
            checks=(_after_end,),
            effects=("funding.reports.record_report_received",),
        ),
        Transition(
            "settle_balance",
            "Arrêter le solde",
            (S.REPORT_RECEIVED, S.TERMINATED),
            S.BALANCE_SETTLED,
            # Only through funding.settlement.settle_balances, which stores each volet's balance first.
            preconditions=("funding.payments.balances_stored_refusals",),
            page=("funding:execution", "Exécution et solde"),
        ),
        Transition(
            "close",
            "Clore",
            (S.BALANCE_SETTLED,),
            S.CLOSED,
            consequence="La convention est close : plus aucune étape, aucun versement ni titre ne s'y enregistre.",
        ),
        Transition(
            "terminate",
            "Constater la résiliation",
            (S.SIGNED, S.IN_EXECUTION),
            S.TERMINATED,
            checks=(_notice_elapsed,),
            consequence=(
                "La convention est résiliée : plus aucune avance n'est versée, le solde s'arrête sur les dépenses "
                "justifiées et le trop-perçu est à recouvrer. La résiliation ne s'annule pas."
            ),
        ),
    )
}


@dataclass(frozen=True)
class AmendmentStep:
    """An avenant is not a change of state, but its steps declare their rules the same way."""

    name: str
    preconditions: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()


AMENDMENT_STEPS = {
    s.name: s
    for s in (
        # Proposed: the amounts and the end against the ceilings, the volet 3 selection and the engaged
        # advances, at once (checked again when both parties agree).
        AmendmentStep(
            "propose_amendment",
            preconditions=("funding.plans.allocation_refusals", "funding.plans.amendment_tranche_refusals"),
        ),
        # Agreed by both parties: the same rules as the first version, on the convention as the avenant
        # makes it; then the proposed advances follow the new amounts.
        AmendmentStep(
            "amend",
            preconditions=(
                AMOUNTS_HOLD,
                "funding.plans.amendment_tranche_refusals",
                "funding.payments.amendment_payment_refusals",
            ),
            effects=("funding.services.rebalance_tranches_at", "funding.payments.readjust_advances_at"),
        ),
    )
}


def _step(name: str) -> Transition | AmendmentStep:
    return TRANSITIONS.get(name) or AMENDMENT_STEPS[name]


def refusals(
    transition: Transition,
    convention: Convention,
    on: date,
    *,
    volet3_selected: bool,
    denunciation_effective_on: date | None = None,
    previous_step: tuple[str, date] | None = None,
    today: date | None = None,
) -> list[str]:
    """Why the transition may not happen now; empty when it may. Pure: reads the convention's values."""
    if convention.state not in transition.sources:
        return [
            f"« {transition.label} » n'est pas possible pour une convention à l'état "
            f"« {ConventionState(convention.state).label} »."
        ]
    facts = Facts(
        volet3_selected=volet3_selected,
        denunciation_effective_on=denunciation_effective_on,
        previous_step=previous_step,
        today=today,
    )
    return _in_order(on, facts) + [reason for check in transition.checks for reason in check(convention, on, facts)]


def precondition_refusals(name: str, convention: Convention, on: date) -> list[str]:
    """The preconditions a step declares that read the database: a transition's name, or an avenant's step
    (checked on the convention as the avenant would make it, before it is applied)."""
    return [reason for path in _step(name).preconditions for reason in import_string(path)(convention, on)]


def run_effects(name: str, convention: Convention, by, on: date) -> None:
    for path in _step(name).effects:
        import_string(path)(convention, by, on)


def _step_label(name: str) -> str:
    transition = TRANSITIONS.get(name)
    return transition.label if transition else name


def available(convention: Convention) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if convention.state in t.sources]


def _facts(convention: Convention, today: date) -> dict:
    """What `refusals` reads besides the convention, from the database."""
    notice = convention.denunciations.filter(withdrawn_on__isnull=True).order_by("effective_on").first()
    last = convention.events.order_by("-occurred_on", "-pk").first()
    return {
        "volet3_selected": Volet3Selection.objects.filter(
            collectivity=convention.collectivity, year=convention.year
        ).exists(),
        "denunciation_effective_on": notice.effective_on if notice else None,
        "previous_step": (_step_label(last.transition), last.occurred_on) if last else None,
        "today": today,
    }


def not_yet(convention: Convention, today: date) -> dict[str, list[str]]:
    """The steps the page offers with only their date to enter that no date up to today would let through, with
    why (the convention not ended for the final report, the formal notice's two months not elapsed, the amounts or
    a signatory missing): the page says so instead of a button that can only be refused. Dated today is the most a
    step can be: the checks of these steps either ignore the date or pass from a date on."""
    facts = _facts(convention, today)
    return {
        t.name: reasons
        for t in available(convention)
        if not t.fields and (reasons := refusals(t, convention, today, **facts))
    }


def pending(convention: Convention, today: date) -> dict[str, list[str]]:
    """The steps the page offers whose preconditions read from the database refuse them now (the financing plan or
    the tranches that do not hold yet): the page keeps the step, which may pass once they are fixed elsewhere, and
    says beforehand what it would refuse. A step taken from another page (`Transition.page`) is not listed."""
    return {
        t.name: reasons
        for t in available(convention)
        if t.preconditions and not t.page and (reasons := precondition_refusals(t.name, convention, today))
    }


def apply_transition(
    name: str, *, convention: Convention, by, on: date, lock_version: int, note: str = "", **values
) -> Convention:
    """Check and record a step; raise TransitionRefused (nothing changed) otherwise."""
    transition = TRANSITIONS[name]
    unexpected = set(values) - set(transition.fields)
    if unexpected:
        raise TransitionRefused([f"Champ inattendu pour cette étape : {', '.join(sorted(unexpected))}."])
    with transaction.atomic():
        current = Convention.objects.locked(convention.pk)
        if current.lock_version != lock_version:
            raise ConcurrentEdit(
                ["La convention a été modifiée par quelqu'un d'autre entre-temps : rechargez la page et recommencez."]
            )
        for field, value in values.items():
            setattr(current, field, value)
        reasons = refusals(transition, current, on, **_facts(current, timezone.localdate()))
        if not reasons:
            reasons = precondition_refusals(transition.name, current, on)
        if reasons:
            raise TransitionRefused(reasons)
        previous = current.state
        current.state = transition.target
        current.lock_version += 1
        current._change_reason = transition.label
        current.save()
        ConventionEvent.objects.create(
            convention=current,
            transition=transition.name,
            from_state=previous,
            to_state=transition.target,
            occurred_on=on,
            recorded_by=by,
            note=note,
        )
        run_effects(transition.name, current, by, on)
        events.step_recorded(current, transition.label, by)
    return current
