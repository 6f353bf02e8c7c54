"""Named write functions for conventions: creation and edition, with optimistic locking."""

from django.db import IntegrityError, transaction

from conventions.lifecycle import ConcurrentEdit, TransitionRefused
from conventions.models import Convention, ConventionState, default_period


def convention_create(*, collectivity, year: int) -> Convention:
    start, end = default_period(year)
    try:
        with transaction.atomic():
            return Convention.objects.create(
                collectivity=collectivity,
                year=year,
                start_date=start,
                end_date=end,
                president_name=collectivity.president_name,
                prefect_name=collectivity.prefect_name,
            )
    except IntegrityError:
        raise TransitionRefused([f"Une convention existe déjà pour {collectivity} en {year} (R-CONV-01)."]) from None


def convention_update(*, convention: Convention, lock_version: int, values: dict) -> Convention:
    """Change a convention under negotiation. Once finalised, only an avenant changes it (R-CONV-05)."""
    with transaction.atomic():
        current = Convention.objects.select_for_update().get(pk=convention.pk)
        if current.lock_version != lock_version:
            raise ConcurrentEdit(
                ["La convention a été modifiée par quelqu'un d'autre entre-temps : rechargez la page et recommencez."]
            )
        if not current.editable:
            raise TransitionRefused(
                [
                    f"La convention est « {ConventionState(current.state).label} » : "
                    "elle ne se modifie plus que par avenant (R-CONV-05)."
                ]
            )
        for field, value in values.items():
            setattr(current, field, value)
        current.lock_version += 1
        current.save()
    return current
