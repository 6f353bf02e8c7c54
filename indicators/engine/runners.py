"""Executors of the indicator definitions. The SQL is written once, in DuckDB's dialect;
Spark runs the same text transpiled by SQLGlot."""

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa

from indicators.engine.persons import PERFECT_HASH_BITS, PersonNumbers
from indicators.engine.schema import FILES, arrow_schema

TableSource = pa.Table | Path | str


def _empty(name: str) -> pa.Table:
    return arrow_schema(FILES[name]).empty_table()


class DuckDBRunner(PersonNumbers):
    """In-process DuckDB over Arrow tables or Parquet files (the default engine)."""

    engine = "duckdb"
    # the integer types of the month masks (follow_ups.mask_words)
    word_types = ("BIGINT", "HUGEINT")

    def __init__(
        self,
        tables: Mapping[str, TableSource],
        *,
        threads: int | None = None,
        memory_limit: str | None = None,
        temp_directory: str | None = None,
        persons: Path | None = None,
    ):
        """memory_limit ("1GB"): beyond it DuckDB writes its intermediate tables to temp_directory (spilling)
        instead of growing; without a temp_directory it fails when the limit is reached. persons: the pseudonyms
        of numbered tables (engine.persons)."""
        import duckdb

        self.persons = persons
        self.connection = duckdb.connect()
        if threads:
            self.connection.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.connection.execute("SET memory_limit = ?", [memory_limit])
        if temp_directory:
            self.connection.execute("SET temp_directory = ?", [str(temp_directory)])
        self.connection.execute("SET preserve_insertion_order = false")
        for name in FILES:
            source = tables.get(name)
            if source is None:
                source = _empty(name)
            if isinstance(source, pa.Table):
                self.connection.register(name, source)
            else:
                path = str(source).replace("'", "''")
                self.connection.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")

    def query(self, sql: str) -> list[dict]:
        return self.connection.sql(sql).to_arrow_table().to_pylist()

    def materialise(self, name: str, sql: str, *, by_person: bool = False) -> None:
        """by_person: a query grouping by person alone, whose groups DuckDB keeps in an array indexed by the
        person's number when the numbers span at most 2^PERFECT_HASH_BITS values (engine.persons). Only for
        such a query: with several group keys, the array would cover every combination of their values."""
        if by_person:
            self.connection.execute(f"SET perfect_ht_threshold = {PERFECT_HASH_BITS}")
        try:
            self.connection.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
        finally:
            if by_person:
                self.connection.execute("RESET perfect_ht_threshold")

    def close(self):
        self.connection.close()


class SparkRunner(PersonNumbers):
    """PySpark on the session of the environment (`spark_session`): local mode by default, a cluster or a
    Spark Connect server in production. Arrow tables are sent from the driver; a path (or a URL the cluster reads:
    a shared file system, s3a://…) is read by the executors themselves."""

    engine = "spark"
    word_types = ("BIGINT",)

    def __init__(self, tables: Mapping[str, TableSource], *, spark=None, persons: Path | None = None):
        self.persons = persons
        self.spark = spark or spark_session()
        for name in FILES:
            source = tables.get(name)
            if source is None:
                source = _empty(name)
            if isinstance(source, pa.Table):
                frame = self.spark.createDataFrame(source)
            else:
                frame = self.spark.read.parquet(str(source))
            frame.createOrReplaceTempView(name)

    def query(self, sql: str) -> list[dict]:
        return [row.asDict() for row in self.spark.sql(to_spark(sql)).collect()]

    def materialise(self, name: str, sql: str, *, by_person: bool = False) -> None:
        frame = self.spark.sql(to_spark(sql)).cache()
        frame.createOrReplaceTempView(name)

    def close(self):
        pass


def to_spark(sql: str) -> str:
    """The DuckDB text in Spark's dialect, each CTE written as a subquery where it is read (`inline_ctes`)."""
    import sqlglot

    return inline_ctes(sqlglot.parse_one(sql, read="duckdb")).sql(dialect="spark")


def inline_ctes(query):
    """The SQLGlot `query` without WITH: each CTE is written as a subquery where it is read. Spark substitutes the
    cache of a stage (a cached temporary view) only where the view is named outside a WITH: inside a CTE, it
    computes the stage again, and with it every stage before. Spark inlines deterministic CTEs itself (a body read
    twice is then one exchange reused), so the plan is otherwise the same."""
    from sqlglot import exp

    for node in reversed(list(query.find_all(exp.Select, exp.SetOperation))):
        with_ = node.args.get("with_")
        if not with_:
            continue
        node.set("with_", None)
        bodies = {}
        for cte in with_.expressions:
            if cte.args["alias"].columns:
                raise ValueError(f"CTE {cte.alias} : liste de colonnes non prise en charge")
            _substitute(cte.this, bodies)
            bodies[cte.alias] = cte.this
        _substitute(node, bodies)
    return query


def _substitute(query, bodies) -> None:
    """Each table of `query` named in `bodies` replaced by a copy of its body, under the table's alias."""
    from sqlglot import exp

    for table in list(query.find_all(exp.Table)):
        if table.name in bodies and not table.args.get("db"):
            alias = exp.TableAlias(this=exp.to_identifier(table.alias_or_name))
            table.replace(exp.Subquery(this=bodies[table.name].copy(), alias=alias))


_SESSION = None


def spark_session():
    """One session per process (starting the JVM costs seconds), where the environment says:
    INDICATORS_SPARK_REMOTE (a Spark Connect server, « sc://hôte:15002 »), else INDICATORS_SPARK_MASTER (a
    cluster's master: « spark://hôte:7077 », « yarn », « k8s://… »), else local mode on two cores. See
    docs/environment.md."""
    global _SESSION
    if _SESSION is None:
        import os

        from pyspark.sql import SparkSession

        remote, master = os.environ.get("INDICATORS_SPARK_REMOTE"), os.environ.get("INDICATORS_SPARK_MASTER")
        builder = SparkSession.builder.appName("indicateurs")
        if remote:
            builder = builder.remote(remote)
        else:
            builder = (
                builder.master(master or "local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.memory", os.environ.get("INDICATORS_SPARK_DRIVER_MEMORY", "2g"))
            )
            if os.environ.get("INDICATORS_SPARK_EXECUTOR_MEMORY"):  # on a cluster: each executor's memory
                builder = builder.config("spark.executor.memory", os.environ["INDICATORS_SPARK_EXECUTOR_MEMORY"])
        _SESSION = (
            builder.config("spark.sql.shuffle.partitions", os.environ.get("INDICATORS_SPARK_PARTITIONS", "4"))
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .getOrCreate()
        )
        if not remote:
            _SESSION.sparkContext.setLogLevel("ERROR")
    return _SESSION


def make_runner(engine: str, tables: Mapping[str, TableSource], **options):
    """options: DuckDB's memory_limit, temp_directory and threads."""
    if engine == "duckdb":
        return DuckDBRunner(tables, **options)
    if engine == "spark":
        return SparkRunner(tables)
    raise ValueError(f"moteur inconnu : {engine} (duckdb ou spark)")
