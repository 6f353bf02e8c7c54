"""Telling people: who is addressed for a convention's side, and the notice written to their inbox and, per
their preferences, e-mailed by a background task once the transaction that caused it is committed."""

from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role, User
from notifications.models import Notification, NotificationKind, emailed_kinds


def state_side(collectivity) -> list[User]:
    """The DDETS / préfecture agents of the collectivité's départements."""
    return list(
        User.objects.filter(is_active=True, role=Role.DDETS, departement__in=collectivity.departements.all()).distinct()
    )


def council_side(collectivity) -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.DEPARTMENTAL_COUNCIL, collectivity=collectivity))


def regional_side(collectivity) -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.DREETS, region_id=collectivity.region_id))


class StateAgents(NamedTuple):
    """A collectivité's active DDETS agents and its region's active DREETS agents, as user ids."""

    ddets: set[int]
    dreets: set[int]

    @property
    def every(self) -> set[int]:
        return self.ddets | self.dreets


def state_agents(collectivities) -> dict[int, StateAgents]:
    """`state_side` and `regional_side` of many collectivités at once (two queries whatever their number)."""
    from territories.models import Collectivity

    collectivities = list(collectivities)
    by_territory = {}
    for pk, role, departement_id, region_id in User.objects.filter(
        is_active=True, role__in=[Role.DDETS, Role.DREETS]
    ).values_list("pk", "role", "departement_id", "region_id"):
        key = ("departement", departement_id) if role == Role.DDETS else ("region", region_id)
        by_territory.setdefault(key, set()).add(pk)
    agents = {c.pk: StateAgents(set(), set(by_territory.get(("region", c.region_id), set()))) for c in collectivities}
    for collectivity_id, departement_id in Collectivity.departements.through.objects.filter(
        collectivity_id__in=list(agents)
    ).values_list("collectivity_id", "departement_id"):
        agents[collectivity_id].ddets.update(by_territory.get(("departement", departement_id), set()))
    return agents


def notify(
    recipients: Iterable[User],
    kind: NotificationKind,
    subject: str,
    body: str,
    url: str = "",
    *,
    key: str = "",
    except_user=None,
) -> list[Notification]:
    """One notice per recipient (never the person who acted); with a key, at most one ever per recipient."""
    created = []
    seen = set()
    wanted_by_mail = []
    for user in recipients:
        if user.pk in seen or (except_user is not None and user.pk == except_user.pk):
            continue
        seen.add(user.pk)
        values = {"recipient": user, "kind": kind, "subject": subject[:200], "body": body, "url": url, "key": key}
        if key:
            if Notification.objects.filter(recipient=user, key=key).exists():
                continue
            try:
                with transaction.atomic():
                    notification = Notification.objects.create(**values)
            except IntegrityError:  # the same reminder written at the same time by another run
                continue
        else:
            notification = Notification.objects.create(**values)
        created.append(notification)
        if user.email and kind in emailed_kinds(user):
            wanted_by_mail.append(notification.pk)
    if wanted_by_mail:
        transaction.on_commit(lambda: _enqueue(wanted_by_mail))
    return created


def _enqueue(ids: list[int]) -> None:
    from notifications.tasks import send_notification_email

    for notification_id in ids:
        send_notification_email.enqueue(notification_id)


def send_email(notification_id: int) -> None:
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None:
        return
    link = f"\n\n{settings.SITE_URL}{notification.url}" if notification.url else ""
    send_mail(
        f"[Contractualisation] {notification.subject}",
        f"{notification.body}{link}\n\n— Contractualisation insertion-emploi. Vos préférences de notification : "
        f"{settings.SITE_URL}/notifications/preferences/",
        settings.DEFAULT_FROM_EMAIL,
        [notification.recipient.email],
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
