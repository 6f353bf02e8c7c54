"""File responses: one way to send a download, and the table exports in the French format: CSV with `;`,
UTF-8 with BOM (Excel opens it right), comma decimals, dates dd/mm/yyyy; xlsx; every cell protected
against formula injection."""

import csv
import io

from django.http import HttpResponse

from config.formats import format_date
from indicators.engine.values import FORMULA_PREFIXES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PARQUET = "application/vnd.apache.parquet"


def attachment(content: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
    return attachment("\ufeff" + buffer.getvalue(), filename, "text/csv; charset=utf-8")


def xlsx_response(filename: str, sheet_title: str, header: list[str], rows) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append(header)
    for row in rows:
        sheet.append(["'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return attachment(buffer.getvalue(), filename, XLSX)


EXPORT_FORMATS = ("csv", "xlsx")


def table_response(export_format: str, stem: str, sheet_title: str, header: list[str], rows) -> HttpResponse:
    """A table of a page as a French CSV or an Excel workbook (the page's `?format=csv|xlsx`)."""
    if export_format == "csv":
        return csv_response(f"{stem}.csv", header, rows)
    return xlsx_response(f"{stem}.xlsx", sheet_title, header, rows)
