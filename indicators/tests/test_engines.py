"""The same definitions on DuckDB and on Spark; the same delivery in every French variant."""

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.engine import follow_ups, months, volet3
from indicators.engine.reading import read_delivery
from indicators.engine.runners import DuckDBRunner, SparkRunner, to_spark
from indicators.engine.synthetic import Calibration, generate
from indicators.engine.tables import volet2_table
from indicators.tests.builders import every_table
from indicators.tests.examples import EXAMPLE, EXPECTED_EXAMPLE

FIRST, LAST = date(2023, 1, 1), date(2024, 6, 1)


def test_synthetic_delivery_in_iso_and_french_variants_gives_the_same_indicators(tmp_path):
    delivery = generate(Calibration(persons=400), first=FIRST, last=LAST, seed=7)
    delivery.write_csv(tmp_path / "iso")
    delivery.write_csv(tmp_path / "fr", french=True)
    assert (tmp_path / "fr" / "situations_mensuelles.csv").read_text("cp1252").splitlines()[1].count("/") == 5
    iso = read_delivery(tmp_path / "iso", key=b"k")
    french = read_delivery(tmp_path / "fr", key=b"k")
    results = every_table(DuckDBRunner(iso.tables), FIRST, LAST)
    assert results == every_table(DuckDBRunner(french.tables), FIRST, LAST)
    # Reading back the fictitious identifiers changes only the pseudonyms, never the figures.
    assert results == every_table(DuckDBRunner(delivery.tables), FIRST, LAST)
    assert sum(row["nouveaux_entrants"] or 0 for row in results[0]) > 50


@pytest.mark.once
def test_worked_example_on_spark(spark_available):
    delivery = read_delivery(EXAMPLE, key=b"cle-de-test")
    runner = SparkRunner(delivery.tables)
    assert volet2_table(runner, months.parse("2024-01"), months.parse("2024-04")) == EXPECTED_EXAMPLE


@pytest.mark.once
# Each example runs every table on Spark (about 15 s): 4 random deliveries here, the long deliveries' agreement
# in test_long_deliveries.py and a random delivery on a cluster in test_spark_cluster.py, so that the whole CI
# stays inside its budget.
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), persons=st.integers(5, 120), share=st.floats(0.2, 1.0))
def test_duckdb_and_spark_agree_on_random_deliveries(spark_available, seed, persons, share):
    delivery = generate(
        Calibration(persons=persons, share_oriented=share, mean_delay_days=40), first=FIRST, last=LAST, seed=seed
    )
    duckdb, spark = DuckDBRunner(delivery.tables), SparkRunner(delivery.tables)
    assert every_table(duckdb, FIRST, LAST) == every_table(spark, FIRST, LAST)


def test_the_spark_text_reads_each_cte_as_a_subquery_under_the_name_it_is_read_by():
    sql = "WITH a AS (SELECT x FROM t), b AS (SELECT x FROM a) SELECT b.x, a2.x FROM b JOIN a AS a2 ON true"
    assert to_spark(sql) == (
        "SELECT b.x, a2.x FROM (SELECT x FROM (SELECT x FROM t) AS a) AS b JOIN (SELECT x FROM t) AS a2 ON TRUE"
    )
    # a CTE sees the tables and views of its name defined before it only, as in SQL
    sql = "WITH a AS (SELECT x FROM people), people AS (SELECT 1 AS x) SELECT * FROM a UNION ALL SELECT x FROM people"
    assert (
        to_spark(sql) == "SELECT * FROM (SELECT x FROM people) AS a UNION ALL SELECT x FROM (SELECT 1 AS x) AS people"
    )


def spark_sources(runner, sql: str) -> list[tuple[str, set[str]]]:
    """The leaves of the plan of `sql` once Spark has put in the cached stages, with their columns: InMemoryRelation
    for a stage read from its cache, LocalRelation for a table of the delivery."""
    leaves = runner.spark.sql(to_spark(sql))._jdf.queryExecution().withCachedData().collectLeaves()
    sources = []
    for i in range(leaves.length()):
        columns = leaves.apply(i).output()
        names = {columns.apply(j).name() for j in range(columns.length())}
        sources.append((leaves.apply(i).getClass().getSimpleName(), names))
    return sources


@pytest.mark.once
def test_spark_reads_the_earlier_stages_from_their_cache_even_inside_a_with(spark_available):
    """Spark substitutes a stage's cache only where its view is named outside a WITH, and the stages and queries are
    written with CTEs: each one read the monthly situations again and recomputed every earlier stage."""
    runner = SparkRunner(read_delivery(EXAMPLE, key=b"cle-de-test").tables)
    # the session is the process's and Spark answers a plan from any cache of the same plan it holds: what tests run
    # before cached is cleared, so that the reads counted are this test's (one CI run, not reproduced since, found the
    # fold reading no table at all)
    runner.spark.catalog.clearCache()
    runner.materialise("bounds", follow_ups.stage_sql("bounds"))
    width = runner.query("SELECT width FROM bounds")[0]["width"]

    def situations_read(sql):
        return [kind for kind, columns in spark_sources(runner, sql) if "mois" in columns]

    # the monthly situations read by the per-person fold and the second read for the new entrants alone
    reads = {"people": ["LocalRelation"], "entrants": ["LocalRelation"]}
    for name in list(follow_ups.STAGES)[1:]:
        sql = follow_ups.stage_sql(name, width, runner.word_types)
        assert situations_read(sql) == reads.get(name, []), name
        if name in ("followed_people", "entering_people", "entrant_orientation"):
            assert {kind for kind, _ in spark_sources(runner, sql)} == {"InMemoryRelation"}, name
        runner.materialise(name, sql)
    assert situations_read(f"WITH {follow_ups.LATEST_OPEN} SELECT * FROM latest_open") == []
    assert situations_read(volet3.monthly_sql(width)) == []


def test_cli_reproduces_the_expected_file_byte_for_byte(tmp_path):
    from django.core.management import call_command

    output = tmp_path / "volet2.csv"
    call_command(
        "compute_indicators",
        str(EXAMPLE),
        "--from",
        "2024-01",
        "--to",
        "2024-04",
        "--volet",
        "2",
        "--output",
        str(output),
    )
    expected = (Path(__file__).parent / "data" / "attendu_volet2.csv").read_bytes()
    assert output.read_bytes() == expected
