"""After a crash: no delivery stays « en cours » forever, and no raw file outlives its processing.

A stopped process (server, worker) leaves behind the deliveries it was processing and their reception
folders, which hold raw identifiers. `recover_interrupted()` runs at start-up (`manage.py recover_deliveries`,
called by `scripts/demo.sh` and before the workers start in production): the deliveries whose processing began
are marked refused with a French message, so are those waiting when tasks run in the web process (nothing will
ever pick them up); every reception folder that no waiting delivery will read is deleted.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from indicators import storage
from indicators.models import Delivery, DeliveryStatus

INTERRUPTED = (
    "Traitement interrompu (arrêt du serveur) : la livraison n'a pas été enregistrée et les fichiers déposés "
    "ont été supprimés ; déposez-la de nouveau."
)


@dataclass(frozen=True)
class Recovery:
    deliveries: int
    folders: int


def tasks_run_in_process() -> bool:
    return settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")


def recover_interrupted() -> Recovery:
    interrupted = Delivery.objects.filter(status=DeliveryStatus.RUNNING)
    if tasks_run_in_process():
        interrupted = Delivery.objects.filter(status__in=(DeliveryStatus.RUNNING, DeliveryStatus.PENDING))
    count = 0
    for delivery in interrupted:
        storage.remove(storage.delivery_folder(delivery.pk))
        delivery.status, delivery.step, delivery.issues = DeliveryStatus.REFUSED, "Traitement interrompu", [INTERRUPTED]
        delivery.finished_at = timezone.now()
        delivery.save(update_fields=["status", "step", "issues", "finished_at"])
        count += 1
    waiting = set(
        Delivery.objects.filter(status=DeliveryStatus.PENDING)
        .exclude(reception_token="")
        .values_list("reception_token", flat=True)
    )
    root = storage.reception_folder("x").parent
    folders = 0
    if root.exists():
        for folder in root.iterdir():
            if folder.name not in waiting:
                storage.remove(folder)
                folders += 1
    return Recovery(count, folders)
