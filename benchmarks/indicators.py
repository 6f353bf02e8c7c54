"""Benchmark of the indicator engine (issues: indicators, performance; benchmarks against honest floors).

    .venv/bin/python benchmarks/indicators.py [--national 2000000] [--departement 30000] [--months 24]
                                              [--skip-pandas] [--skip-spark]
    .venv/bin/python benchmarks/indicators.py --limited 4000000,8000000 [--memory-limit aucune,1GB,512MB]
    .venv/bin/python benchmarks/indicators.py --crossover 30000,100000,300000,1000000
    .venv/bin/python benchmarks/indicators.py --plein-emploi [--national 2000000]

Generates synthetic deliveries (cached under var/bench/), then measures each step in a fresh
subprocess so that the peak memory (VmHWM) belongs to that step alone; the scans and DuckDB are run
`--repeat` times (3 by default) and their median run is reported, the others once:
- scan (count, max): DuckDB reading every column the definitions use, from every file, with count and max;
- scan (bit_xor(hash)): the same columns, every value hashed and folded (cheaper than max on text columns);
- duckdb: the volet 2 and volet 3 tables;
- pandas: the straightforward pandas implementation of the same definitions (benchmarks/pandas_reference.py);
- spark: PySpark local mode on the département size (the same SQL, transpiled).
--limited: the engine on larger deliveries under a fixed DuckDB memory limit, spilling to var/bench/duckdb-tmp.
--crossover: at each size, the engine's volet 2 against the plain window-function query of
benchmarks/window_reference.py (checked to give the same counts first).
--plein-emploi: the whole indicator set (volet 2, volet 3 and the delays of the loi pour le plein emploi) at
national size against the two floors.
Times exclude process start (loading the libraries) and data generation. Results print as Markdown tables,
with the load average of the machine before and after.
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

# Columns the definitions of volets 2 and 3 read, per file: what a scan must touch.
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
# The whole indicator set (`--plein-emploi`) reads the contracts' persons too: the plein-emploi table joins on them.
USED_BY_THE_SET = {**USED, "contrats_engagement": ["personne", *USED["contrats_engagement"]]}


# The two floors: count and max of each column; every value hashed and folded (max on text costs more).
SCANS = {"scan": "count({c}), max({c})", "scan_hash": "bit_xor(hash({c}))"}


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def dataset(persons: int, months: int, seed: int) -> Path:
    from indicators.engine.persons import numbered
    from indicators.engine.synthetic import Calibration, generate

    folder = ROOT / "var" / "bench" / f"p{persons}-m{months}-s{seed}-numbered"
    if not (folder / "situations_mensuelles.parquet").exists():
        last = date(2023 + (months - 1) // 12, (months - 1) % 12 + 1, 1)
        delivery = generate(Calibration(persons=persons), first=date(2023, 1, 1), last=last, seed=seed)
        delivery.tables, _ = numbered(delivery.tables)  # the persons numbered, as the platform stores a delivery
        delivery.write_parquet(folder)
    return folder


def split_times(started: float, split: float) -> dict:
    """The total, volet 2 (up to `split`) and volet 3 times, and the peak memory so far."""
    now = time.perf_counter()
    return {"seconds": now - started, "volet2": split - started, "volet3": now - split, "peak_mb": peak_mb()}


def measure(kind: str, folder: Path, first: date, last: date) -> dict:
    """One step, timed in this (fresh) process; loading the libraries is the process start, not measured."""
    import duckdb  # noqa: F401

    import indicators.engine.tables  # noqa: F401

    paths = {p.stem: p for p in folder.glob("*.parquet")}
    if kind.removesuffix("_set") in SCANS:
        return scan(SCANS[kind.removesuffix("_set")], paths, USED_BY_THE_SET if kind.endswith("_set") else USED)
    steps = {
        "window": window_query,
        "engine_volet2": engine_volet2,
        "agreement": agreement,
        "limited": limited_run,
        "duckdb": engine,
        "duckdb_all": every_table,
        "spark": engine,
        "pandas": pandas_run,
    }
    return steps[kind](paths, first, last, kind=kind)


def both_tables(runner, started: float, first: date, last: date) -> dict:
    from indicators.engine.tables import volet2_table, volet3_table

    volet2_table(runner, first, last)
    split = time.perf_counter()
    volet3_table(runner, first, last)
    return split_times(started, split)


def every_table(paths, first, last, **_) -> dict:
    """Volet 2, volet 3, the delays of the loi pour le plein emploi, then the new intensive pathways, each timed."""
    from indicators.engine.runners import DuckDBRunner
    from indicators.engine.tables import intensive_pathways_table, plein_emploi_table, volet2_table, volet3_table

    started = time.perf_counter()
    runner = DuckDBRunner(paths)
    marks = []
    for table in (volet2_table, volet3_table, plein_emploi_table, intensive_pathways_table):
        table(runner, first, last)
        marks.append(time.perf_counter())
    return {
        "seconds": marks[-1] - started,
        "volet2": marks[0] - started,
        "volet3": marks[1] - marks[0],
        "plein_emploi": marks[2] - marks[1],
        "pathways": marks[3] - marks[2],
        "peak_mb": peak_mb(),
    }


def scan(aggregate: str, paths, used: dict) -> dict:
    from indicators.engine.runners import DuckDBRunner

    started = time.perf_counter()
    runner = DuckDBRunner(paths)
    # the aggregates must read the values: without this, DuckDB answers count and max from the Parquet
    # statistics, which is not a scan
    runner.connection.execute("SET disabled_optimizers = 'statistics_propagation'")
    for name, columns in used.items():
        aggregates = ", ".join(aggregate.format(c=c) for c in columns)
        runner.query(f"SELECT {aggregates} FROM {name}")  # noqa: S608 - constant names
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb()}


def window_query(paths, first, last, **_) -> dict:
    from benchmarks.window_reference import VOLET2
    from indicators.engine.runners import DuckDBRunner

    started = time.perf_counter()
    DuckDBRunner(paths).query(VOLET2)
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb()}


def engine_volet2(paths, first, last, **_) -> dict:
    from indicators.engine.runners import DuckDBRunner
    from indicators.engine.tables import volet2_table

    started = time.perf_counter()
    volet2_table(DuckDBRunner(paths), first, last)
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb()}


def agreement(paths, first, last, **_) -> dict:
    """The cells where the window query and the engine's volet 2 differ, and the new entrants compared."""
    from benchmarks.window_reference import VOLET2
    from indicators.engine.runners import DuckDBRunner
    from indicators.engine.tables import volet2_table

    runner = DuckDBRunner(paths)
    window = {row["m"]: row for row in runner.query(VOLET2)}
    differing = entrants = 0
    for row in volet2_table(runner, first, last):
        entrants += row.get("nouveaux_entrants") or 0
        year, month = (int(part) for part in str(row["mois"])[:7].split("-"))
        other = window.get(year * 12 + month - 1, {})
        for column in ("nouveaux_entrants", "orientes_15_jours", "orientes_1_mois"):
            if row.get(column) not in (None, other.get(column, 0)):
                differing += 1
    return {"seconds": 0.0, "differing": differing, "entrants": entrants, "peak_mb": peak_mb()}


