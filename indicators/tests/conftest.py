import os
import shutil
from pathlib import Path

import pytest

# Spark's settings for the local Spark tests (the cluster test runs on Spark's defaults)
SPARK_CONF = Path(__file__).resolve().parent / "spark-conf"


@pytest.fixture(scope="session")
def spark_available():
    """Spark needs pyspark and Java; CI (REQUIRE_SPARK=1) fails instead of skipping without them. The test
    deliveries have a few hundred persons at most: one partition per shuffle (instead of four) spares Spark the
    scheduling of tasks with nothing to do (the Spark tests take a sixth less time), and Spark's settings for small
    queries (spark-conf/spark-defaults.conf) a further 40 %."""
    os.environ.setdefault("INDICATORS_SPARK_PARTITIONS", "1")
    os.environ.setdefault("SPARK_CONF_DIR", str(SPARK_CONF))
    if os.environ.get("REQUIRE_SPARK"):
        return
    pytest.importorskip("pyspark")
    if not shutil.which("java"):
        pytest.skip("Java absent : les tests Spark demandent Java 17")


@pytest.fixture
def upload_folder(client):
    """upload_folder(folder) posts the CSV files of a folder, zipped, to the delivery page of the Ain as the
    logged-in user, and checks the delivery is accepted."""
    import io
    import zipfile

    from django.urls import reverse

    def upload(folder, code="01D"):
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            for path in folder.glob("*.csv"):
                zipped.writestr(path.name, path.read_bytes())
        archive.seek(0)
        archive.name = "livraison.zip"
        response = client.post(reverse("indicators:deliveries", args=[code]), {"files": archive}, follow=True)
        assert "Livraison acceptée" in response.content.decode()

    return upload


@pytest.fixture(params=["en mémoire", "sur disque"])
def reading_mode(request, monkeypatch):
    """Each reading test twice: files held in memory, then every file read from disk in blocks as a national
    delivery is (reading.IN_MEMORY_BYTES), with blocks small enough that each file spans several of them."""
    if request.param == "sur disque":
        from indicators.engine import bulk_reading, file_text, reading

        monkeypatch.setattr(reading, "IN_MEMORY_BYTES", 0)
        monkeypatch.setattr(bulk_reading, "BATCH_BYTES", 512)
        monkeypatch.setattr(file_text, "BLOCK", 64)
    return request.param
