"""Benchmark of the offer import (issue: offer, performance).

    .venv/bin/python benchmarks/offer.py [--structures 40000] [--services 100000]

Generates a national-size data·inclusion export (JSON, fictitious records), then measures in a fresh
subprocess the whole import pipeline that runs before anything is saved: reading the file and
validating every record with the official models (errors and warnings per line and field).
Peak memory is the process's VmHWM. Results print as a Markdown table.
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--structures", type=int, default=40_000)
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(Path(args.child))))
        return
    path = ROOT / "var" / "bench" / f"offre-{args.structures}-{args.services}.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(generate(args.structures, args.services))
    result = subprocess.run(  # noqa: S603 - this very script
        [sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=True
    )
    r = json.loads(result.stdout.strip().splitlines()[-1])
    print("| structures | services | lecture + validation (s) | mémoire max (Mo) | anomalies |")
    print("|---|---|---|---|---|")
    print(f"| {r['structures']} | {r['services']} | {r['seconds']:.1f} | {r['peak_mb']:.0f} | {r['issues']} |")


if __name__ == "__main__":
    main()
