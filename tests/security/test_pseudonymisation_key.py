"""Finding 6 of the security audit: with DJANGO_ENV unset or misspelt the pseudonymisation key silently became
the public demo key, and production accepted any key. An unknown DJANGO_ENV is refused; `check --deploy` fails
on a short, predictable or demo key and passes on a strong one."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.checks import DEMO_PSEUDONYMISATION_KEY, key_problems

ROOT = Path(__file__).resolve().parent.parent.parent
STRONG = "kQ7v-2xN9pL_4rT8wZ1bY6cH3mS0dF5gJ-aE7uV"
PRODUCTION = {
    "DJANGO_ENV": "production",
    "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    "SECRET_KEY": "a-long-random-production-like-secret-key-0123456789-abcdefghijklmnop",
    "DATABASE_URL": "sqlite:////tmp/check-deploy.sqlite3",
    "ALLOWED_HOSTS": "contractualisation.example.gouv.fr",
}


def manage(*args, env):
    hidden = ("DJANGO_ENV", "PSEUDONYMISATION_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "TASKS_BACKEND", *PRODUCTION)
    base = {k: v for k, v in os.environ.items() if k not in hidden and not k.startswith("OIDC_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("a", "1 caractères, 32 au moins"),
        (DEMO_PSEUDONYMISATION_KEY, "c'est la clé publique de démonstration"),
        ("a" * 40, "trop prévisible (0 bits d'entropie, 128 au moins)"),
        ("ab" * 20, "trop prévisible (40 bits d'entropie, 128 au moins)"),
    ],
)
def test_weak_keys_are_named(key, problem):
    assert problem in key_problems(key)


def test_a_strong_key_passes():
    assert key_problems(STRONG) == []


def test_check_deploy_fails_on_a_weak_key_and_passes_on_a_strong_one():
    weak = manage("check", "--deploy", env={**PRODUCTION, "PSEUDONYMISATION_KEY": "a" * 40})
    assert weak.returncode != 0
    assert "PSEUDONYMISATION_KEY refusée : trop prévisible" in weak.stderr + weak.stdout
    strong = manage("check", "--deploy", env={**PRODUCTION, "PSEUDONYMISATION_KEY": STRONG})
    assert strong.returncode == 0, strong.stdout + strong.stderr


def test_an_unknown_environment_is_refused():
    result = manage("check", env={"DJANGO_ENV": "prod"})
    assert result.returncode != 0
    assert "DJANGO_ENV « prod » inconnu : « demo » ou « production »." in result.stderr


def test_check_deploy_fails_when_uploads_would_be_processed_in_the_web_worker():
    immediate = {
        **PRODUCTION,
        "PSEUDONYMISATION_KEY": STRONG,
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
    result = manage("check", "--deploy", env=immediate)
    assert result.returncode != 0
    assert "TASKS_BACKEND traite les livraisons dans le processus web" in result.stderr + result.stdout
