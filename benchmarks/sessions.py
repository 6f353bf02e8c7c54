"""Opens one session per simulated user of the load test, as a login would, and prints them as JSON.

    DATABASE_URL=... .venv/bin/python benchmarks/sessions.py 50 > var/bench/sessions.json

The load test measures browsing: the password check of a login (PBKDF2, deliberately slow) is paid here,
once per user, before the measured run, as it is once per working day in real use.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from benchmarks.accounts import ACCOUNTS  # noqa: E402


def main(users: int) -> list[dict]:
    accounts = list(ACCOUNTS)
    sessions = []
    for i in range(users):
        username = accounts[i % len(accounts)]
        client = Client()
        client.force_login(User.objects.get(username=username))
        sessions.append({"username": username, "cookie": client.cookies[settings.SESSION_COOKIE_NAME].value})
    return sessions


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)))
