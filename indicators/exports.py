"""The exports of the indicator pages."""

from django.http import HttpResponse

from config.downloads import csv_response
from indicators.engine.volet2 import COLUMNS as VOLET2_COLUMNS
from indicators.engine.volet3 import COLUMNS as VOLET3_COLUMNS


def volet2_csv(collectivity, rows) -> HttpResponse:
    columns = [*VOLET2_COLUMNS, "part_orientes_15_jours_pct", "part_orientes_1_mois_pct", "version"]
    keys = [*VOLET2_COLUMNS[1:], "part_orientes_15_jours", "part_orientes_1_mois", "version"]
    return csv_response(
        f"indicateurs-volet2-{collectivity.code}.csv",
        columns,
        ([row["mois"].strftime("%Y-%m"), *(row.get(k) for k in keys)] for row in rows),
    )


def volet3_csv(collectivity, rows) -> HttpResponse:
    """The volet 3 table, one month per line, with the column names of docs/indicators.md."""
    return csv_response(
        f"indicateurs-volet3-{collectivity.code}.csv",
        [*VOLET3_COLUMNS, "version"],
        ([row["mois"].strftime("%Y-%m"), *(row.get(k) for k in VOLET3_COLUMNS[1:]), row["version"]] for row in rows),
    )


def worklist_csv(collectivity, month, people) -> HttpResponse:
    return csv_response(
        f"a-orienter-{collectivity.code}-{month:%Y-%m}.csv" if month else f"a-orienter-{collectivity.code}.csv",
        ["pseudonyme", "date_ouverture_droit", "t0", "echeance_15_jours", "jours_restants"],
        ([p.pseudonym, p.opening, p.t0, p.deadline, p.days_left] for p in people),
    )
