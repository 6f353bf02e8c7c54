"""The life of a convention (R-CONV-03, R-CONV-05, R-CONV-06): each step is a transition whose
preconditions are plain functions over the convention's values; `apply_transition` records who and
when, or refuses with French messages and changes nothing.

Other apps add preconditions with `register_precondition` (the funding app forbids "finalised" while
the financing plan breaks a rule) without this module knowing them.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from conventions import deadlines
from conventions.models import Convention, ConventionEvent, ConventionState, Volet3Selection

S = ConventionState


class TransitionRefused(Exception):
    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__(" ".join(reasons))


class ConcurrentEdit(TransitionRefused):
    pass


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    # Fields the step records (dates of the délibération, of the signatures).
    fields: tuple[str, ...] = ()


def _signatories(c: Convention, on: date) -> list[str]:
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


def _amounts(c: Convention, on: date, *, volet3_selected: bool) -> list[str]:
    reasons = []
    if c.amount_volet1 <= 0 and c.amount_volet2 <= 0:
        reasons.append("La convention doit porter un montant sur le volet 1 ou le volet 2.")
    if c.amount_volet3 > 0 and not volet3_selected:
        reasons.append(
            "Le volet 3 est réservé aux territoires retenus par la DGEFP (R-CONV-04) ; "
            f"{c.collectivity} ne l'est pas pour {c.year}."
        )
    return reasons


def _not_future(label: str, value: date | None, on: date) -> list[str]:
    if value is None:
        return [f"Renseignez la date {label}."]
    if value > on:
        return [f"La date {label} ({value:%d/%m/%Y}) ne peut pas être dans le futur."]
    return []


def _deliberation(c: Convention, on: date) -> list[str]:
    return _not_future("de la délibération", c.deliberation_date, on)


def _signatures(c: Convention, on: date) -> list[str]:
    reasons = []
    for label, value in (
        ("de signature du préfet de département", c.prefect_signed_on),
        ("de signature du président du conseil départemental", c.president_signed_on),
        ("de signature du préfet de région", c.regional_prefect_signed_on),
    ):
        problems = _not_future(label, value, on)
        if not problems and c.deliberation_date and value < c.deliberation_date:
            problems = [f"La date {label} précède la délibération du {c.deliberation_date:%d/%m/%Y}."]
        reasons += problems
    return reasons


def _after_end(c: Convention, on: date) -> list[str]:
    if on <= c.end_date:
        return [f"Le bilan final se remet après la fin de la convention ({c.end_date:%d/%m/%Y})."]
    return []


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("open_negotiation", "Ouvrir la négociation", (S.DRAFT,), S.NEGOTIATION),
        Transition("finalise", "Finaliser", (S.NEGOTIATION,), S.FINALISED),
        Transition("approve", "Enregistrer la délibération", (S.FINALISED,), S.APPROVED, ("deliberation_date",)),
        Transition(
            "sign",
            "Enregistrer les signatures",
            (S.APPROVED,),
            S.SIGNED,
            ("prefect_signed_on", "president_signed_on", "regional_prefect_signed_on"),
        ),
        Transition("start_execution", "Passer en exécution", (S.SIGNED,), S.IN_EXECUTION),
        Transition(
            "receive_final_report", "Enregistrer la remise du bilan final", (S.IN_EXECUTION,), S.REPORT_RECEIVED
        ),
        Transition("settle_balance", "Arrêter le solde", (S.REPORT_RECEIVED, S.TERMINATED), S.BALANCE_SETTLED),
        Transition("close", "Clore", (S.BALANCE_SETTLED,), S.CLOSED),
        Transition("terminate", "Constater la résiliation", (S.SIGNED, S.IN_EXECUTION), S.TERMINATED),
    )
}

CHECKS: dict[str, list[Callable[[Convention, date], list[str]]]] = {
    "finalise": [_signatories],
    "approve": [_deliberation],
    "sign": [_signatures],
    "receive_final_report": [_after_end],
}
_HOOKS: dict[str, list[Callable[[Convention, date], list[str]]]] = defaultdict(list)


_EFFECTS: dict[str, list[Callable]] = defaultdict(list)


def register_precondition(transition: str, check: Callable[[Convention, date], list[str]]) -> None:
    _HOOKS[transition].append(check)


def register_effect(transition: str, effect: Callable) -> None:
    """effect(convention, by, on), run in the transition's transaction once it is recorded
    (the funding app proposes the advances at signature)."""
    _EFFECTS[transition].append(effect)


def refusals(
    transition: Transition,
    convention: Convention,
    on: date,
    *,
    volet3_selected: bool,
    denunciation_effective_on: date | None = None,
) -> list[str]:
    """Why the transition may not happen now; empty when it may. Pure: reads the convention's values."""
    if convention.state not in transition.sources:
        return [
            f"« {transition.label} » n'est pas possible pour une convention à l'état "
            f"« {ConventionState(convention.state).label} »."
        ]
    reasons = []
    if transition.name == "finalise":
        reasons += _amounts(convention, on, volet3_selected=volet3_selected)
    if transition.name == "terminate":
        # R-CONV-06: two months after a formal notice that was not withdrawn.
        if denunciation_effective_on is None:
            reasons.append("Aucune mise en demeure en cours : enregistrez d'abord la dénonciation.")
        elif on < denunciation_effective_on:
            reasons.append(f"La résiliation ne prend effet que le {denunciation_effective_on:%d/%m/%Y}.")
    for check in CHECKS.get(transition.name, []):
        reasons += check(convention, on)
    return reasons


