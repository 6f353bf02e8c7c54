"""Benchmark of the upload path of a delivery (issue « Deliveries at the speed of the engine »): reading,
validating and pseudonymising the CSV files (`read_delivery`), then the engine (volet 2 and volet 3), against
DuckDB's plain `read_csv` of the same files, each in a fresh process (peak memory = its VmHWM).

    .venv/bin/python benchmarks/ingestion.py [--departement 59] [--national 2000000] [--months 24]

The deliveries: the project's synthetic generator calibrated on the département (`calibration_for`), in both CSV
forms (« Excel français »: Windows-1252, dd/mm/yyyy, oui/non; ISO: UTF-8, AAAA-MM-JJ, 1/0), and a national one
(`--national` persons, « Excel français »; 0 to skip it), under var/bench/. The upload path is the platform's:
read, validate, pseudonymise, store the tables as Parquet (the persons numbered), then volets 2 and 3 computed by
DuckDB from the stored files under the default memory limit (1GB, spilling to a temporary folder), as
`process_delivery` does. Results print as a Markdown table with the machine's load average.
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


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def dataset(code: str | None, months: int, *, french: bool = True, persons: int = 0) -> Path:
    """The delivery's folder, generated once: the département `code`, or `persons` persons nationally."""
    from indicators.engine.synthetic import Calibration, calibration_for, generate

    name = f"csv-{code}-m{months}" if code else f"csv-national-{persons}-m{months}"
    folder = ROOT / "var" / "bench" / (name if french else f"{name}-iso")
    if not (folder / "situations_mensuelles.csv").exists():
        last = date(2023 + (months - 1) // 12, (months - 1) % 12 + 1, 1)
        calibration = calibration_for([code], ROOT / "territories" / "data") if code else Calibration(persons)
        generate(calibration, first=date(2023, 1, 1), last=last, seed=1).write_csv(folder, french=french)
    return folder


def plain_read(folder: Path) -> dict:
    """DuckDB reading every file as Windows-1252 text columns into a table (every value read and kept): the
    floor of any reading."""
    import duckdb

    started = time.perf_counter()
    connection = duckdb.connect()
    rows = 0
    for index, path in enumerate(sorted(folder.glob("*.csv"))):
        connection.execute(
            f"CREATE TABLE t{index} AS SELECT * FROM read_csv(?, encoding = 'latin-1', delim = ';', "  # noqa: S608 - an index
            "header = true, all_varchar = true)",
            [str(path)],
        )
        rows += connection.execute(f"SELECT count(*) FROM t{index}").fetchone()[0]  # noqa: S608 - an index
    return {"seconds": time.perf_counter() - started, "rows": rows, "peak_mb": peak_mb()}


def upload_path(folder: Path) -> dict:
    """What the platform does with an upload: read, validate, pseudonymise, store as Parquet, then volets 2 and 3
    from the stored files (indicators.ingestion.process_delivery, without the database)."""
    import tempfile

    from indicators.engine.persons import PERSONS_FILE, write_numbered
    from indicators.engine.reading import read_delivery
    from indicators.engine.runners import DuckDBRunner
    from indicators.engine.tables import volet2_table, volet3_table

    started = time.perf_counter()
    delivery = read_delivery(folder, key=b"cle-de-mesure")
    read = time.perf_counter()
    first, last = delivery.months()
    rows = sum(delivery.row_counts().values())
    with tempfile.TemporaryDirectory() as stored:
        paths = write_numbered(delivery.tables, Path(stored))  # as indicators.storage.save_tables does
        persons = Path(stored) / PERSONS_FILE
        del delivery
        saved = time.perf_counter()
        runner = DuckDBRunner(paths, memory_limit="1GB", temp_directory=str(Path(stored) / "duckdb"), persons=persons)
        volet2_table(runner, first, last)
        volet3_table(runner, first, last)
        runner.close()
    done = time.perf_counter()
    return {"seconds": done - started, "read": read - started, "store": saved - read, "engine": done - saved,
            "rows": rows, "peak_mb": peak_mb()}  # fmt: skip


def run_child(kind: str, folder: Path) -> dict:
    result = subprocess.run(  # noqa: S603 - the same script, in a fresh process
        [sys.executable, "-W", "ignore", __file__, "--child", kind, str(folder)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--departement", default="59")
    parser.add_argument("--national", type=int, default=2_000_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        kind, folder = args.child
        print(json.dumps({"plain": plain_read, "upload": upload_path}[kind](Path(folder))))
        return
    deliveries = [
        (f"département {args.departement} – Excel français", dataset(args.departement, args.months)),
        (f"département {args.departement} – ISO", dataset(args.departement, args.months, french=False)),
    ]
    if args.national:
        deliveries.append(
            (f"national {args.national:,} – Excel français".replace(",", " "), dataset(None, args.months,
             persons=args.national))
        )  # fmt: skip
    print(f"Charge de la machine au début (1, 5, 15 min) : {load_average()}")
    print("| livraison | taille CSV (Mo) | lignes | read_csv DuckDB (s) | lecture + validation + pseudonymisation (s) "
          "| enregistrement Parquet (s) | moteur volets 2 et 3 (s) | total (s) | / read_csv "
          "| mémoire max (Mo) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, folder in deliveries:
        size = sum(p.stat().st_size for p in folder.glob("*.csv")) / 1024 / 1024
        plain, upload = run_child("plain", folder), run_child("upload", folder)
        print(
            f"| {label} ({args.months} mois) | {size:,.0f} | {upload['rows']:,} | {plain['seconds']:.2f} | "
            f"{upload['read']:.2f} | {upload['store']:.2f} | {upload['engine']:.2f} | {upload['seconds']:.2f} | "
            f"{upload['seconds'] / plain['seconds']:.1f}× | {upload['peak_mb']:,.0f} |".replace(",", " "),
            flush=True,
        )
    print(f"Charge de la machine à la fin (1, 5, 15 min) : {load_average()}")


if __name__ == "__main__":
    main()
