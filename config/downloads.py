"""File responses: one way to send a download, and the table exports in the French format: CSV with `;`,
UTF-8 with BOM (Excel opens it right), comma decimals, dates dd/mm/yyyy; xlsx; every cell protected
against formula injection."""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import BadRequest
from django.http import HttpResponse

from config.formats import format_date
from indicators.engine.values import FORMULA_PREFIXES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PARQUET = "application/vnd.apache.parquet"
PDF = "application/pdf"


def attachment(content: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def formula_safe(value):
    """A text cell of a CSV that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def text_cells(sheet, values) -> list:
    """A row for a write-only worksheet: every text is a text cell, never a formula (its value unchanged)."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells


def safe(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return format_date(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return formula_safe(value)
    text = str(value)
    return text.replace(".", ",") if _decimal(text) else text


def _decimal(text: str) -> bool:
    head, dot, tail = text.partition(".")
    return bool(dot) and head.lstrip("-").isdigit() and tail.isdigit()


@dataclass(frozen=True)
class Table:
    """A table of a page, as data: the page shows it, the exports write it."""

    key: str
    title: str
    header: list[str]
    rows: list[list]


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe(value) for value in row])
    return attachment("\ufeff" + buffer.getvalue(), filename, "text/csv; charset=utf-8")


def workbook_response(filename: str, tables: list[Table]) -> HttpResponse:
    """One sheet per table (Excel limits a sheet's name to 31 characters, without []:*?/\\)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", "-", table.title)[:31])
        sheet.append(table.header)
        for row in table.rows:
            sheet.append(text_cells(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return attachment(buffer.getvalue(), filename, XLSX)


EXPORT_FORMATS = ("csv", "xlsx")


def page_tables_response(request, stem: str, tables: Callable[[], list[Table]]) -> HttpResponse | None:
    """The page's tables as files when asked: `?format=xlsx` gives them all, one sheet each;
    `?format=csv&tableau=KEY` (or `xlsx`) gives one; a page of one table needs no key. None when no export
    is asked. `tables` is called only then (an export may read more rows than the page shows)."""
    export_format = request.GET.get("format")
    if export_format not in EXPORT_FORMATS:
        return None
    tables = tables()
    key = request.GET.get("tableau")
    if key is None and len(tables) == 1:
        key = tables[0].key
    if key is None and export_format == "xlsx":
        return workbook_response(f"{stem}.xlsx", tables)
    chosen = next((t for t in tables if t.key == key), None)
    if chosen is None:
        keys = ", ".join(t.key for t in tables)
        raise BadRequest(f"Paramètre « tableau » invalide : « {key or ''} ». Choisissez l'un de : {keys}.")
    filename = stem if len(tables) == 1 else f"{stem}-{chosen.key}"
    if export_format == "csv":
        return csv_response(f"{filename}.csv", chosen.header, chosen.rows)
    return workbook_response(f"{filename}.xlsx", [chosen])
