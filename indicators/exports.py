"""The exports of the indicator pages."""

from django.http import HttpResponse

from config.downloads import Table, csv_response
from indicators.engine.organisms import COLUMNS as ORGANISM_COLUMNS
from indicators.engine.plein_emploi import COLUMNS as PLEIN_EMPLOI_COLUMNS
from indicators.engine.volet2 import COLUMNS as VOLET2_COLUMNS
from indicators.engine.volet3 import COLUMNS as VOLET3_COLUMNS


def volet2_table(rows) -> Table:
    columns = [*VOLET2_COLUMNS, "part_orientes_15_jours_pct", "part_orientes_1_mois_pct", "version"]
    keys = [*VOLET2_COLUMNS[1:], "part_orientes_15_jours", "part_orientes_1_mois", "version"]
    return Table(
        "volet2", "Volet 2", columns, [[row["mois"].strftime("%Y-%m"), *(row.get(k) for k in keys)] for row in rows]
    )


def volet3_table(rows) -> Table:
    """The volet 3 table, one month per line, with the column names of docs/indicators.md."""
    return Table(
        "volet3",
        "Volet 3",
        [*VOLET3_COLUMNS, "version"],
        [[row["mois"].strftime("%Y-%m"), *(row.get(k) for k in VOLET3_COLUMNS[1:]), row["version"]] for row in rows],
    )


def plein_emploi_table(rows) -> Table:
    """The delays of the loi pour le plein emploi, one month per line (columns of `compute_indicators
    --volet plein-emploi`)."""
    return Table(
        "plein-emploi",
        "Plein emploi",
        [*PLEIN_EMPLOI_COLUMNS, "version"],
        [[row["mois"].strftime("%Y-%m"), *(row.get(k) for k in PLEIN_EMPLOI_COLUMNS[1:]), row["version"]]
         for row in rows],
    )  # fmt: skip


def organisms_table(year, rows) -> Table:
    return Table(
        "organismes",
        "Organismes référents",
        list(ORGANISM_COLUMNS),
        [[year, row["type_organisme"], row["personnes"], row["part_pct"]] for row in rows],
    )


def volet2_csv(collectivity, rows) -> HttpResponse:
    table = volet2_table(rows)
    return csv_response(f"indicateurs-volet2-{collectivity.code}.csv", table.header, table.rows)


def volet3_csv(collectivity, rows) -> HttpResponse:
    table = volet3_table(rows)
    return csv_response(f"indicateurs-volet3-{collectivity.code}.csv", table.header, table.rows)


def worklist_table(people) -> Table:
    return Table(
        "a-orienter",
        "Personnes à orienter",
        ["pseudonyme", "date_ouverture_droit", "t0", "echeance_15_jours", "jours_restants"],
        [[p.pseudonym, p.opening, p.t0, p.deadline, p.days_left] for p in people],
    )


def france_travail_table(people) -> Table:
    return Table(
        "a-orienter-par-france-travail",
        "Orientation par France Travail",
        ["pseudonyme", "mois_entree", "t0", "fin_delai_6_semaines", "orientation_notifiee"],
        [[p.pseudonym, p.entry_month.strftime("%Y-%m"), p.t0, p.deadline, p.notified] for p in people],
    )


def deliveries_table(deliveries) -> Table:
    return Table(
        "livraisons",
        "Livraisons",
        ["numéro", "déposée le", "par", "fichier", "empreinte SHA-256", "premier mois", "dernier mois",
         "lignes par fichier", "état", "traitée le"],
        [[d.pk, _when(d.uploaded_at, "%d/%m/%Y %H:%M"), d.uploader_label, d.source_name, d.checksum,
          _when(d.first_month, "%m/%Y"), _when(d.last_month, "%m/%Y"),
          ", ".join(f"{name} : {n}" for name, n in d.row_counts.items()), d.get_status_display(),
          _when(d.finished_at, "%d/%m/%Y %H:%M")] for d in deliveries],
    )  # fmt: skip


def _when(value, pattern: str) -> str:
    return value.strftime(pattern) if value else ""


def cdpe_table(found) -> Table:
    """The synthesis for the comité pour l'emploi: one line per indicator, one column per month, then the
    period's figure and how it is made."""
    return Table(
        "synthese-cdpe",
        "Synthèse CDPE",
        ["rubrique", "indicateur", *(m.strftime("%Y-%m") for m in found.months), "periode", "calcul_periode"],
        [[line.section, line.label, *line.values, line.period, line.kind.value] for line in found.lines],
    )
