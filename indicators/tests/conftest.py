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
