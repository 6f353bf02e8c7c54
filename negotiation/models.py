"""The negotiation of a convention's financing plan and action plan: the conseil départemental submits, the
DDETS asks for changes or accepts, both comment on the convention, a plan line or a fiche action. The thread
is kept (messages are never edited or deleted) and read in the convention's history."""

from django.conf import settings
from django.db import models

from action_plans.models import ActionSheet
from conventions.models import Convention
from funding.models import PlanLine


class MessageKind(models.TextChoices):
    COMMENT = "commentaire", "Commentaire"
    SUBMITTED = "soumission", "Plan soumis à la DDETS"
    CHANGES_REQUESTED = "modifications", "Modifications demandées"
    ACCEPTED = "acceptation", "Plan accepté par la DDETS"


class NegotiationStatus(models.TextChoices):
    IN_PREPARATION = "en_preparation", "En préparation par le département"
    SUBMITTED = "soumis", "Soumis à la DDETS"
    CHANGES_REQUESTED = "modifications_demandees", "Modifications demandées par la DDETS"
    ACCEPTED = "accepte", "Accepté par la DDETS"
    # shown once the convention is finalised (rules.shown_status): never the result of a thread
    CLOSED = "clos", "Négociation close : le plan est arrêté, un changement passe par un avenant"


# The status a message leaves the negotiation in (a comment leaves it as it is).
STATUS_AFTER = {
    MessageKind.SUBMITTED: NegotiationStatus.SUBMITTED,
    MessageKind.CHANGES_REQUESTED: NegotiationStatus.CHANGES_REQUESTED,
    MessageKind.ACCEPTED: NegotiationStatus.ACCEPTED,
}


class NegotiationMessage(models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="negotiation_messages")
    kind = models.CharField("nature", max_length=20, choices=MessageKind.choices)
    text = models.TextField("message", blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # What the message is about: the whole convention, or one line of the plan, or one fiche action.
    plan_line = models.ForeignKey(
        PlanLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="negotiation_messages"
    )
    action_sheet = models.ForeignKey(
        ActionSheet, on_delete=models.SET_NULL, null=True, blank=True, related_name="negotiation_messages"
    )
    # The line's or fiche's name when the message was written (kept if the line is later deleted).
    subject_label = models.CharField("à propos de", max_length=250, blank=True)
    created_at = models.DateTimeField("écrit le", auto_now_add=True)

    class Meta:
        verbose_name = "message de négociation"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.convention}"


def status_of(kinds) -> NegotiationStatus:
    """The status after a thread of message kinds, oldest first (pure)."""
    status = NegotiationStatus.IN_PREPARATION
    for kind in kinds:
        status = STATUS_AFTER.get(kind, status)
    return status
