"""Finding 4 of the security audit: size limits counted bytes, not rows. A Parquet file of a few KB can hold
millions of rows; it is refused from its footer before being read. An offer file cannot repeat an identifier
(5 000 rows of one id reported « 5000 structures » when one was stored)."""

import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from indicators.engine import reading
from offer import files


def parquet(rows: int, dictionary: bool = True, **columns) -> bytes:
    table = pa.table({name: pa.array([value] * rows) for name, value in columns.items()})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd", use_dictionary=dictionary)
    return buffer.getvalue()


def test_a_small_parquet_of_too_many_rows_is_refused_before_reading(monkeypatch):
    bomb = parquet(200_001, id_rsa="1", mois="2024-01", etat_droit="versable")
    assert len(bomb) < 20_000
    monkeypatch.setattr(pq, "read_table", lambda *a, **k: pytest.fail("the rows must not be read"))
    assert reading.parquet_bomb(bomb, max_rows=200_000) == "200\u00a0001 lignes : 200\u00a0000 au plus par fichier"
    assert reading.parquet_bomb(parquet(10, id_rsa="1"), max_rows=200_000) is None


def test_the_declared_uncompressed_size_is_checked_too():
    big = parquet(50_000, dictionary=False, texte="x" * 200)  # 10 MB of plain values, a few KB compressed
    assert len(big) < 50_000
    refusal = reading.parquet_bomb(big, max_bytes=1024 * 1024)
    assert refusal == "contenu décompressé au-delà de 1 Mio : fichier refusé"


def test_an_offer_parquet_of_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr(files, "MAX_ROWS", 1_000)
    with pytest.raises(files.OfferFileError, match="1\u00a0001 lignes : 1\u00a0000 au plus par fichier"):
        files.read_offer("structures.parquet", parquet(1_001, id="a", nom="Structure"))


def test_an_offer_file_cannot_repeat_an_identifier():
    data = b'{"structures": [{"id": "a", "nom": "Un"}, {"id": "a", "nom": "Deux"}], "services": []}'
    with pytest.raises(files.OfferFileError, match="structures, ligne 2 : identifiant « a » déjà présent ligne 1"):
        files.read_offer("offre.json", data)


@pytest.mark.django_db
def test_the_calpae_file_is_limited_in_rows(client, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from accounts.models import Role
    from funding.models import Ceiling

    client.force_login(make_user(Role.DGEFP))
    rows = b"code;montant\n" + b"01D;1 000,00\n" * 1001
    upload = SimpleUploadedFile("calpae.csv", rows)
    page = client.post(reverse("funding:calpae_import"), {"file": upload, "annee": 2024}, follow=True)
    assert "calpae.csv : plus de 1000 lignes (une par collectivité)." in page.content.decode()
    assert not Ceiling.objects.exists()
