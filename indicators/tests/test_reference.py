"""Cross-check: the SQL definitions and an independent pandas implementation agree on random deliveries."""

from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from benchmarks.pandas_reference import disagreements
from indicators.engine.runners import DuckDBRunner
from indicators.engine.synthetic import Calibration, generate

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 100_000), persons=st.integers(1, 300), delay=st.floats(1, 120))
def test_r_ind_01_to_05_sql_and_pandas_agree(seed, persons, delay):
    delivery = generate(
        Calibration(persons=persons, mean_delay_days=delay), first=date(2023, 1, 1), last=date(2024, 6, 1), seed=seed
    )
    assume(delivery.tables["situations_mensuelles"].num_rows > 0)  # the pandas reference needs one month
    assert disagreements(DuckDBRunner(delivery.tables), delivery.tables) == []
