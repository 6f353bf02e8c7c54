"""The same definitions on a real standalone Spark cluster: a master and a worker started as separate processes
from the pyspark distribution's own launcher (bin/spark-class), a driver in a third process connecting to it by
INDICATORS_SPARK_MASTER, the tables read by the executors from their Parquet files (not sent by the driver). A
random delivery with the worked example's persons must give exactly DuckDB's tables (every table: volet 2, volet 3,
the delays of the loi pour le plein emploi, the organismes)."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from indicators.engine.reading import read_delivery
from indicators.engine.runners import DuckDBRunner
from indicators.engine.synthetic import Calibration, generate
from indicators.spark_cluster import ClusterError, standalone_cluster

pytestmark = pytest.mark.once

DATA = Path(__file__).resolve().parent / "data"
FIRST, LAST = date(2023, 1, 1), date(2024, 6, 1)

# Run by the driver process: every table of each delivery (folders of Parquet files), as JSON.
DRIVER = """
import json, sys
from datetime import date
from indicators.engine.runners import SparkRunner, spark_session
from indicators.engine.tables import organisms_table, plein_emploi_table, volet2_table, volet3_table
first, last = date.fromisoformat(sys.argv[1]), date.fromisoformat(sys.argv[2])
session = spark_session()
out = {"master": session.sparkContext.master, "adaptive": session.conf.get("spark.sql.adaptive.enabled")}
for folder in sys.argv[3:]:
    from pathlib import Path
    runner = SparkRunner({p.stem: str(p) for p in Path(folder).glob("*.parquet")})
    out[folder] = [volet2_table(runner, first, last), volet3_table(runner, first, last),
                   plein_emploi_table(runner, first, last), organisms_table(runner, first.year)]
print(json.dumps(out, default=str))
"""


def tables(runner, first=FIRST, last=LAST):
    from indicators.engine.tables import organisms_table, plein_emploi_table, volet2_table, volet3_table

    return [volet2_table(runner, first, last), volet3_table(runner, first, last),
            plein_emploi_table(runner, first, last), organisms_table(runner, first.year)]  # fmt: skip


@pytest.fixture(scope="module")
def cluster(spark_available, tmp_path_factory):
    try:
        with standalone_cluster(tmp_path_factory.mktemp("spark")) as started:
            yield started
    except ClusterError as error:
        pytest.fail(str(error))


def on_cluster(cluster, folders, first=FIRST, last=LAST) -> dict:
    master_url, env = cluster
    # Spark's defaults, as production: not the local tests' settings for small queries (conftest.py)
    env = {name: value for name, value in env.items() if name != "SPARK_CONF_DIR"}
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, first.isoformat(), last.isoformat(), *map(str, folders)],
        env={**env, "INDICATORS_SPARK_MASTER": master_url}, capture_output=True, text=True, timeout=600,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def as_json(value):
    return json.loads(json.dumps(value, default=str))


def stored(tables: dict, folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name, table in tables.items():
        pq.write_table(table, folder / f"{name}.parquet")
    return folder


def test_the_worked_example_within_a_random_delivery_on_a_standalone_cluster(cluster, tmp_path):
    """One delivery: the worked example's persons beside a random delivery's (the driver's planning of each table
    on Spark's defaults, about 40 s a delivery, is paid once)."""
    example = read_delivery(DATA / "volet2", key=b"k").tables
    random = generate(
        Calibration(persons=150, share_oriented=0.7, mean_delay_days=40), first=FIRST, last=LAST, seed=11
    ).tables
    assert set(example) <= set(random)
    assert not set(example["situations_mensuelles"].column("personne").to_pylist()) & set(
        random["situations_mensuelles"].column("personne").to_pylist()
    )
    both = stored(
        {
            name: pa.concat_tables([table, example[name]]) if name in example else table
            for name, table in random.items()
        },
        tmp_path / "exemple-et-aleatoire",
    )
    found = on_cluster(cluster, [both])
    assert found["master"] == cluster[0]  # the cluster, not a local session
    assert found["adaptive"] == "true"  # on Spark's defaults, not the local tests' settings
    duckdb = DuckDBRunner({p.stem: p for p in both.glob("*.parquet")})
    assert found[str(both)] == as_json(tables(duckdb))
    assert sum(row["nouveaux_entrants"] or 0 for row in found[str(both)][0]) > 10
    # the worked example's persons are in the figures: its orientation months are counted
    alone = tables(DuckDBRunner(random), FIRST, LAST)
    assert as_json(alone) != found[str(both)]
