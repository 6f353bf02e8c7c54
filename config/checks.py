"""Deployment checks of the platform's own secrets (`manage.py check --deploy`)."""

import math
from collections import Counter

from django.conf import settings
from django.core.checks import Error, Tags, register

DEMO_PSEUDONYMISATION_KEY = "demo-only-pseudonymisation-key"
MIN_KEY_LENGTH = 32
MIN_KEY_BITS = 128


def entropy_bits(key: str) -> float:
    """The key's Shannon entropy (bits per character × length): « a » × 40 has none."""
    counts = Counter(key)
    return len(key) * sum(n / len(key) * math.log2(len(key) / n) for n in counts.values())


def key_problems(key: str) -> list[str]:
    if key == DEMO_PSEUDONYMISATION_KEY:
        return ["c'est la clé publique de démonstration"]
    problems = []
    if len(key) < MIN_KEY_LENGTH:
        problems.append(f"{len(key)} caractères, {MIN_KEY_LENGTH} au moins")
    if entropy_bits(key) < MIN_KEY_BITS:
        problems.append(f"trop prévisible ({entropy_bits(key):.0f} bits d'entropie, {MIN_KEY_BITS} au moins)")
    return problems


@register(Tags.security, deploy=True)
def pseudonymisation_key_check(app_configs, **kwargs):
    problems = key_problems(settings.PSEUDONYMISATION_KEY or "")
    if not problems:
        return []
    return [
        Error(
            "PSEUDONYMISATION_KEY refusée : " + " ; ".join(problems) + ".",
            hint="Générez-la par exemple avec « python -c 'import secrets; print(secrets.token_urlsafe(48))' ».",
            id="contractualisation.E001",
        )
    ]


@register(Tags.security, deploy=True)
def uploads_outside_the_web_worker_check(app_configs, **kwargs):
    """In production a delivery is processed by a task worker, never inside the web request."""
    from indicators.recovery import tasks_run_in_process

    if not settings.PRODUCTION or not tasks_run_in_process():
        return []
    return [
        Error(
            "TASKS_BACKEND traite les livraisons dans le processus web : en production, "
            "« django_tasks_db.DatabaseBackend » avec des « manage.py db_worker ».",
            id="contractualisation.E002",
        )
    ]
