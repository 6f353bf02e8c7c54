"""A delivery file's text: its encoding, its CSV lines, a Parquet cell as the text a CSV would hold, its header
and first lines (the column mapping page)."""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from indicators.engine import spreadsheets
from indicators.engine.issues import IssueLog

csv.field_size_limit(1024 * 1024)
# A file on disk is scanned by blocks of this size.
BLOCK = 1 << 24
UTF16_MESSAGE = "encodage UTF-16 non accepté : enregistrez le fichier en CSV UTF-8"
ENCODING_MESSAGE = "encodage non reconnu (attendu UTF-8 ou Windows-1252)"
PREVIEW_BYTES = 1024 * 1024


def decode(filename: str, data: bytes, log) -> tuple[str, str] | None:
    """The text and its encoding (UTF-8, else Windows-1252), or None (the issue logged)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # UTF-16 (a spreadsheet's « texte Unicode ») decodes as Windows-1252 into garbage: say so, once.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        log.add(filename, None, None, None, UTF16_MESSAGE)
        return None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        log.add(filename, line, None, None, ENCODING_MESSAGE)
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


def header_of(name: str, data: bytes | Path) -> list[str] | None:
    """A CSV, Parquet or (converted) spreadsheet file's header, None when it has none that can be read."""
    if name.lower().endswith(".parquet"):
        try:
            return pq.read_schema(data if isinstance(data, Path) else io.BytesIO(data)).names
        except Exception:
            return None
    if not name.lower().endswith((".csv", *spreadsheets.SUFFIXES)):
        return None
    if isinstance(data, Path):
        return file_header(data, "utf-8-sig")[0]
    first_line = data[: data.find(b"\n") if b"\n" in data else len(data)].removeprefix(b"\xef\xbb\xbf")
    header, _, _ = csv_rows(first_line.decode("utf-8", errors="replace"))
    return header


def first_lines(name: str, data: bytes, count: int, max_bytes: int) -> tuple[list[str], list[list[str]]]:
    """The header and the first `count` lines of a CSV, Parquet or spreadsheet file (`max_bytes`: a spreadsheet's
    limit once inflated); ValueError with a French message when the file cannot be read."""
    lower = name.lower()
    if lower.endswith(".parquet"):
        try:
            parquet = pq.ParquetFile(io.BytesIO(data))
            batch = next(parquet.iter_batches(batch_size=count), None)
        except Exception as error:
            raise ValueError(f"fichier Parquet illisible ({error.__class__.__name__})") from None
        header = parquet.schema_arrow.names
        lines = [] if batch is None else [[parquet_text(v) for v in row.values()] for row in batch.to_pylist()]
        return header, lines
    if lower.endswith(spreadsheets.SUFFIXES):
        try:
            data, _, _ = spreadsheets.as_csv(data, max_bytes)
        except spreadsheets.SpreadsheetError as error:
            raise ValueError(str(error)) from None
    elif not lower.endswith(".csv"):
        raise ValueError("format non accepté (csv, xlsx, ods ou parquet)")
    head = data[:PREVIEW_BYTES]
    if len(data) > PREVIEW_BYTES:
        head = head[: head.rfind(b"\n") + 1]
    log = IssueLog()
    decoded = decode(name, head, log)
    if decoded is None:
        raise ValueError(log.issues[0].message)
    header, rows, _ = csv_rows(decoded[0])
    if header is None:
        raise ValueError("ligne d'en-tête absente")
    lines = []
    for _, record in rows:
        if len(lines) == count:
            break
        lines.append(record)
    return header, lines


@dataclass(frozen=True)
class Scan:
    """What one pass over a file on disk tells: its encoding (None with `problem` and its line when it has
    none accepted), whether it holds a quote, whether it is blank."""

    encoding: str | None
    quoted: bool = False
    blank: bool = False
    problem: str | None = None
    line: int | None = None


def scan(path: Path) -> Scan:
    """The checks `decode` makes on a text in memory, block by block on a file too large to be held there."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    bom = head.startswith(b"\xef\xbb\xbf")
    head = head[3:] if bom else head
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        return Scan(None, problem=UTF16_MESSAGE)
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, quoted, blank = True, False, True
    for block in _blocks(path):
        quoted = quoted or b'"' in block
        blank = blank and not block.strip()
        if utf8 and (not block.isascii() or decoder.getstate()[0]):
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if utf8:
        return Scan("utf-8-sig" if bom else "utf-8", quoted, blank)
    lines = 0
    for block in _blocks(path):  # Windows-1252 is one byte a character: each block decodes on its own
        try:
            block.decode("cp1252")
        except UnicodeDecodeError as error:
            return Scan(None, problem=ENCODING_MESSAGE, line=lines + block[: error.start].count(b"\n") + 1)
        lines += block.count(b"\n")
    return Scan("cp1252", quoted, blank)


def _blocks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK):
            yield block


def file_header(path: Path, encoding: str) -> tuple[list[str] | None, str]:
    """The header of a CSV file on disk and its delimiter."""
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        first_line = handle.readline(PREVIEW_BYTES)
    header, _, delimiter = csv_rows(first_line)
    return header, delimiter


def file_rows(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """The lines after the header of a CSV file on disk, as `csv_rows` gives those of a text."""
    with open(path, encoding=encoding, newline="") as handle:
        records = csv.reader(handle, delimiter=delimiter, quotechar='"')
        next(records, None)
        for record in records:
            if record and any(cell.strip() for cell in record):
                yield records.line_num, record
