#!/usr/bin/env bash
# One command from a fresh clone to the running demo (SQLite): venv, migrations, reference and demo data, server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh requirements.txt
# Without Django's debug pages: a wrong address shows the platform's French 404, as in production;
# --insecure lets the development server serve the static files with DEBUG off.
export DEBUG="${DEBUG:-false}"
# The demo's (fictitious) persons to orient show their département identifier: a demo-only key (docs/environment.md).
export WORKLIST_IDENTIFIER_KEY="${WORKLIST_IDENTIFIER_KEY:-h8ewsIeWcA3ZqOy8HVg2z2Sr5knKNjf04PXLwt1GNDI=}"
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py recover_deliveries  # after a crash: no delivery left « en cours », no raw file left
.venv/bin/python manage.py seed_demo
echo "Plateforme de démonstration : http://127.0.0.1:8000/"
exec .venv/bin/python manage.py runserver --insecure 127.0.0.1:8000
