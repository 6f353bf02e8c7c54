"""Who may write what in a negotiation, and when: plain functions over the values (no database)."""

from conventions.models import EDITABLE_STATES, ConventionState
from negotiation.models import MessageKind, NegotiationStatus

# The side that writes each kind of message (« etat »: DDETS / préfecture or DGEFP; « departement »: the
# conseil départemental). A comment may come from either.
SIDE_OF_KIND = {
    MessageKind.SUBMITTED: "departement",
    MessageKind.CHANGES_REQUESTED: "etat",
    MessageKind.ACCEPTED: "etat",
}
SIDE_LABELS = {"etat": "la DDETS ou la DGEFP", "departement": "le conseil départemental"}


def shown_status(status: NegotiationStatus, state: str) -> NegotiationStatus:
    """The negotiation's status as the convention page shows it: the thread's while the plan is negotiated, closed
    from the finalisation on (whatever the thread's last message: a convention may be finalised without one)."""
    return status if state in EDITABLE_STATES else NegotiationStatus.CLOSED


def refusals(
    kind: MessageKind,
    *,
    side: str | None,
    status: NegotiationStatus,
    state: str,
    text: str,
    plan_refusals: list[str],
) -> list[str]:
    """Why this message may not be written now; empty when it may. plan_refusals: the rules the plan breaks
    (funding.plans.finalisation_refusals), read only when the DDETS accepts."""
    if side not in SIDE_LABELS:
        return ["Seules les deux parties qui négocient la convention écrivent dans sa négociation."]
    expected = SIDE_OF_KIND.get(kind)
    if expected is not None and side != expected:
        return [f"« {kind.label} » : c'est {SIDE_LABELS[expected]} qui le fait."]
    if kind != MessageKind.COMMENT and state not in EDITABLE_STATES:
        return [
            f"La convention est « {ConventionState(state).label} » : son plan ne se négocie plus "
            "(un changement passe par un avenant)."
        ]
    if kind == MessageKind.COMMENT and not text.strip():
        return ["Écrivez votre commentaire."]
    if kind == MessageKind.SUBMITTED and status == NegotiationStatus.SUBMITTED:
        return ["Le plan est déjà soumis à la DDETS : attendez sa réponse."]
    if kind in (MessageKind.CHANGES_REQUESTED, MessageKind.ACCEPTED) and status != NegotiationStatus.SUBMITTED:
        return [f"« {kind.label} » répond à un plan soumis ; il est « {status.label.lower()} »."]
    if kind == MessageKind.CHANGES_REQUESTED and not text.strip():
        return ["Dites au département ce qu'il doit modifier."]
    if kind == MessageKind.ACCEPTED and plan_refusals:
        return ["Le plan ne peut pas être accepté tant qu'il enfreint une règle bloquante :", *plan_refusals]
    return []
