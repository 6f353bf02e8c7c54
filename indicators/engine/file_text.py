"""A delivery file's text: its encoding, its CSV lines, a Parquet cell as the text a CSV would hold, its header
and first lines (the column mapping page)."""

import csv
import io
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from indicators.engine import spreadsheets

csv.field_size_limit(1024 * 1024)


def decode(filename: str, data: bytes, log) -> tuple[str, str] | None:
    """The text and its encoding (UTF-8, else Windows-1252), or None (the issue logged)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # UTF-16 (a spreadsheet's « texte Unicode ») decodes as Windows-1252 into garbage: say so, once.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        log.add(filename, None, None, None, "encodage UTF-16 non accepté : enregistrez le fichier en CSV UTF-8")
        return None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        log.add(filename, line, None, None, "encodage non reconnu (attendu UTF-8 ou Windows-1252)")
        return None


def csv_rows(text: str) -> tuple[list[str] | None, Iterator[tuple[int, list[str]]], str]:
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","

    def reader():
        return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')

    # the header from its line alone, unless a quote could carry it over several lines
    header = next(reader() if '"' in first_line else csv.reader([first_line.rstrip("\r")], delimiter=delimiter), None)
    if header is None or not any(cell.strip() for cell in header):
        return None, iter(()), delimiter

    def rows():
        records = reader()
        next(records, None)
        for record in records:
            if record and any(cell.strip() for cell in record):
                yield records.line_num, record

    return header, rows(), delimiter


def parquet_text(value) -> str:
    """A Parquet cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parquet_rows(table: pa.Table) -> Iterator[tuple[int, list[str]]]:
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    for index in range(table.num_rows):
        yield index + 2, [parquet_text(column[index]) for column in columns]


def header_of(name: str, data: bytes) -> list[str] | None:
    """A CSV, Parquet or (converted) spreadsheet file's header, None when it has none that can be read."""
    if name.lower().endswith(".parquet"):
        try:
            return pq.read_schema(io.BytesIO(data)).names
        except Exception:
            return None
    if not name.lower().endswith((".csv", *spreadsheets.SUFFIXES)):
        return None
    first_line = data[: data.find(b"\n") if b"\n" in data else len(data)].removeprefix(b"\xef\xbb\xbf")
    text = first_line.decode("utf-8", errors="replace")
    header, _, _ = csv_rows(text)
    return header
