"""Benchmark of the offer import (issues: offer, performance; benchmarks against honest floors).

    .venv/bin/python benchmarks/offer.py [--structures 40000] [--services 100000] [--skip-postgresql]

Generates a national-size data·inclusion export (JSON, fictitious records), then measures in fresh
subprocesses:
- reading the file and validating every record with the official models (errors and warnings per line and
  field), nothing saved;
- the whole `import_offer`, saved, into a new empty database (SQLite file, then PostgreSQL at
  $BENCH_POSTGRES, by default postgres://postgres@127.0.0.1:5432), with the ownership checks of a
  territorial account (every département allowed, so every check runs) and the history records; then the
  same file imported again (nothing changed: every record compared, nothing written).
Migrations run before the clock starts. Peak memory is the process's VmHWM. Results print as Markdown tables.
"""

import argparse
import json
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generate(structures: int, services: int, seed: int = 1) -> bytes:
    from data_inclusion.schema.v1 import Public, Thematique

    rng = random.Random(seed)  # noqa: S311 - fictitious data, not security
    themes = [t.value for t in Thematique]
    publics = [p.value for p in Public if p.value != "tous-publics"]  # "tous-publics" stands alone
    today = date.today()
    departements = [f"{n:02d}" for n in range(1, 96) if n != 20]
    structure_rows = []
    for i in range(structures):
        dep = rng.choice(departements)
        structure_rows.append(
            {
                "source": "bench", "id": f"bench--{i}",
                "nom": f"Structure fictive {i} de la commune {dep}{i % 900:03d}",
                "date_maj": (today - timedelta(days=rng.randint(0, 900))).isoformat(),
                "siret": f"{rng.randint(10**13, 10**14 - 1)}", "code_insee": f"{dep}{i % 900 + 1:03d}",
                "code_postal": f"{dep}{rng.randint(0, 999):03d}", "commune": f"Commune {dep}{i % 900:03d}",
                "adresse": f"{rng.randint(1, 200)} rue de la République", "courriel": f"contact{i}@exemple.fr",
                "telephone": "0123456789",
            }
        )  # fmt: skip
    service_rows = []
    for i in range(services):
        s = structure_rows[i % structures]
        service_rows.append(
            {
                "source": "bench", "id": f"bench-service--{i}", "structure_id": s["id"], "nom": f"Service fictif {i}",
                "description": "Accompagnement fictif généré pour le banc d'essai de l'import.",
                "date_maj": s["date_maj"], "thematiques": rng.sample(themes, rng.randint(1, 4)),
                "publics": rng.sample(publics, rng.randint(1, 3)), "modes_accueil": ["en-presentiel"],
                "code_insee": s["code_insee"], "code_postal": s["code_postal"], "commune": s["commune"],
                "adresse": s["adresse"], "courriel": s["courriel"], "modes_mobilisation": ["envoyer-un-courriel"],
            }
        )  # fmt: skip
    return json.dumps({"structures": structure_rows, "services": service_rows}).encode()


def measure(path: Path) -> dict:
    from offer import files
    from offer.validation import validate

    started = time.perf_counter()
    rows = files.read_offer("offre.json", path.read_bytes())
    structures, issues_s = validate("structures", rows["structures"])
    services, issues_v = validate("services", rows["services"])
    seconds = time.perf_counter() - started
    peak = next(
        int(line.split()[1]) / 1024
        for line in Path("/proc/self/status").read_text().splitlines()
        if line.startswith("VmHWM:")
    )
    return {
        "seconds": seconds,
        "peak_mb": peak,
        "structures": len(structures),
        "services": len(services),
        "issues": len(issues_s) + len(issues_v),
    }


def measure_saved(path: Path, database_url: str) -> dict:
    import os

    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from offer.services import import_offer

    call_command("migrate", verbosity=0)
    data = path.read_bytes()
    everywhere = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"}
    started = time.perf_counter()
    result = import_offer(filename="offre.json", data=data, allowed_departements=everywhere)
    first = time.perf_counter() - started
    started = time.perf_counter()
    import_offer(filename="offre.json", data=data, allowed_departements=everywhere)
    again = time.perf_counter() - started
    peak = next(
        int(line.split()[1]) / 1024
        for line in Path("/proc/self/status").read_text().splitlines()
        if line.startswith("VmHWM:")
    )
    return {"seconds": first, "again": again, "peak_mb": peak, "services": result.services}


def saved_runs(path: Path, skip_postgresql: bool) -> list[tuple[str, dict]]:
    import os
    import tempfile

    runs = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        runs.append(("SQLite", child(["--saved", str(path), url])))
    if skip_postgresql:
        return runs
    import psycopg

    server = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    name = f"bench_offer_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    try:
        runs.append(("PostgreSQL", child(["--saved", str(path), f"{server}/{name}"])))
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE {name}")
    return runs


def child(arguments: list[str]) -> dict:
    result = subprocess.run(  # noqa: S603 - this very script
        [sys.executable, "-W", "ignore", __file__, *arguments], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--structures", type=int, default=40_000)
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--skip-postgresql", action="store_true")
    parser.add_argument("--child")
    parser.add_argument("--saved", nargs=2)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(Path(args.child))))
        return
    if args.saved:
        print(json.dumps(measure_saved(Path(args.saved[0]), args.saved[1])))
        return
    path = ROOT / "var" / "bench" / f"offre-{args.structures}-{args.services}.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(generate(args.structures, args.services))
    r = child(["--child", str(path)])
    print("| structures | services | lecture + validation (s) | mémoire max (Mo) | anomalies |")
    print("|---|---|---|---|---|")
    print(f"| {r['structures']} | {r['services']} | {r['seconds']:.1f} | {r['peak_mb']:.0f} | {r['issues']} |")
    print()
    print("| base | import complet enregistré (s) | même fichier réimporté, rien de changé (s) | mémoire max (Mo) |")
    print("|---|---|---|---|")
    for database, run in saved_runs(path, args.skip_postgresql):
        print(f"| {database} | {run['seconds']:.1f} | {run['again']:.1f} | {run['peak_mb']:.0f} |")


if __name__ == "__main__":
    main()
