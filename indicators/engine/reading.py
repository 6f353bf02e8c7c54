"""Read and validate a delivery (folder or zip of CSV / Parquet files) into pseudonymised Arrow tables.

All-or-nothing: every file is read and every problem collected (up to MAX_ISSUES), each naming the
file, the line, the column and the value; if there is any, DeliveryError is raised and nothing is
returned. Identifier values are never repeated in messages: they are personal data.

Limits (stated to the user in the upload page and docs/indicators.md):
- a file: MAX_FILE_BYTES once uncompressed;
- a zip: MAX_ZIP_MEMBERS members, MAX_TOTAL_BYTES uncompressed in all, each member compressed at most
  MAX_ZIP_RATIO times (beyond, it is treated as a zip bomb and refused without being inflated).
"""

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pyarrow as pa
import pyarrow.parquet as pq

from indicators.engine import bulk_reading, values
from indicators.engine.follow_ups import MAX_MONTHS
from indicators.engine.schema import FILES, Column, Delivery, FileSpec, arrow_schema

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_ZIP_MEMBERS = 32
MAX_ZIP_RATIO = 100
MAX_ISSUES = 200
# A Parquet file declares its rows and its uncompressed size in its footer: both are checked before reading
# (a few KB of repeated values can hold millions of rows). About 200 000 persons × 60 months.
MAX_FILE_ROWS = 12_000_000
csv.field_size_limit(1024 * 1024)


@dataclass(frozen=True)
class Issue:
    file: str
    line: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"ligne {self.line}")
        if self.column:
            where.append(f"colonne « {self.column} »")
        text = ", ".join(where)
        if self.value == MASKED:
            text += f", valeur {MASKED}"
        elif self.value is not None:
            text += f", valeur « {self.value} »"
        return f"{text} : {self.message}"


class DeliveryError(Exception):
    def __init__(self, issues: list[Issue], truncated: int = 0):
        self.issues = issues
        self.truncated = truncated
        super().__init__(self.summary())

    def summary(self) -> str:
        lines = [str(issue) for issue in self.issues]
        if self.truncated:
            lines.append(f"… et {self.truncated} autres erreurs.")
        return "\n".join(lines)


# The columns that carry a person's identifier, and what an identifier looks like wherever it is (a shifted
# header puts an id_rsa under « mois »): five digits or more in a row, once spaces and dots are removed.
IDENTIFIER_COLUMNS = ("id_rsa", "id_france_travail")
IDENTIFIER_LIKE = re.compile(r"\d{5,}")
MASKED = "non reproduite (elle pourrait être un identifiant)"


def shown_value(column: str | None, value):
    """The value an issue may echo: never one that could identify a person (the issues are stored and shown)."""
    if value is None:
        return None
    if column in IDENTIFIER_COLUMNS or IDENTIFIER_LIKE.search(re.sub(r"[\s.]", "", str(value))):
        return MASKED
    return value


class IssueLog:
    def __init__(self):
        self.issues: list[Issue] = []
        self.truncated = 0

    def add(self, file, line, column, value, message):
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(Issue(file, line, column, shown_value(column, value), message))
        else:
            self.truncated += 1

    def __bool__(self):
        return bool(self.issues)


