"""Writes to the territories: the signatories of a collectivité, kept up to date by the parties (R-CONV-02)."""

from django.db import transaction

from conventions.lifecycle import ConcurrentEdit
from territories.models import Collectivity

SIGNATORIES = ("president_name", "prefect_name", "contact_email")


@transaction.atomic
def signatories_update(*, code: str, lock_version: int, values: dict) -> Collectivity:
    """The signatories as the editor saw and changed them (lock_version: the version the page showed), refused when
    someone changed them meanwhile. The history records who, when, before and after."""
    collectivity = Collectivity.objects.select_for_update().get(code=code)
    if collectivity.lock_version != lock_version:
        raise ConcurrentEdit(
            [
                f"Les signataires de la collectivité {collectivity.of_name} ont été modifiés par quelqu'un d'autre "
                "depuis l'affichage de la page ; rien n'a été enregistré, rechargez la page pour voir la version "
                "actuelle."
            ]
        )
    for name in SIGNATORIES:
        setattr(collectivity, name, values[name])
    collectivity.lock_version += 1
    collectivity.save()
    return collectivity
