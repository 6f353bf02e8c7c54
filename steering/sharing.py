"""The shared links of a collectivité's indicators (R-IND-06): created and revoked by someone, both recorded, so
that a committee's access is attributable from its first day to its last."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from steering.models import SharedLink

DEFAULT_DAYS = 30
MAX_DAYS = 365
DEFAULT_LABEL = "comité départemental"


class InvalidDuration(ValueError):
    pass


def validity_days(typed: str | None) -> int:
    """The number of days a link is valid, as typed (empty: 30 days); refused outside 1–365 rather than moved into
    it, so that a link never lives longer or shorter than its author read on the page."""
    text = (typed or "").strip()
    if not text:
        return DEFAULT_DAYS
    try:
        days = int(text)
    except ValueError:
        days = None
    if days is None or not 1 <= days <= MAX_DAYS:
        raise InvalidDuration(
            f"Durée du lien invalide : un nombre de jours entre 1 et {MAX_DAYS}. Saisi : « {text[:20]} »."
        )
    return days


def shared_link_create(collectivity, user, label: str | None, days: int) -> SharedLink:
    return SharedLink.objects.create(
        collectivity=collectivity,
        label=(label or "").strip()[:200] or DEFAULT_LABEL,
        created_by=user,
        expires_at=timezone.now() + timedelta(days=days),
    )


def shared_link_revoke(collectivity, pk: int, user) -> SharedLink:
    """The link revoked by `user` now; a link already revoked keeps its first revocation (who and when): revoking it
    again from a page left open changes nothing. SharedLink.DoesNotExist for a link of another collectivité."""
    with transaction.atomic():
        link = SharedLink.objects.select_for_update().get(pk=pk, collectivity=collectivity)
        if link.revoked_at is None:
            link.revoked_at, link.revoked_by = timezone.now(), user
            link.save(update_fields=["revoked_at", "revoked_by"])
    return link
