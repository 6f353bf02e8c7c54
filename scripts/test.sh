#!/usr/bin/env bash
# One command from a fresh clone to the whole test suite. DATABASE_URL chooses the database (SQLite by default).
# Browser tests need Debian's chromium, workbook tests LibreOffice Calc, Spark tests Java 17: installed here when missing and we may (root with apt).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh requirements-dev.txt
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=""
  [ -x /usr/bin/chromium ] || missing="chromium"  # browser tests
  ldconfig -p | grep -q libharfbuzz-subset || missing="$missing libharfbuzz-subset0"  # WeasyPrint's font subsetting
  [ -x /usr/bin/soffice ] || missing="$missing libreoffice-calc-nogui"  # annexes 2 and 3 computed by LibreOffice
  if [ -n "$missing" ]; then
    echo "Installation des paquets Debian manquants :$missing…"
    # shellcheck disable=SC2086
    (apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null))
  fi
fi
if ! command -v java >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installation de Java 17 (paquet Debian) pour les tests Spark…"
  (apt-get install -y -qq openjdk-17-jre-headless >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null))
fi
# axe-core (npm) for the accessibility test, pinned by package-lock.json
if [ ! -f node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null; then
  npm ci --no-audit --no-fund --silent
fi
.venv/bin/ruff check .
# the suite in as many processes as the machine has cores (four at most), the Spark tests all in one (conftest.py);
# `scripts/test.sh -n 0` runs it in a single process
exec .venv/bin/python -m pytest --numprocesses auto --maxprocesses 4 --dist loadgroup "$@"
