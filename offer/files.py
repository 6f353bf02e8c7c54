"""Offer files: data·inclusion open-data exports (JSON, CSV, Parquet, XLSX with sheets "Structures"
and "Services") in, and the same formats out."""

import csv
import io
import json
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook, load_workbook

from config.downloads import formula_safe, text_cells
from indicators.engine.reading import parquet_bomb
from offer import dora

KINDS = ("structures", "services")
SHEETS = {"structures": "Structures", "services": "Services"}


class OfferFileError(Exception):
    pass


def read_offer(filename: str, data: bytes) -> dict[str, list[tuple[int, dict]]]:
    """Rows of each kind with their line number (2 = first data line of a CSV or sheet; the position
    + 1 in a JSON list)."""
    extension = filename.lower().rsplit(".", 1)[-1]
    reader = READERS.get(extension)
    if reader is None:
        raise OfferFileError(f"{filename} : format non pris en charge (json, csv, parquet, xlsx ou zip)")
    rows = reader(filename, data)
    for kind, records in rows.items():
        if len(records) > MAX_ROWS:
            raise OfferFileError(f"{filename} : {len(records)} {kind} ; {MAX_ROWS} au plus par import")
        seen: dict[str, int] = {}
        for line, record in records:
            key = str(record.get("id") or "")
            if key and key in seen:
                raise OfferFileError(
                    f"{filename} : {kind}, ligne {line} : identifiant « {key} » déjà présent ligne {seen[key]}"
                )
            seen[key] = line
    return rows


def _kind(filename: str, extension: str) -> str:
    """structures or services, from the file's name."""
    kind = next((k for k in KINDS if k in filename.lower()), None)
    if kind is None:
        raise OfferFileError(f"{filename} : nommez le fichier structures.{extension} ou services.{extension}")
    return kind


def _read_json(filename: str, data: bytes) -> dict[str, list[tuple[int, dict]]]:
    try:
        content = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise OfferFileError(f"{filename} : JSON illisible ({error})") from None
    if isinstance(content, dict):
        return {k: [(i + 1, row) for i, row in enumerate(content.get(k, []))] for k in KINDS}
    return {_kind(filename, "json"): [(i + 1, row) for i, row in enumerate(content)]}


def _read_csv(filename: str, data: bytes) -> dict[str, list[tuple[int, dict]]]:
    """A data·inclusion CSV, or DORA's (recognised by its columns, rewritten into v1)."""
    kind = _kind(filename, "csv")
    text = _decode(filename, data)
    first_line = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if first_line.count(";") > first_line.count(",") else ",")
    rows = [(i + 2, row) for i, row in enumerate(reader)]
    if dora.is_dora(reader.fieldnames or []):
        rows = [(line, dora.CONVERT[kind](row)) for line, row in rows]
    return {kind: rows}


def _read_parquet(filename: str, data: bytes) -> dict[str, list[tuple[int, dict]]]:
    kind = _kind(filename, "parquet")
    refusal = parquet_bomb(data, max_rows=MAX_ROWS, max_bytes=MAX_UNZIPPED)
    if refusal:
        raise OfferFileError(f"{filename} : {refusal}")
    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception:
        raise OfferFileError(f"{filename} : fichier Parquet illisible") from None
    return {kind: [(i + 2, row) for i, row in enumerate(table.to_pylist())]}


def _read_xlsx(filename: str, data: bytes) -> dict[str, list[tuple[int, dict]]]:
    """The sheets « Structures » and « Services »; empty lines skipped."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise OfferFileError(f"{filename} : classeur illisible") from None
    result = {}
    for kind, sheet_name in SHEETS.items():
        if sheet_name not in workbook.sheetnames:
            raise OfferFileError(f"{filename} : feuille « {sheet_name} » absente")
        rows = workbook[sheet_name].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else None for h in next(rows, [])]
        result[kind] = [
            (i + 2, dict(zip(header, values, strict=False)))
            for i, values in enumerate(rows)
            if any(v not in (None, "") for v in values)
        ]
    return result


MAX_UNZIPPED = 500 * 1024 * 1024
# Rows of one kind in one file: the national offer is about 100 000 services.
MAX_ROWS = 300_000


def _read_zip(filename: str, data: bytes) -> dict[str, list[tuple[int, dict]]]:
    """A zip of the two files of an export (structures.* and services.*), as DORA's CSV come."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX")]
    except zipfile.BadZipFile:
        raise OfferFileError(f"{filename} : archive zip illisible") from None
    if sum(m.file_size for m in members) > MAX_UNZIPPED:
        raise OfferFileError(f"{filename} : archive trop volumineuse une fois décompressée (500 Mo au plus)")
    result = {}
    for member in members:
        inner = member.filename.rsplit("/", 1)[-1]
        if inner.lower().endswith(".zip"):
            raise OfferFileError(f"{filename} : {inner} : archive dans l'archive refusée")
        for kind, rows in read_offer(inner, archive.read(member)).items():
            if kind in result:
                raise OfferFileError(f"{filename} : deux fichiers de {kind} dans l'archive")
            result[kind] = rows
    if not result:
        raise OfferFileError(f"{filename} : archive vide")
    return result


def _decode(filename: str, data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise OfferFileError(f"{filename} : encodage non reconnu")


def _cell(value):
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _csv_cell(value):
    return formula_safe(_cell(value))


def columns_of(records: list[dict]) -> list[str]:
    seen = []
    for record in records:
        for key in record:
            if key not in seen and not key.startswith("_"):
                seen.append(key)
    return seen


def write_json(data: dict[str, list[dict]]) -> bytes:
    return json.dumps({k: data[k] for k in KINDS}, ensure_ascii=False, indent=1).encode("utf-8")


def write_csv(records: list[dict]) -> bytes:
    columns = columns_of(records)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=",", lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    for record in records:
        writer.writerow({k: _csv_cell(v) for k, v in record.items()})
    return buffer.getvalue().encode("utf-8")


def write_parquet(records: list[dict]) -> bytes:
    columns = columns_of(records)
    table = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in records])
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def write_xlsx(data: dict[str, list[dict]]) -> bytes:
    workbook = Workbook(write_only=True)
    for kind in KINDS:
        sheet = workbook.create_sheet(SHEETS[kind])
        columns = columns_of(data[kind])
        sheet.append(columns)
        for record in data[kind]:
            sheet.append(text_cells(sheet, [_cell(record.get(c)) for c in columns]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


READERS = {"json": _read_json, "csv": _read_csv, "parquet": _read_parquet, "xlsx": _read_xlsx, "zip": _read_zip}