def limited_run(paths, first, last, **_) -> dict:
    """The engine under $BENCH_MEMORY_LIMIT, with the most its spill directory held at once."""
    import os
    import shutil
    import threading

    from indicators.engine.runners import DuckDBRunner

    temp = ROOT / "var" / "bench" / "duckdb-tmp"
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir(parents=True)
    largest, done = [0], threading.Event()

    def watch():
        while not done.wait(0.05):
            largest[0] = max(largest[0], sum(f.stat().st_size for f in temp.rglob("*") if f.is_file()))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.perf_counter()
    limit = os.environ["BENCH_MEMORY_LIMIT"]
    runner = DuckDBRunner(paths, memory_limit=None if limit == "aucune" else limit, temp_directory=str(temp))
    result = both_tables(runner, started, first, last)
    done.set()
    watcher.join()
    return {**result, "spilled_mb": largest[0] / 2**20}


def engine(paths, first, last, kind: str) -> dict:
    from indicators.engine.runners import make_runner

    started = time.perf_counter()
    runner = make_runner(kind, paths)
    if kind == "spark":  # the JVM start is not the engine's work
        runner.query("SELECT 1 AS x")
        started = time.perf_counter()
    return both_tables(runner, started, first, last)


def pandas_run(paths, first, last, **_) -> dict:
    import pyarrow.parquet as pq

    from benchmarks.pandas_reference import prepare, volet2, volet3

    tables = {name: pq.read_table(path) for name, path in paths.items()}  # reading the files is not measured
    started = time.perf_counter()
    prepared = prepare(tables)
    volet2(prepared)
    split = time.perf_counter()
    volet3(prepared, tables)
    return split_times(started, split)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run_child(kind: str, folder: Path, months: int, repeat: int = 1, env: dict | None = None) -> dict:
    """The median run of `repeat` fresh processes (by total time), with the spread of the totals."""
    import os

    runs = []
    for _ in range(repeat):
        result = subprocess.run(  # noqa: S603 - this very script, with our own arguments
            [sys.executable, "-W", "ignore", __file__, "--child", kind, str(folder), str(months)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, **(env or {})},
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
    parser.add_argument("--limited", help="sizes (persons) to run under --memory-limit, e.g. 4000000,8000000")
    parser.add_argument("--memory-limit", default="aucune,1GB,512MB", help="limits to try, « aucune » for none")
    parser.add_argument("--crossover", help="sizes (persons) where the engine meets the window query")
    parser.add_argument("--plein-emploi", action="store_true", help="every table, national, against the floors")
    parser.add_argument("--spark", action="store_true", help="national, Spark local[2] and a standalone cluster")
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        kind, folder, months = args.child
        last = date(2023 + (int(months) - 1) // 12, (int(months) - 1) % 12 + 1, 1)
        print(json.dumps(measure(kind, Path(folder), date(2023, 1, 1), last)))
        return
    print(f"Charge de la machine au début (1, 5, 15 min) : {load_average()}")
    if args.limited:
        limited(args)
    elif args.crossover:
        crossover(args)
    elif args.plein_emploi:
        whole_set(args)
    elif args.spark:
        spark_runs(args)
    else:
        floors(args)
    print(f"Charge de la machine à la fin (1, 5, 15 min) : {load_average()}")


def floors(args):
    rows = []
    for label, persons in (("national", args.national), ("département", args.departement)):
        folder = dataset(persons, args.months, seed=1)
        kinds = ["scan", "scan_hash", "duckdb"]
        if not args.skip_pandas:
            kinds.append("pandas")
        if label == "département" and not args.skip_spark:
            kinds.append("spark")
        results = {
            kind: run_child(kind, folder, args.months, args.repeat if kind.startswith(("scan", "duckdb")) else 1)
            for kind in kinds
        }
        scan, scan_hash = results["scan"]["seconds"], results["scan_hash"]["seconds"]
        names = {"scan": "scan (count, max)", "scan_hash": "scan (bit_xor(hash))"}
        for kind, r in results.items():
            volet2, volet3 = r.get("volet2", float("nan")), r.get("volet3", float("nan"))
            runs = " / ".join(f"{t:.2f}" for t in r["runs"])
            volet2, volet3 = (f"{v:.2f}" if v == v else "" for v in (volet2, volet3))  # NaN: not split
            rows.append(
                f"| {label} ({persons:,} × {args.months}) | {names.get(kind, kind)} | {volet2} | {volet3} | "
                f"{r['seconds']:.2f} | {runs} | {r['seconds'] / scan:.1f}× | {r['seconds'] / scan_hash:.1f}× | "
                f"{r['peak_mb']:,.0f} |".replace(",", " ").replace("(count  max)", "(count, max)")
            )
    print(
        "| données | moteur | volet 2 (s) | volet 3 (s) | total (s) | essais (s) | / scan (count, max) "
        "| / scan (bit_xor(hash)) | mémoire max (Mo) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


def whole_set(args):
    folder = dataset(args.national, args.months, seed=1)
    kinds = ("scan_set", "scan_hash_set", "duckdb_all")
    results = {kind: run_child(kind, folder, args.months, args.repeat) for kind in kinds}
    scan, scan_hash = results["scan_set"]["seconds"], results["scan_hash_set"]["seconds"]
    r = results["duckdb_all"]
    print("| données | volet 2 (s) | volet 3 (s) | plein emploi (s) | parcours intensifs (s) | total (s) | essais (s) "
          "| scan (count, max) (s) | scan (bit_xor(hash)) (s) | / scan (count, max) | / scan (bit_xor(hash)) "
          "| mémoire max (Mo) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| national ({args.national:,} × {args.months}) | {r['volet2']:.2f} | {r['volet3']:.2f} | "
        f"{r['plein_emploi']:.2f} | {r['pathways']:.2f} | {r['seconds']:.2f} | "
        f"{' / '.join(f'{t:.2f}' for t in r['runs'])} | "
        f"{scan:.2f} | {scan_hash:.2f} | {r['seconds'] / scan:.1f}× | {r['seconds'] / scan_hash:.1f}× | "
        f"{r['peak_mb']:,.0f} |".replace(",", " ")
    )


def spark_runs(args):
    """The national delivery on Spark: local mode on two cores, then a standalone cluster on this machine (a
    master and a worker of two cores as separate processes, the Parquet files read by the executor), each in a
    fresh driver process; DuckDB beside them."""
    import tempfile

    from indicators.spark_cluster import standalone_cluster

    folder = dataset(args.national, args.months, seed=1)
    # the national tables need more than Spark's default memory (2g: OutOfMemoryError) and smaller partitions
    sized = {"INDICATORS_SPARK_PARTITIONS": "16"}
    runs = [("duckdb", "DuckDB", None), ("spark", "Spark local[2]", {**sized, "INDICATORS_SPARK_DRIVER_MEMORY": "8g"})]
    results = [(label, run_child(kind, folder, args.months, 1, env)) for kind, label, env in runs]
    with tempfile.TemporaryDirectory() as workdir, standalone_cluster(Path(workdir), cores=2, memory="8g") as cluster:
        master, env = cluster
        env = {**env, **sized, "INDICATORS_SPARK_MASTER": master, "INDICATORS_SPARK_EXECUTOR_MEMORY": "8g"}
        results.append(("Spark – cluster autonome (1 maître et 1 worker de 2 cœurs)", run_child("spark", folder,
                        args.months, 1, env)))  # fmt: skip
    print("| données | moteur | volet 2 (s) | volet 3 (s) | total (s) | mémoire max du processus Python (Mo) |")
    print("|---|---|---|---|---|---|")
    for label, r in results:
        print(
            f"| national ({args.national:,} × {args.months}) | {label} | {r['volet2']:.2f} | {r['volet3']:.2f} | "
            f"{r['seconds']:.2f} | {r['peak_mb']:,.0f} |".replace(",", " ")
        )


def limited(args):
    print("| données | limite mémoire DuckDB | volet 2 (s) | volet 3 (s) | total (s) | mémoire max (Mo) | "
          "disque temporaire au plus (Mo) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for persons in (int(size) for size in args.limited.split(",")):
        folder = dataset(persons, args.months, seed=1)
        for limit in args.memory_limit.split(","):
            r = run_child("limited", folder, args.months, env={"BENCH_MEMORY_LIMIT": limit})
            print(
                f"| {persons:,} × {args.months} | {limit} | {r['volet2']:.2f} | {r['volet3']:.2f} | "
                f"{r['seconds']:.2f} | {r['peak_mb']:,.0f} | {r['spilled_mb']:,.0f} |".replace(",", " ")
            )


def crossover(args):
    print("| personnes | moteur : volet 2 (s) | requête à fenêtres : volet 2 (s) | moteur / fenêtres | "
          "moteur : volets 2 et 3 (s) | écarts |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for persons in (int(size) for size in args.crossover.split(",")):
        folder = dataset(persons, args.months, seed=1)
        agreement = run_child("agreement", folder, args.months)
        differing = f"{agreement['differing']} (sur {agreement['entrants']:,} nouveaux entrants)"
        engine = run_child("engine_volet2", folder, args.months, args.repeat)["seconds"]
        window = run_child("window", folder, args.months, args.repeat)["seconds"]
        whole = run_child("duckdb", folder, args.months, args.repeat)["seconds"]
        print(
            f"| {persons:,} | {engine:.3f} | {window:.3f} | {engine / window:.2f} | {whole:.3f} | "
            f"{differing} |".replace(",", " ")
        )


if __name__ == "__main__":
    main()
