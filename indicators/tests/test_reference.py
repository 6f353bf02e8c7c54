"""Cross-check: the SQL definitions and an independent pandas implementation agree on random deliveries."""

import math
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from benchmarks.pandas_reference import prepare, volet2, volet3
from indicators.engine import volet2 as volet2_definition
from indicators.engine import volet3 as volet3_definition
from indicators.engine.follow_ups import prepare as prepare_stages
from indicators.engine.runners import DuckDBRunner
from indicators.engine.synthetic import Calibration, generate
from indicators.engine.tables import delivery_bounds


def volet3_rows(runner, first_m: int, last_m: int) -> list[dict]:
    return [{"m": m, **row} for m, row in volet3_definition.rows(runner, first_m, last_m - first_m + 1).items()]


pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")


def same(value, reference) -> bool:
    if isinstance(reference, float) and math.isnan(reference):
        reference = None
    return (value or 0) == (reference or 0) or abs((value or 0) - (reference or 0)) < 1e-9


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 100_000), persons=st.integers(1, 300), delay=st.floats(1, 120))
def test_r_ind_01_to_05_sql_and_pandas_agree(seed, persons, delay):
    delivery = generate(
        Calibration(persons=persons, mean_delay_days=delay), first=date(2023, 1, 1), last=date(2024, 6, 1), seed=seed
    )
    assume(delivery.tables["situations_mensuelles"].num_rows > 0)  # the pandas reference needs one month
    runner = DuckDBRunner(delivery.tables)
    prepare_stages(runner)
    prepared = prepare(delivery.tables)
    first_m, last_m = delivery_bounds(runner)
    for definition, reference, rows in (
        (volet2_definition, volet2(prepared), runner.query(volet2_definition.SQL)),
        (volet3_definition, volet3(prepared, delivery.tables), volet3_rows(runner, first_m, last_m)),
    ):
        for row in rows:
            for column, value in row.items():
                if column == "m":
                    continue
                expected = reference.loc[row["m"], column] if row["m"] in reference.index else None
                assert same(value, expected), (definition.VERSION, row["m"], column, value, expected)
