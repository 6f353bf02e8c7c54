"""Tiny deliveries for table-driven tests, built straight in the normalised layout."""

from datetime import date

import pyarrow as pa

from indicators.engine.schema import FILES, arrow_schema


def d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def month(text: str) -> date:
    return date.fromisoformat(text + "-01")


def situations(*rows) -> pa.Table:
    """rows: (person, "AAAA-MM", etat, dd, opening, t0[, france_travail])"""
    columns = {c.target: [] for c in FILES["situations_mensuelles"].columns}
    for row in rows:
        person, mois, etat, dd, opening, t0, *rest = row
        columns["personne"].append(person)
        columns["inscrit_france_travail"].append(bool(rest and rest[0]))
        columns["mois"].append(month(mois))
        columns["etat_droit"].append(etat)
        columns["soumis_droits_devoirs"].append(dd)
        columns["date_ouverture_droit"].append(d(opening))
        columns["date_reception_notification"].append(d(t0))
    return pa.table(columns, schema=arrow_schema(FILES["situations_mensuelles"]))


def orientations(*rows) -> pa.Table:
    """rows: dicts with personne, date_notification and optional fields."""
    spec = FILES["orientations"]
    columns = {c.target: [] for c in spec.columns}
    for row in rows:
        full = {
            "parcours": "socio_professionnel",
            "type_organisme": "departement",
            "organisme_referent": None,
            "accompagnement_global": False,
            "date_rdv_orientation": None,
            "presence_rdv_orientation": None,
            "date_fin_suivi": None,
            **row,
        }
        for name in columns:
            value = full[name]
            columns[name].append(d(value) if name.startswith("date") else value)
    return pa.table(columns, schema=arrow_schema(spec))


def table(name: str, *rows: dict) -> pa.Table:
    spec = FILES[name]
    columns = {c.target: [row.get(c.target) for row in rows] for c in spec.columns}
    for c in spec.columns:
        if c.kind in ("date", "month"):
            columns[c.target] = [d(v) if isinstance(v, str) else v for v in columns[c.target]]
    return pa.table(columns, schema=arrow_schema(spec))


def monthly(person: int, first: str, last: str, etat="versable", dd=True, opening="2023-01-01", t0=None, **states):
    """One situation row per month of [first, last], with per-month overrides: states={"2024-02": "suspendu"}."""
    rows = []
    current = month(first)
    end = month(last)
    while current <= end:
        label = f"{current.year:04d}-{current.month:02d}"
        override = states.get(f"m{current.year:04d}_{current.month:02d}")
        state = override or etat
        if state != "absent":
            rows.append((person, label, state, dd, opening, t0))
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return rows


def every_table(runner, first: date, last: date) -> tuple:
    """Every indicator table of the engine over first..last (the organisms' of the first year)."""
    from indicators.engine.tables import (
        intensive_pathways_table,
        organisms_table,
        plein_emploi_table,
        volet2_table,
        volet3_table,
    )

    return (
        volet2_table(runner, first, last),
        volet3_table(runner, first, last),
        plein_emploi_table(runner, first, last),
        intensive_pathways_table(runner, first, last),
        organisms_table(runner, first.year),
    )
