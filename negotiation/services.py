"""Writing in a negotiation: checked, recorded, and told to the other side."""

from django.db import transaction
from django.urls import reverse

from accounts import permissions
from conventions.lifecycle import TransitionRefused
from conventions.models import Convention
from negotiation import rules
from negotiation.models import MessageKind, NegotiationMessage, NegotiationStatus, status_of
from notifications.models import NotificationKind
from notifications.services import council_side, notify, state_side


def status(convention) -> NegotiationStatus:
    return status_of(convention.negotiation_messages.order_by("created_at", "pk").values_list("kind", flat=True))


def side_of(user, convention) -> str | None:
    """« etat » (DDETS of the collectivité, DGEFP), « departement » (its conseil départemental), or None."""
    if not permissions.may_negotiate_convention(user, convention):
        return None
    return "departement" if user.role == "conseil_departemental" else "etat"


def write(
    *, convention, by, kind: MessageKind, text: str = "", plan_line=None, action_sheet=None
) -> NegotiationMessage:
    from funding.plans import finalisation_refusals

    with transaction.atomic():
        current = Convention.objects.select_for_update().select_related("collectivity").get(pk=convention.pk)
        if plan_line is not None and plan_line.convention_id != current.pk:
            raise TransitionRefused(["Cette ligne n'appartient pas au plan de cette convention."])
        if action_sheet is not None and action_sheet.convention_id != current.pk:
            raise TransitionRefused(["Cette fiche action n'appartient pas à cette convention."])
        reasons = rules.refusals(
            MessageKind(kind),
            side=side_of(by, current),
            status=status(current),
            state=current.state,
            text=text,
            plan_refusals=finalisation_refusals(current, None) if kind == MessageKind.ACCEPTED else [],
        )
        if reasons:
            raise TransitionRefused(reasons)
        subject = ""
        if plan_line is not None:
            subject = f"ligne du plan : {plan_line}"
        elif action_sheet is not None:
            subject = f"fiche action n° {action_sheet.number} : {action_sheet.title}"
        message = NegotiationMessage.objects.create(
            convention=current,
            kind=kind,
            text=text.strip(),
            author=by,
            plan_line=plan_line,
            action_sheet=action_sheet,
            subject_label=subject[:250],
        )
        _tell_the_other_side(current, message, by)
    return message


def _tell_the_other_side(convention, message: NegotiationMessage, by) -> None:
    collectivity = convention.collectivity
    recipients = council_side(collectivity) if side_of(by, convention) == "etat" else state_side(collectivity)
    about = f" ({message.subject_label})" if message.subject_label else ""
    notify(
        recipients,
        NotificationKind.NEGOTIATION,
        f"{message.get_kind_display()} : {convention}",
        f"{by.display_name}{about} : {message.text or message.get_kind_display()}",
        reverse("conventions:detail", args=[convention.pk]) + "#negociation",
        except_user=by,
    )


def history(convention) -> list:
    """The thread as entries of the convention's history (who, when, what was written)."""
    from config.history import Change, HistoryEntry

    return [
        HistoryEntry(
            when=m.created_at,
            who=m.author.display_name,
            kind=f"Négociation : {m.get_kind_display().lower()}",
            changes=[Change(f"message{f' ({m.subject_label})' if m.subject_label else ''}", None, m.text or "—")],
        )
        for m in convention.negotiation_messages.select_related("author")
    ]
