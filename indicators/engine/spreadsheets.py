"""Spreadsheets (XLSX, ODS) read as the CSV text the rest of the reading knows.

The first sheet is read with calamine (formulas are not run: their saved values are read). Each cell becomes the
text a CSV would hold: a date cell its ISO date, a whole number without « .0 », a date saved as a plain number
stays that number (values.parse_date reads it as a spreadsheet serial). Leading empty rows are skipped and their
count returned, so that the issues name the sheet's own row numbers.
"""

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path, PurePosixPath

from python_calamine import CalamineError, CalamineWorkbook

from indicators.engine.schema import FILES

SUFFIXES = (".xlsx", ".ods")
# A spreadsheet is a zip of XML: refused when it would inflate beyond the limit given, or more than this ratio.
MAX_RATIO = 200


class SpreadsheetError(Exception):
    """A spreadsheet that cannot be read; the message is French."""


def is_spreadsheet(filename: str) -> bool:
    return PurePosixPath(filename).suffix.lower() in SUFFIXES


def as_csv(data: bytes, max_bytes: int) -> tuple[bytes, int, list[str]]:
    """The first sheet as UTF-8 CSV (« ; »), the number of empty rows above its header, and warnings."""
    _check_inflation(data, max_bytes)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError) as error:
        raise SpreadsheetError(f"classeur illisible ({error.__class__.__name__})") from None
    warnings = []
    if len(workbook.sheet_names) > 1:
        others = ", ".join(f"« {name} »" for name in workbook.sheet_names[1:])
        ignored = "ignorées" if len(workbook.sheet_names) > 2 else "ignorée"
        warnings.append(f"seule la première feuille « {workbook.sheet_names[0]} » est lue ({others} {ignored})")
    skipped = 0
    while skipped < len(rows) and not any(_text(cell).strip() for cell in rows[skipped]):
        skipped += 1
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\n")
    for row in rows[skipped:]:
        writer.writerow([_text(cell) for cell in row])
    return output.getvalue().encode("utf-8"), skipped, warnings


def _check_inflation(data: bytes, max_bytes: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise SpreadsheetError("classeur illisible (ce n'est pas un fichier XLSX ou ODS)") from None
    inflated = sum(member.file_size for member in members)
    if inflated > max_bytes or inflated > MAX_RATIO * max(len(data), 1):
        raise SpreadsheetError("classeur dont le contenu décompressé dépasse les limites : fichier refusé")


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, datetime | date):
        return cell.isoformat()[:10]
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    return str(cell)  # text, an integer, a time or a duration as written


def replace_by_csv(files: dict, mapped: bool, max_bytes: int, log, warnings: list[str]) -> dict[str, int]:
    """The spreadsheets of a delivery's `files` (name → bytes or path) replaced by their first sheet as CSV (those
    named after a file of the format, and all of them when the collectivité has mappings; `max_bytes`: the limit
    of a sheet once inflated); returns the empty rows skipped above each header, so that lines are the sheet's row
    numbers. A spreadsheet that cannot be read is reported in `log` and removed from `files`."""
    offsets = {}
    for name in list(files):
        if not is_spreadsheet(name) or not (mapped or PurePosixPath(name).stem in FILES):
            continue
        try:
            data = files[name].read_bytes() if isinstance(files[name], Path) else files[name]
            files[name], offsets[name], notes = as_csv(data, max_bytes)
        except SpreadsheetError as error:
            log.add(name, None, None, None, str(error))
            del files[name]
            continue
        warnings.extend(f"{name} : {note}." for note in notes)
    return offsets
