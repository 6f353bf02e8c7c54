"""Finding 5 of the security audit: killing the server during a delivery left it « en cours » forever and its
raw files (with the identifiers) on disk. The start-up recovery marks it refused in French and deletes every raw
file that no waiting delivery will read."""

import pytest
from django.core.management import call_command

from indicators import storage
from indicators.models import Delivery, DeliveryStatus
from indicators.recovery import INTERRUPTED
from territories.models import Collectivity
from tests.factories import DeliveryFactory

pytestmark = pytest.mark.django_db


def delivery(status: str, token: str) -> Delivery:
    folder = storage.reception_folder(token)
    folder.mkdir(parents=True)
    (folder / "livraison.zip").write_bytes(b"id_rsa;mois\n123456789;2024-01\n")
    return DeliveryFactory(
        collectivity=Collectivity.objects.get(code="01D"), source_name="livraison.zip", size_bytes=32, status=status,
        reception_token=token,
    )  # fmt: skip


def test_an_interrupted_delivery_is_refused_and_its_raw_files_deleted(data_dir, capsys):
    running = delivery(DeliveryStatus.RUNNING, "a" * 32)
    orphan = storage.reception_folder("b" * 32)
    orphan.mkdir(parents=True)
    (orphan / "situations_mensuelles.csv").write_text("id_rsa\n987654321\n")
    call_command("recover_deliveries")
    running.refresh_from_db()
    assert (running.status, running.issues) == (DeliveryStatus.REFUSED, [INTERRUPTED])
    assert running.finished_at is not None
    assert list((data_dir / "reception").iterdir()) == []
    assert "Livraisons interrompues : 1 ; dossiers de réception supprimés : 2." in capsys.readouterr().out


def test_with_a_task_queue_a_waiting_delivery_keeps_its_files(data_dir, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    waiting = delivery(DeliveryStatus.PENDING, "c" * 32)
    call_command("recover_deliveries")
    waiting.refresh_from_db()
    assert waiting.status == DeliveryStatus.PENDING
    assert (storage.reception_folder("c" * 32) / "livraison.zip").exists()