def hook_refusals(transition: Transition, convention: Convention, on: date) -> list[str]:
    """The preconditions other apps registered (they may read the database)."""
    return precondition_refusals(transition.name, convention, on)


def precondition_refusals(name: str, convention: Convention, on: date) -> list[str]:
    """The registered preconditions of a step: a transition's name, or "amend" for an avenant (checked on
    the convention as the avenant would make it, before it is applied)."""
    return [reason for check in _HOOKS[name] for reason in check(convention, on)]


def run_effects(name: str, convention: Convention, by, on: date) -> None:
    for effect in _EFFECTS[name]:
        effect(convention, by, on)


def available(convention: Convention) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if convention.state in t.sources]


def apply_transition(
    name: str, *, convention: Convention, by, on: date, lock_version: int, note: str = "", **values
) -> Convention:
    """Check and record a step; raise TransitionRefused (nothing changed) otherwise."""
    transition = TRANSITIONS[name]
    unexpected = set(values) - set(transition.fields)
    if unexpected:
        raise TransitionRefused([f"Champ inattendu pour cette étape : {', '.join(sorted(unexpected))}."])
    with transaction.atomic():
        current = Convention.objects.select_for_update().select_related("collectivity").get(pk=convention.pk)
        if current.lock_version != lock_version:
            raise ConcurrentEdit(
                ["La convention a été modifiée par quelqu'un d'autre entre-temps : rechargez la page et recommencez."]
            )
        for field, value in values.items():
            setattr(current, field, value)
        selected = Volet3Selection.objects.filter(collectivity=current.collectivity, year=current.year).exists()
        notice = current.denunciations.filter(withdrawn_on__isnull=True).order_by("effective_on").first()
        reasons = refusals(
            transition,
            current,
            on,
            volet3_selected=selected,
            denunciation_effective_on=notice.effective_on if notice else None,
        )
        if not reasons:
            reasons = hook_refusals(transition, current, on)
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
        if transition.target == S.SIGNED:
            from conventions.services import record_version

            record_version(current, 0)
        run_effects(transition.name, current, by, on)
    return current


def reached_dates(convention: Convention) -> dict[str, date]:
    return {event.to_state: event.occurred_on for event in convention.events.all()}


def convention_deadlines(convention: Convention, today: date) -> list[deadlines.Deadline]:
    return deadlines.deadlines(
        start=convention.start_date, end=convention.end_date, reached=reached_dates(convention), today=today
    )


def convention_is_late(convention: Convention, today: date) -> bool:
    return deadlines.is_late(
        start=convention.start_date,
        end=convention.end_date,
        reached=reached_dates(convention),
        today=today,
        state=convention.state,
    )