def read_delivery(source: str | Path, *, key: bytes, keep_identifiers: bool = False) -> Delivery:
    """Validate and pseudonymise a delivery; raise DeliveryError listing every problem. With
    `keep_identifiers`, the delivery's `pseudonymiser` can give back the raw identifiers of chosen
    pseudonyms until it is told to forget them (the work list's, indicators.identifiers)."""
    log = IssueLog()
    pseudonymiser = values.Pseudonymiser(key, keep=keep_identifiers)
    warnings: list[str] = []
    files = _collect_files(Path(source), log, warnings)
    if files is None:  # the archive itself is refused: nothing more to say about its content
        raise DeliveryError(log.issues, log.truncated)
    tables = {}
    for spec in FILES.values():
        candidates = [name for name in files if PurePosixPath(name).stem == spec.name]
        if not candidates:
            if spec.required:
                log.add(f"{spec.name}.csv", None, None, None, "fichier obligatoire absent de la livraison")
            continue
        if len(candidates) > 1:
            log.add(spec.name, None, None, None, "fichier présent en plusieurs formats : " + ", ".join(candidates))
            continue
        filename = candidates[0]
        table = _read_file(filename, files[filename], spec, pseudonymiser, log, warnings)
        if table is not None:
            tables[spec.name] = table
    for name in files:
        if PurePosixPath(name).stem not in FILES:
            warnings.append(f"{name} : fichier inconnu, ignoré.")
    delivery = Delivery(tables=tables, warnings=warnings, pseudonymiser=pseudonymiser if keep_identifiers else None)
    if "situations_mensuelles" in tables:
        first, last = delivery.months()
        if first and (last.year - first.year) * 12 + last.month - first.month + 1 > MAX_MONTHS:
            log.add(
                "situations_mensuelles",
                None,
                "mois",
                f"{first:%m/%Y} à {last:%m/%Y}",
                f"une livraison couvre {MAX_MONTHS} mois consécutifs au plus",
            )
    if log:
        raise DeliveryError(log.issues, log.truncated)
    return delivery


def _collect_files(source: Path, log: IssueLog, warnings: list[str]) -> dict[str, bytes] | None:
    if source.is_dir():
        files = {}
        for path in sorted(source.iterdir()):
            if path.is_file() and path.suffix.lower() in (".csv", ".parquet"):
                if path.stat().st_size > MAX_FILE_BYTES:
                    log.add(path.name, None, None, None, f"fichier trop volumineux (limite {_mib(MAX_FILE_BYTES)})")
                    continue
                files[path.name] = path.read_bytes()
            elif path.is_file():
                warnings.append(f"{path.name} : fichier inconnu, ignoré.")
        return files
    if zipfile.is_zipfile(source):
        return _unzip(source, log)
    log.add(source.name, None, None, None, "la livraison doit être un dossier ou une archive zip")
    return None


