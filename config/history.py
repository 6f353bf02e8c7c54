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
# Technical fields (optimistic locking) that no reader needs in an audit trail.
HIDDEN_FIELDS = {"lock_version"}


def history_entries(obj) -> list[HistoryEntry]:
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                model_field = record.instance_type._meta.get_field(change.field)
                label = model_field.verbose_name
                changes.append(Change(str(label), _shown(change.old, model_field), _shown(change.new, model_field)))
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
    return user.display_name


def _shown(value, model_field=None):
    """Amounts, dates, choices, yes/no and related objects as the interface writes them, never their codes."""
    if value is None or value == "":
        return value
    if model_field is not None and model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if model_field is not None and model_field.is_relation and model_field.related_model is not None:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else value
    if isinstance(value, bool):
        return "oui" if value else "non"
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
