"""CSV exports in the French format: `;`, UTF-8 with BOM (Excel opens it right), comma decimals,
dates dd/mm/yyyy, cells protected against formula injection."""

import csv
import io

from django.http import HttpResponse

from config.formats import format_date
from indicators.engine.values import FORMULA_PREFIXES
from indicators.engine.volet2 import COLUMNS as VOLET2_COLUMNS


def safe(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return format_date(value)
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text.replace(".", ",") if _decimal(text) else text


def _decimal(text: str) -> bool:
    head, dot, tail = text.partition(".")
    return bool(dot) and head.lstrip("-").isdigit() and tail.isdigit()


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe(value) for value in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def volet2_csv(collectivity, rows) -> HttpResponse:
    columns = [*VOLET2_COLUMNS, "part_orientes_15_jours_pct", "part_orientes_1_mois_pct", "version"]
    keys = [*VOLET2_COLUMNS[1:], "part_orientes_15_jours", "part_orientes_1_mois", "version"]
    return csv_response(
        f"indicateurs-volet2-{collectivity.code}.csv",
        columns,
        ([row["mois"].strftime("%Y-%m"), *(row.get(k) for k in keys)] for row in rows),
    )


def worklist_csv(collectivity, month, people) -> HttpResponse:
    return csv_response(
        f"a-orienter-{collectivity.code}-{month:%Y-%m}.csv" if month else f"a-orienter-{collectivity.code}.csv",
        ["pseudonyme", "date_ouverture_droit", "t0", "echeance_15_jours", "jours_restants"],
        ([p.pseudonym, p.opening, p.t0, p.deadline, p.days_left] for p in people),
    )
