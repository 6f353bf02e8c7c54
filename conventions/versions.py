"""Versions of a convention (R-CONV-05): snapshots taken at signature and at each avenant, and the
side-by-side comparison of two of them. Plain functions over plain values."""

from decimal import Decimal

from config.formats import format_date, format_euros

SNAPSHOT_FIELDS = {
    "start_date": "Début",
    "end_date": "Fin",
    "amount_volet1": "Volet 1",
    "amount_volet2": "Volet 2",
    "amount_volet3": "Volet 3",
    "prefect_name": "Préfet(e) de département",
    "president_name": "Président(e) du conseil départemental",
    "regional_prefect_name": "Préfet(e) de région",
    "iban": "IBAN",
}


def snapshot(convention, action_sheets=()) -> dict:
    data = {name: _json(getattr(convention, name)) for name in SNAPSHOT_FIELDS}
    data["actions"] = [f"Action {s.number} – {s.title}" for s in action_sheets]
    return data


def _json(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _shown(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if name.startswith("amount_"):
        return format_euros(Decimal(value))
    if name.endswith("_date"):
        from datetime import date

        return format_date(date.fromisoformat(value))
    return str(value)


def compare(before: dict, after: dict) -> list[tuple[str, str, str, bool]]:
    """Rows (label, before, after, changed) for every field and for the list of actions."""
    rows = []
    for name, label in SNAPSHOT_FIELDS.items():
        a, b = _shown(name, before.get(name)), _shown(name, after.get(name))
        rows.append((label, a, b, a != b))
    actions_a, actions_b = "\n".join(before.get("actions", [])) or "—", "\n".join(after.get("actions", [])) or "—"
    rows.append(("Fiches action", actions_a, actions_b, actions_a != actions_b))
    return rows
