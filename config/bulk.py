"""Bulk writes for large imports: PostgreSQL's COPY where the database is PostgreSQL (the rows travel as one
stream instead of one INSERT per batch), Django's bulk_create elsewhere; and the history records
(django-simple-history) of bulk-created or bulk-updated rows, built as simple-history builds them."""

from django.db import connections, router
from django.utils import timezone

BATCH = 2000


def insert(model, objects: list) -> None:
    """Insert new rows (no signal, no save(): as bulk_create); the auto-increment key is left to the database."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=BATCH)
        return
    fields = [field for field in model._meta.concrete_fields if not field.db_returning]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objects:
            copy.write_row([field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields])


def history_rows(model, objects: list, *, by, kind: str) -> list:
    """The history records of `objects` (kind "+" created, "~" changed), attributed to `by`, dated now."""
    history = model.history.model
    now = timezone.now()
    return [
        history(
            history_date=now,
            history_user=by,
            history_change_reason="",
            history_type=kind,
            **{field.attname: getattr(obj, field.attname) for field in history.tracked_fields},
        )
        for obj in objects
    ]
