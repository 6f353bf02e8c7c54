"""Benchmark of the indicator engine (issue: indicators, performance).

    .venv/bin/python benchmarks/indicators.py [--national 2000000] [--departement 30000] [--months 24]
                                              [--skip-pandas] [--skip-spark]

Generates synthetic deliveries (cached under var/bench/), then measures each step in a fresh
subprocess so that the peak memory (VmHWM) belongs to that step alone; the scan and DuckDB are run
`--repeat` times (3 by default) and their median run is reported, the others once:
- scan: DuckDB reading every value of every column the definitions use, from every file (the floor);
- duckdb: the volet 2 and volet 3 tables;
- pandas: the straightforward pandas implementation of the same definitions (benchmarks/pandas_reference.py);
- spark: PySpark local mode on the département size (the same SQL, transpiled).
Times exclude process start (loading the libraries) and data generation. Results print as a Markdown table.
"""

import argparse
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Columns the definitions read, per file: what a scan must touch.
USED = {
    "situations_mensuelles": ["personne", "mois", "etat_droit", "soumis_droits_devoirs", "date_ouverture_droit",
                              "date_reception_notification", "inscrit_france_travail"],
    "orientations": ["personne", "date_notification", "parcours", "type_organisme", "accompagnement_global",
                     "presence_rdv_orientation", "date_fin_suivi"],
    "rendez_vous": ["personne", "date", "nature", "statut"],
    "contrats_engagement": ["type", "date_signature"],
    "diagnostics": ["personne", "date", "freins"],
    "activites": ["personne", "date_debut", "date_fin", "heures", "categorie"],
    "emplois": ["personne", "date_debut", "type_contrat", "duree_mois"],
    "satisfaction": ["date", "repondant", "satisfait"],
}  # fmt: skip


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def dataset(persons: int, months: int, seed: int) -> Path:
    from indicators.engine.synthetic import Calibration, generate

    folder = ROOT / "var" / "bench" / f"p{persons}-m{months}-s{seed}"
    if not (folder / "situations_mensuelles.parquet").exists():
        last = date(2023 + (months - 1) // 12, (months - 1) % 12 + 1, 1)
        generate(Calibration(persons=persons), first=date(2023, 1, 1), last=last, seed=seed).write_parquet(folder)
    return folder


def measure(kind: str, folder: Path, first: date, last: date) -> dict:
    import duckdb  # noqa: F401 - loading the libraries is part of the process start, not measured

    from indicators.engine.runners import DuckDBRunner, make_runner
    from indicators.engine.tables import volet2_table, volet3_table

    paths = {p.stem: p for p in folder.glob("*.parquet")}
    started = time.perf_counter()
    if kind == "scan":
        runner = DuckDBRunner(paths)
        # count and max must read the values: without this, DuckDB answers most of them from the
        # Parquet statistics, which is not a scan
        runner.connection.execute("SET disabled_optimizers = 'statistics_propagation'")
        for name, columns in USED.items():
            aggregates = ", ".join(f"count({c}), max({c})" for c in columns)
            runner.query(f"SELECT {aggregates} FROM {name}")  # noqa: S608 - constant names
    elif kind in ("duckdb", "spark"):
        runner = make_runner(kind, paths)
        if kind == "spark":  # the JVM start is not the engine's work
            runner.query("SELECT 1 AS x")
            started = time.perf_counter()
        volet2_table(runner, first, last)
        split = time.perf_counter()
        volet3_table(runner, first, last)
        return {
            "seconds": time.perf_counter() - started,
            "volet2": split - started,
            "volet3": time.perf_counter() - split,
            "peak_mb": peak_mb(),
        }
    elif kind == "pandas":
        import pyarrow.parquet as pq

        from benchmarks.pandas_reference import prepare, volet2, volet3

        tables = {name: pq.read_table(path) for name, path in paths.items()}
        started = time.perf_counter()
        prepared = prepare(tables)
        volet2(prepared)
        split = time.perf_counter()
        volet3(prepared, tables)
        return {
            "seconds": time.perf_counter() - started,
            "volet2": split - started,
            "volet3": time.perf_counter() - split,
            "peak_mb": peak_mb(),
        }
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb()}


def run_child(kind: str, folder: Path, months: int, repeat: int = 1) -> dict:
    """The median run of `repeat` fresh processes (by total time), with the spread of the totals."""
    runs = []
    for _ in range(repeat):
        result = subprocess.run(  # noqa: S603 - this very script, with our own arguments
            [sys.executable, "-W", "ignore", __file__, "--child", kind, str(folder), str(months)],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda r: r["seconds"])
    return {**runs[len(runs) // 2], "runs": [round(r["seconds"], 2) for r in runs]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--national", type=int, default=2_000_000)
    parser.add_argument("--departement", type=int, default=30_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        kind, folder, months = args.child
        last = date(2023 + (int(months) - 1) // 12, (int(months) - 1) % 12 + 1, 1)
        print(json.dumps(measure(kind, Path(folder), date(2023, 1, 1), last)))
        return

    rows = []
    for label, persons in (("national", args.national), ("département", args.departement)):
        folder = dataset(persons, args.months, seed=1)
        kinds = ["scan", "duckdb"]
        if not args.skip_pandas:
            kinds.append("pandas")
        if label == "département" and not args.skip_spark:
            kinds.append("spark")
        results = {
            kind: run_child(kind, folder, args.months, args.repeat if kind in ("scan", "duckdb") else 1)
            for kind in kinds
        }
        scan = results["scan"]["seconds"]
        for kind, r in results.items():
            volet2, volet3 = r.get("volet2", float("nan")), r.get("volet3", float("nan"))
            runs = " / ".join(f"{t:.2f}" for t in r["runs"])
            volet2, volet3 = (f"{v:.2f}" if v == v else "" for v in (volet2, volet3))  # NaN: not split
            rows.append(
                f"| {label} ({persons:,} × {args.months}) | {kind} | {volet2} | {volet3} | "
                f"{r['seconds']:.2f} | {runs} | {r['seconds'] / scan:.1f}× | {r['peak_mb']:,.0f} |"
            )
    print("| données | moteur | volet 2 (s) | volet 3 (s) | total (s) | essais (s) | / scan | mémoire max (Mo) |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows).replace(",", " "))


if __name__ == "__main__":
    main()