def _unzip(source: Path, log: IssueLog) -> dict[str, bytes] | None:
    files = {}
    total = 0
    with zipfile.ZipFile(source) as archive:
        members = [i for i in archive.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
        if len(members) > MAX_ZIP_MEMBERS:
            log.add(source.name, None, None, None, f"archive de plus de {MAX_ZIP_MEMBERS} fichiers refusée")
            return None
        for info in members:
            name = PurePosixPath(info.filename).name
            if name in files:
                log.add(
                    source.name, None, None, None, f"deux fichiers s'appellent {name} dans l'archive : archive refusée"
                )
                return None
            if info.file_size > MAX_FILE_BYTES:
                log.add(name, None, None, None, f"fichier trop volumineux (limite {_mib(MAX_FILE_BYTES)})")
                return None
            if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO:
                log.add(name, None, None, None, f"taux de compression supérieur à {MAX_ZIP_RATIO} : archive refusée")
                return None
            with archive.open(info) as handle:
                # The declared size can lie: never inflate more than the limit.
                data = handle.read(MAX_FILE_BYTES + 1)
            total += len(data)
            if len(data) > MAX_FILE_BYTES or total > MAX_TOTAL_BYTES:
                log.add(name, None, None, None, "contenu décompressé au-delà des limites : archive refusée")
                return None
            files[name] = data
    return files


def _mib(size: int) -> str:
    return f"{size // (1024 * 1024)} Mio"


def _read_file(filename, data, spec, pseudonymiser, log, warnings) -> pa.Table | None:
    if not data.strip():
        log.add(filename, None, None, None, "fichier vide")
        return None
    if filename.lower().endswith(".parquet"):
        refusal = parquet_bomb(data)
        if refusal:
            log.add(filename, None, None, None, refusal)
            return None
        try:
            parquet = pq.read_table(io.BytesIO(data))
        except Exception as error:
            log.add(filename, None, None, None, f"fichier Parquet illisible ({error.__class__.__name__})")
            return None
        header = parquet.column_names
        positions, fast = _positions(filename, header, spec, log, warnings)
        if positions is None:
            return None
        if fast:
            table = _bulk(lambda: parquet.columns, positions, spec, pseudonymiser, _parquet_text)
            if table is not None:
                return table
        rows = _parquet_rows(parquet)
    else:
        decoded = _decode(filename, data, log)
        if decoded is None:
            return None
        text, encoding = decoded
        header, rows, delimiter = _csv_rows(text)
        if header is None:
            log.add(filename, 1, None, None, "ligne d'en-tête absente")
            return None
        positions, fast = _positions(filename, header, spec, log, warnings)
        if positions is None:
            return None
        # quotes are read line by line: Arrow and Python's csv module differ on a quote inside a field
        if fast and b'"' not in data:
            # UTF-8 as Arrow reads it in parallel (a Windows-1252 file transcoded once, by Python's codec)
            body = (
                text.encode("utf-8")
                if encoding != "utf-8"
                else (data[3:] if data.startswith(b"\xef\xbb\xbf") else data)
            )
            columns = lambda: bulk_reading.csv_columns(body, "utf-8", delimiter, len(header))  # noqa: E731
            table = _bulk(columns, positions, spec, pseudonymiser, str)
            if table is not None:
                return table
    return _validate(filename, header, rows, spec, pseudonymiser, log, warnings, positions)


def _positions(filename, header, spec, log, warnings):
    """The known columns' positions (None when a required one is missing) and whether the fast path may read
    the file: not when the header itself had a problem (its issues come with those of every line)."""
    before = len(log.issues) + log.truncated
    positions = _column_positions(filename, header, spec, log, warnings)
    return positions, len(log.issues) + log.truncated == before


def _bulk(columns, positions, spec, pseudonymiser, to_text) -> pa.Table | None:
    """The file read by the fast path (`bulk_reading`), or None when it cannot vouch for it."""
    present = [c for c in spec.columns if c.name in positions]
    parsers = [(c, _parser(c, pseudonymiser)) for c in present]
    try:
        return bulk_reading.typed_table(columns(), positions, spec, parsers, to_text)
    except bulk_reading.NotSure:
        return None


def parquet_bomb(data: bytes, max_rows: int = MAX_FILE_ROWS, max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """Why a Parquet file is refused before it is read, from its footer alone; None when it may be read."""
    try:
        metadata = pq.ParquetFile(io.BytesIO(data)).metadata
    except Exception as error:
        return f"fichier Parquet illisible ({error.__class__.__name__})"
    if metadata.num_rows > max_rows:
        return f"{metadata.num_rows:,} lignes : {max_rows:,} au plus par fichier".replace(",", "\u00a0")
    inflated = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if inflated > max_bytes:
        return f"contenu décompressé au-delà de {_mib(max_bytes)} : fichier refusé"
    return None


def _decode(filename: str, data: bytes, log: IssueLog) -> tuple[str, str] | None:
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


def _csv_rows(text: str) -> tuple[list[str] | None, Iterator[tuple[int, list[str]]], str]:
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


def _parquet_text(value) -> str:
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


def _parquet_rows(table: pa.Table) -> Iterator[tuple[int, list[str]]]:
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    for index in range(table.num_rows):
        yield index + 2, [_parquet_text(column[index]) for column in columns]


def _column_positions(filename, header, spec: FileSpec, log, warnings) -> dict[str, int] | None:
    """Where each known column is; None when a required one is missing (each reported)."""
    positions = {}
    for index, name in enumerate(cell.strip().lower() for cell in header):
        if name in spec.column_names:
            if name in positions:
                log.add(filename, 1, name, None, "colonne présente deux fois")
            positions[name] = index
        elif name:
            warnings.append(f"{filename} : colonne inconnue « {header[index].strip()} », ignorée.")
    missing = [c.name for c in spec.columns if c.required and c.name not in positions]
    for name in missing:
        log.add(filename, 1, name, None, "colonne obligatoire absente")
    return None if missing else positions


def _read_cells(filename, line: int, record: list[str], parsers, data: dict[str, list], log) -> None:
    """Each column's value of one line appended to `data` (None where missing or invalid, with its error)."""
    for column, index, parse in parsers:
        cell = record[index].strip()
        if not cell:
            if column.required:
                log.add(filename, line, column.name, None, "valeur obligatoire manquante")
            data[column.target].append(None if column.kind != "id_presence" else False)
            continue
        try:
            data[column.target].append(parse(cell))
        except ValueError as error:
            shown = None if column.kind in ("id", "id_presence") else cell[:80]
            log.add(filename, line, column.name, shown, str(error))
            data[column.target].append(None)


def _validate(filename, header, rows, spec: FileSpec, pseudonymiser, log, warnings, positions) -> pa.Table | None:
    present = [c for c in spec.columns if c.name in positions]
    parsers = [(c, positions[c.name], _parser(c, pseudonymiser)) for c in present]
    data = {c.target: [] for c in spec.columns}
    absent = [c.target for c in spec.columns if c.name not in positions]
    key_fields = [spec.column(name).target for name in spec.key]
    seen_keys: dict[tuple, int] = {}
    id_lengths: list[tuple[int, int]] = []
    id_index = positions.get("id_rsa")
    width = len(header)
    count = 0

    for line, record in rows:
        count += 1
        if len(record) != width:
            log.add(filename, line, None, None, f"{len(record)} champs au lieu de {width} (séparateur ou guillemets ?)")
            continue
        _read_cells(filename, line, record, parsers, data, log)
        if id_index is not None and record[id_index].strip().isdigit():
            id_lengths.append((line, len(record[id_index].strip())))
        if key_fields:
            row_key = tuple(data[target][-1] for target in key_fields)
            if None not in row_key:
                if row_key in seen_keys:
                    message = f"doublon de clé : déjà présente ligne {seen_keys[row_key]}"
                    log.add(filename, line, ", ".join(spec.key), None, message)
                else:
                    seen_keys[row_key] = line
    for target in absent:
        data[target] = [None] * count
    if count == 0 and spec.non_empty:
        log.add(filename, None, None, None, "aucune ligne de données")
    _check_lost_leading_zeros(filename, id_lengths, count, log)
    if log:
        return None
    return pa.table(data, schema=arrow_schema(spec))


def _parser(column: Column, pseudonymiser: values.Pseudonymiser):
    if column.kind == "id":
        return pseudonymiser
    if column.kind == "id_presence":
        return lambda text: bool(values.parse_identifier(text))
    if column.kind == "text":
        return values.refuse_formula
    if column.kind == "month":
        return values.parse_month
    if column.kind == "date":
        return values.parse_date
    if column.kind == "bool":
        return values.parse_bool
    if column.kind == "enum":
        return lambda text: values.parse_enum(text, column.choices)
    if column.kind == "codes":
        return lambda text: values.parse_codes(text, column.choices)
    if column.kind == "number":
        return values.parse_number
    if column.kind == "integer":
        return values.parse_integer
    raise AssertionError(column.kind)


def _check_lost_leading_zeros(filename: str, id_lengths: list[tuple[int, int]], count: int, log: IssueLog):
    """Numeric identifiers opened in a spreadsheet lose their leading zeros: when all identifiers are
    numeric and at least 95 % share one length, the shorter ones are reported."""
    if count < 20 or len(id_lengths) != count:
        return
    length, frequency = Counter(n for _, n in id_lengths).most_common(1)[0]
    if frequency < 0.95 * count:
        return
    for line, n in id_lengths:
        if n < length:
            log.add(
                filename,
                line,
                "id_rsa",
                None,
                f"identifiant de {n} chiffres alors que les autres en ont {length} : "
                "zéros initiaux perdus (fichier ouvert dans un tableur ?)",
            )
