"""Finding 8 of the security audit: with concurrent uploads, the last delivery to finish its processing replaced
the others, not the last uploaded: an older file could overwrite a corrected one. The last upload now wins
whatever the order the processing ends in."""

from datetime import date

import pytest

from indicators import storage
from indicators.engine.synthetic import Calibration, generate
from indicators.ingestion import process_delivery
from indicators.models import Delivery, DeliveryStatus, IndicatorResult
from territories.models import Collectivity
from tests.factories import DeliveryFactory

pytestmark = pytest.mark.django_db


def uploaded(token: str, seed: int) -> Delivery:
    generate(Calibration(persons=150), first=date(2024, 1, 1), last=date(2024, 6, 1), seed=seed).write_csv(
        storage.reception_folder(token)
    )
    return DeliveryFactory(
        collectivity=Collectivity.objects.get(code="01D"), source_name=f"livraison-{seed}.zip", reception_token=token
    )


def test_the_last_upload_wins_even_when_its_processing_ends_first(data_dir, django_capture_on_commit_callbacks):
    older, newer = uploaded("a" * 32, seed=1), uploaded("b" * 32, seed=2)
    with django_capture_on_commit_callbacks(execute=True):
        process_delivery(newer.pk, "b" * 32)
        process_delivery(older.pk, "a" * 32)  # the older file finishes last
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (newer.status, older.status, older.replaced_by_id) == (
        DeliveryStatus.ACCEPTED, DeliveryStatus.REPLACED, newer.pk,
    )  # fmt: skip
    assert set(IndicatorResult.objects.values_list("delivery_id", flat=True)) == {newer.pk}
    assert not storage.delivery_folder(older.pk).exists()
