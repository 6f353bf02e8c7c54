import os
import shutil

import pytest


@pytest.fixture(scope="session")
def spark_available():
    """Spark needs pyspark and Java; CI (REQUIRE_SPARK=1) fails instead of skipping without them."""
    if os.environ.get("REQUIRE_SPARK"):
        return
    pytest.importorskip("pyspark")
    if not shutil.which("java"):
        pytest.skip("Java absent : les tests Spark demandent Java 17")
