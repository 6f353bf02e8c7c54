"""Benchmark of the upload path of a delivery (issue « Deliveries at the speed of the engine »): reading,
validating and pseudonymising the CSV files (`read_delivery`), then the engine (volet 2 and volet 3), against
DuckDB's plain `read_csv` of the same files, each in a fresh process (peak memory = its VmHWM).

    .venv/bin/python benchmarks/ingestion.py [--departement 59] [--months 24] [--skip-read]

The delivery: the project's synthetic generator calibrated on the département (`calibration_for`), written as
« Excel français » CSV (Windows-1252, dd/mm/yyyy, oui/non) under var/bench/. Results print as a Markdown table
with the machine's load average.
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


def dataset(code: str, months: int) -> Path:
    from indicators.engine.synthetic import calibration_for, generate

    folder = ROOT / "var" / "bench" / f"csv-{code}-m{months}"
    if not (folder / "situations_mensuelles.csv").exists():
        last = date(2023 + (months - 1) // 12, (months - 1) % 12 + 1, 1)
        calibration = calibration_for([code], ROOT / "territories" / "data")
        generate(calibration, first=date(2023, 1, 1), last=last, seed=1).write_csv(folder, french=True)
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
    """What the platform does with an upload, but saving: read, validate, pseudonymise, then volets 2 and 3."""
    from indicators.engine.reading import read_delivery
    from indicators.engine.runners import DuckDBRunner
    from indicators.engine.tables import volet2_table, volet3_table

    started = time.perf_counter()
    delivery = read_delivery(folder, key=b"cle-de-mesure")
    read = time.perf_counter()
    first, last = delivery.months()
    runner = DuckDBRunner(delivery.tables)
    volet2_table(runner, first, last)
    volet3_table(runner, first, last)
    done = time.perf_counter()
    rows = sum(delivery.row_counts().values())
    return {"seconds": done - started, "read": read - started, "engine": done - read, "rows": rows,
            "peak_mb": peak_mb()}  # fmt: skip


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
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        kind, folder = args.child
        print(json.dumps({"plain": plain_read, "upload": upload_path}[kind](Path(folder))))
        return
    folder = dataset(args.departement, args.months)
    size = sum(p.stat().st_size for p in folder.glob("*.csv")) / 1024 / 1024
    print(f"Charge de la machine au début (1, 5, 15 min) : {load_average()}")
    plain, upload = run_child("plain", folder), run_child("upload", folder)
    print("| livraison | taille CSV (Mo) | lignes | read_csv DuckDB (s) | lecture + validation + pseudonymisation (s) "
          "| moteur volets 2 et 3 (s) | total (s) | / read_csv | mémoire max (Mo) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| département {args.departement} ({args.months} mois) | {size:.0f} | {upload['rows']:,} | "
        f"{plain['seconds']:.2f} | {upload['read']:.2f} | {upload['engine']:.2f} | {upload['seconds']:.2f} | "
        f"{upload['seconds'] / plain['seconds']:.1f}× | {upload['peak_mb']:,.0f} |".replace(",", " ")
    )
    print(f"Charge de la machine à la fin (1, 5, 15 min) : {load_average()}")


if __name__ == "__main__":
    main()
