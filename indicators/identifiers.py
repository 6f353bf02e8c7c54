"""The département's own identifier of each person on the orientation work list (issue 16), a data-protection
choice documented in docs/indicators.md.

Everywhere else a beneficiary is a pseudonym: reading replaces each identifier by a keyed hash and keeps none.
A conseil départemental's agents cannot act on a pseudonym, so, when the deployment sets
WORKLIST_IDENTIFIER_KEY, the identifiers of the persons listed (and of them only) are kept encrypted (Fernet:
AES-128-CBC and HMAC-SHA256; several keys separated by commas for a rotation, the first encrypts), shown to the
CD's own agents on the work list (never exported, never logged), and deleted when another delivery of the
collectivité is accepted or RETENTION after the delivery, whichever comes first. Without the key nothing is kept.
"""

import logging
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils import timezone

from indicators.models import Delivery, ListedIdentifier

logger = logging.getLogger(__name__)

RETENTION = timedelta(days=92)  # three months


def enabled() -> bool:
    return bool(settings.WORKLIST_IDENTIFIER_KEY.strip())


def _cipher() -> MultiFernet:
    keys = [key.strip() for key in settings.WORKLIST_IDENTIFIER_KEY.split(",") if key.strip()]
    return MultiFernet([Fernet(key.encode()) for key in keys])


def sealed(raw_by_pseudonym: dict[int, str], delivery: Delivery) -> list[ListedIdentifier]:
    """The rows to save with the delivery (ingestion._accept), encrypted."""
    cipher = _cipher()
    expires_at = timezone.now() + RETENTION
    return [
        ListedIdentifier(
            delivery=delivery,
            pseudonym=pseudonym,
            token=cipher.encrypt(raw.encode()).decode(),
            expires_at=expires_at,
        )
        for pseudonym, raw in raw_by_pseudonym.items()
    ]


def of_delivery(delivery: Delivery) -> dict[int, str]:
    """The identifiers kept for the delivery's work list, decrypted; empty when the key is not set, or no
    longer opens them (a token it cannot open is left out, not shown wrong)."""
    if not enabled():
        return {}
    cipher = _cipher()
    found = {}
    for pseudonym, token in ListedIdentifier.objects.filter(
        delivery=delivery, expires_at__gt=timezone.now()
    ).values_list("pseudonym", "token"):
        try:
            found[pseudonym] = cipher.decrypt(token.encode()).decode()
        except InvalidToken:
            logger.warning("Identifiant chiffré illisible avec la clé actuelle (livraison %s)", delivery.pk)
    return found


def forget_other_deliveries(delivery: Delivery) -> int:
    """Only the latest accepted delivery's list is shown: the identifiers kept for the collectivité's other
    deliveries go when it is accepted."""
    deleted, _ = (
        ListedIdentifier.objects.filter(delivery__collectivity_id=delivery.collectivity_id)
        .exclude(delivery=delivery)
        .delete()
    )
    return deleted


def purge_expired(now=None) -> int:
    deleted, _ = ListedIdentifier.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
