"""Readable audit trail from django-simple-history records: who, when, before, after."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.shortcuts import render
from django.utils import timezone

from config.downloads import Table, page_tables_response
from config.formats import format_date, format_euros


@dataclass(frozen=True)
class Change:
    field: str
    before: object
    after: object


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    kind: str
    changes: list[Change]


KIND_LABELS = {"+": "Création", "~": "Modification", "-": "Suppression"}


def history_entries(obj) -> list[HistoryEntry]:
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                label = record.instance_type._meta.get_field(change.field).verbose_name
                changes.append(Change(str(label), _shown(change.old), _shown(change.new)))
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=_who(record.history_user),
                kind=KIND_LABELS.get(record.history_type, record.history_type),
                changes=changes,
            )
        )
        previous = record
    entries.reverse()
    return entries


def _who(user) -> str:
    if user is None:
        return "Système (chargement des données de référence)"
    return user.get_full_name() or user.username


def _shown(value):
    """Amounts and dates as the interface writes them."""
    if isinstance(value, Decimal):
        return format_euros(value)
    if isinstance(value, date):
        return format_date(value)
    return value


def history_table(entries: list[HistoryEntry]) -> Table:
    """One line per changed field (or per record without change), as the page shows them."""
    rows = []
    for entry in entries:
        when = timezone.localtime(entry.when).strftime("%d/%m/%Y %H:%M")
        for change in entry.changes or [None]:
            shown = (change.field, change.before, change.after) if change else ("", "", "")
            rows.append([when, entry.who, entry.kind, *shown])
    return Table("historique", "Historique", ["date", "auteur", "opération", "champ", "avant", "après"], rows)


def history_page(request, *, title: str, back_href: str, entries: list[HistoryEntry], stem: str):
    """The history page of an object, or its table as CSV / Excel (`?format=`)."""
    export = page_tables_response(request, stem, lambda: [history_table(entries)])
    if export:
        return export
    return render(request, "history.html", {"title": title, "back_href": back_href, "entries": entries})
