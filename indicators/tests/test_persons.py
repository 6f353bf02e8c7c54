"""The persons of a stored delivery numbered (engine.persons): numbers in order of first appearance, the same
figures and the same lists (by pseudonym) as from the pseudonyms themselves, and the monthly fold done with an
array rather than a hash table."""

import re
from datetime import date

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.engine.follow_ups import prepare
from indicators.engine.persons import PERSONS_FILE, numbered, write_numbered
from indicators.engine.runners import DuckDBRunner, SparkRunner
from indicators.engine.synthetic import Calibration, generate
from indicators.engine.tables import volet2_table, volet3_table
from indicators.results import france_travail_rows, worklist_rows
from indicators.tests.builders import every_table

FIRST, LAST = date(2023, 1, 1), date(2024, 6, 1)


def persons(values) -> pa.Table:
    return pa.table({"personne": pa.array(values, pa.int64())})


def test_each_person_gets_one_number_in_the_order_it_first_appears_monthly_situations_first():
    tables = {
        "orientations": persons([7, 42, -5]),
        "situations_mensuelles": pa.concat_tables([persons([900, -5]), persons([]), persons([900, 7])]),
        "satisfaction": pa.table({"repondant": ["personne"]}),
    }
    stored, pseudonyms = numbered(tables)
    assert stored["situations_mensuelles"].column("personne").to_pylist() == [0, 1, 0, 2]
    assert stored["orientations"].column("personne").to_pylist() == [2, 3, 1]
    assert pseudonyms.to_pylist() == [900, -5, 7, 42]
    assert stored["satisfaction"] is tables["satisfaction"]


keys = st.lists(st.integers(-(2**63), 2**63 - 1) | st.none(), max_size=30)


@given(situations=keys, appointments=keys, diagnostics=keys)
def test_the_numbers_are_dense_and_give_back_every_pseudonym(situations, appointments, diagnostics):
    tables = {
        "situations_mensuelles": persons(situations),
        "rendez_vous": persons(appointments),
        "diagnostics": persons(diagnostics),
    }
    stored, pseudonyms = numbered(tables)
    for name, table in tables.items():
        numbers = stored[name].column("personne")
        assert numbers.type == pa.int32()
        assert pseudonyms.take(numbers).to_pylist() == table.column("personne").to_pylist()
    every = [n for name in ("situations_mensuelles", "rendez_vous", "diagnostics") for n in stored[name]["personne"]]
    first_seen = list(dict.fromkeys(n.as_py() for n in every if n.is_valid))
    distinct = {key for key in situations + appointments + diagnostics if key is not None}
    assert first_seen == list(range(len(pseudonyms))) == list(range(len(distinct)))


def scrambled(delivery):
    """The synthetic persons (0, 1, 2…) as 64-bit pseudonyms, spread like keyed hashes."""
    spread = lambda n: None if n is None else (n * 0x9E3779B97F4A7C15 + 2**63) % 2**64 - 2**63  # noqa: E731
    tables = {}
    for name, table in delivery.tables.items():
        if "personne" in table.column_names:
            values = pa.array([spread(n) for n in table.column("personne").to_pylist()], pa.int64())
            table = table.set_column(table.schema.get_field_index("personne"), "personne", values)
        tables[name] = table
    return tables


def stored_runner(tables, folder) -> DuckDBRunner:
    folder.mkdir()
    return DuckDBRunner(write_numbered(tables, folder), persons=folder / PERSONS_FILE)


def test_numbered_files_give_the_same_figures_and_the_same_persons_listed(tmp_path):
    tables = scrambled(generate(Calibration(persons=600), first=FIRST, last=LAST, seed=11))
    by_pseudonym, by_number = DuckDBRunner(tables), stored_runner(tables, tmp_path / "livraison")
    assert every_table(by_number, FIRST, LAST) == every_table(by_pseudonym, FIRST, LAST)
    (listed, older), (expected, expected_older) = worklist_rows(by_number, LAST), worklist_rows(by_pseudonym, LAST)
    by_person = lambda row: row["personne"]  # noqa: E731 - the rows come in no particular order
    assert sorted(listed, key=by_person) == sorted(expected, key=by_person) and listed
    assert older == expected_older
    assert {row["personne"] for row in listed} <= set(tables["situations_mensuelles"].column("personne").to_pylist())
    assert france_travail_rows(by_number, LAST) == france_travail_rows(by_pseudonym, LAST)


class Profiled:
    """A DuckDB connection keeping the plan it ran for each table it created."""

    def __init__(self, connection):
        connection.execute("SET enable_profiling = 'no_output'")
        self.connection, self.plans = connection, {}

    def execute(self, sql, *parameters):
        result = self.connection.execute(sql, *parameters)
        created = re.match(r"CREATE OR REPLACE TEMP TABLE (\w+)", sql)
        if created:
            self.plans[created[1]] = self.connection.get_profiling_information()
        return result

    def __getattr__(self, name):
        return getattr(self.connection, name)


def profiled_stages(runner) -> dict[str, str]:
    """The plan DuckDB ran for each shared stage, as `prepare` computes them."""
    runner.connection = Profiled(runner.connection)
    prepare(runner)
    return runner.connection.plans


def test_the_monthly_fold_of_numbered_persons_uses_an_array_not_a_hash_table(tmp_path):
    tables = scrambled(generate(Calibration(persons=300), first=FIRST, last=LAST, seed=3))
    numbers = profiled_stages(stored_runner(tables, tmp_path / "livraison"))
    pseudonyms = profiled_stages(DuckDBRunner(tables))
    assert "PERFECT_HASH_GROUP_BY" in numbers["people"] and "PERFECT_HASH_GROUP_BY" not in pseudonyms["people"]
    # and there only: the other queries keep DuckDB's default (arrays for keys of at most 12 bits)
    runner = stored_runner(tables, tmp_path / "encore")
    prepare(runner)
    assert runner.query("SELECT current_setting('perfect_ht_threshold') AS bits") == [{"bits": 12}]


@pytest.mark.once
def test_spark_reads_the_numbered_files_and_lists_the_pseudonyms(spark_available, tmp_path):
    tables = scrambled(generate(Calibration(persons=300), first=FIRST, last=LAST, seed=5))
    folder = tmp_path / "livraison"
    folder.mkdir()
    paths = write_numbered(tables, folder)
    spark = SparkRunner({name: str(path) for name, path in paths.items()}, persons=folder / PERSONS_FILE)
    by_pseudonym = DuckDBRunner(tables)
    assert volet2_table(spark, FIRST, LAST) == volet2_table(by_pseudonym, FIRST, LAST)
    assert volet3_table(spark, FIRST, LAST) == volet3_table(by_pseudonym, FIRST, LAST)
    by_person = lambda row: row["personne"]  # noqa: E731 - the rows come in no particular order
    listed, expected = worklist_rows(spark, LAST)[0], worklist_rows(by_pseudonym, LAST)[0]
    assert sorted(listed, key=by_person) == sorted(expected, key=by_person) and listed
