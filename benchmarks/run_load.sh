#!/usr/bin/env bash
# Runs benchmarks/load.py against the demo, on SQLite then on PostgreSQL (127.0.0.1:5432, user postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
export ALLOWED_HOSTS=127.0.0.1 DEBUG=false CONN_MAX_AGE=60  # persistent connections, as in production
run() {
  label=$1
  .venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py seed_demo > /dev/null
  .venv/bin/python benchmarks/sessions.py 50 > var/bench/sessions.json
  .venv/bin/python -m gunicorn config.wsgi -w 3 -b 127.0.0.1:8123 --log-level warning &
  server=$!
  sleep 3
  PYTHONPATH=. .venv/bin/locust -f benchmarks/load.py --headless -u 50 -r 10 -t "${DURATION:-60s}" --host http://127.0.0.1:8123 \
    --csv "var/bench/load-$label" --only-summary ${RESET_STATS:+--reset-stats} > /dev/null 2>&1 || true
  kill $server; wait $server 2>/dev/null || true
  echo "### $label"
  .venv/bin/python - "$label" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(f"var/bench/load-{sys.argv[1]}_stats.csv")))
print("| page | requêtes | erreurs | p50 (ms) | p95 (ms) |")
print("|---|---|---|---|---|")
for r in rows:
    print(f"| {r['Name']} | {r['Request Count']} | {r['Failure Count']} | {r['50%']} | {r['95%']} |")
PY
}
mkdir -p var/bench
DATABASE_URL="sqlite:///$(pwd)/var/bench/load.sqlite3" run sqlite
psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS contractualisation_load" -c "CREATE DATABASE contractualisation_load"
DATABASE_URL="postgres://postgres@127.0.0.1:5432/contractualisation_load" run postgresql
