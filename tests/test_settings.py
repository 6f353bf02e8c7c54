"""Production settings: refuse to start without their secrets, and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    "SECRET_KEY": "a-long-random-production-like-secret-key-0123456789-abcdefghijklmnop",
    "PSEUDONYMISATION_KEY": "kQ7v-2xN9pL_4rT8wZ1bY6cH3mS0dF5gJ-aE7uV",
    "DATABASE_URL": "sqlite:////tmp/check-deploy.sqlite3",
    "ALLOWED_HOSTS": "contractualisation.example.gouv.fr",
}


def manage(*args, env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE" and not k.startswith("OIDC_")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def test_check_deploy_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k not in ("SECRET_KEY", "PSEUDONYMISATION_KEY")}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "variables manquantes SECRET_KEY, PSEUDONYMISATION_KEY" in result.stderr
