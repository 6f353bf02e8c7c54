"""Read and validate a delivery (folder or zip of CSV / Parquet files) into pseudonymised Arrow tables.

All-or-nothing: every file is read and every problem collected (up to MAX_ISSUES), each naming the
file, the line, the column and the value; if there is any, DeliveryError is raised and nothing is
returned. Identifier values are never repeated in messages: they are personal data.

Limits (stated to the user in the upload page and docs/indicators.md):
- a file: MAX_FILE_BYTES once uncompressed;
- a zip: MAX_ZIP_MEMBERS members, MAX_TOTAL_BYTES uncompressed in all, each member compressed at most
  MAX_ZIP_RATIO times (beyond, it is treated as a zip bomb and refused without being inflated).
"""

import io
import tempfile
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

import pyarrow as pa
import pyarrow.parquet as pq

from indicators.engine import bulk_reading, column_mapping, file_text, spreadsheets, values
from indicators.engine.column_mapping import ColumnMapping
from indicators.engine.file_text import csv_rows, decode, parquet_rows, parquet_text
from indicators.engine.follow_ups import MAX_MONTHS
from indicators.engine.issues import MASKED, MAX_ISSUES, DeliveryError, Issue, IssueLog, shown_value
from indicators.engine.schema import FILES, Column, Delivery, FileSpec, arrow_schema

__all__ = ["MASKED", "MAX_ISSUES", "DeliveryError", "Issue", "IssueLog", "read_delivery", "shown_value"]

# A national delivery: about 2.1 GB of situations_mensuelles in CSV for 2 million persons over 24 months.
MAX_FILE_BYTES = 6 * 1024 * 1024 * 1024
MAX_TOTAL_BYTES = 8 * 1024 * 1024 * 1024
# A file larger than this is read from disk in blocks (a zip member is first inflated to a scratch folder):
# memory does not grow with the file, beyond the typed columns kept.
IN_MEMORY_BYTES = 64 * 1024 * 1024
MAX_ZIP_MEMBERS = 32
MAX_ZIP_RATIO = 100
# A Parquet file declares its rows and its uncompressed size in its footer: both are checked before reading
# (a few KB of repeated values can hold millions of rows). About 2.5 million persons × 60 months.
MAX_FILE_ROWS = 150_000_000


def read_delivery(
    source: str | Path, *, key: bytes, keep_identifiers: bool = False, mappings: Sequence[ColumnMapping] = ()
) -> Delivery:
    """Validate and pseudonymise a delivery; raise DeliveryError listing every problem. With
    `keep_identifiers`, the delivery's `pseudonymiser` can give back the raw identifiers of chosen
    pseudonyms until it is told to forget them (the work list's, indicators.identifiers). `mappings`: the
    collectivité's column mappings (column_mapping), applied to the files they recognise."""
    log = IssueLog()
    pseudonymiser = values.Pseudonymiser(key, keep=keep_identifiers)
    warnings: list[str] = []
    with tempfile.TemporaryDirectory(prefix="livraison-") as scratch:
        return _read_delivery(Path(source), pseudonymiser, log, warnings, mappings, Path(scratch))


def _read_delivery(source, pseudonymiser, log, warnings, mappings, scratch) -> Delivery:
    files = _collect_files(source, log, warnings, scratch)
    if files is None:  # the archive itself is refused: nothing more to say about its content
        raise DeliveryError(log.issues, log.truncated)
    offsets = spreadsheets.replace_by_csv(files, bool(mappings), MAX_FILE_BYTES, log, warnings)
    assignment = column_mapping.assigned(files, mappings, log, warnings)
    mapping_of = {mapping.file: mapping for mapping in mappings}
    tables = {}
    for spec in FILES.values():
        candidates = [name for name, assigned in assignment.items() if assigned == spec.name]
        if not candidates:
            refused = any(PurePosixPath(issue.file).stem == spec.name for issue in log.issues)  # e.g. too large
            if spec.required and not refused:
                log.add(f"{spec.name}.csv", None, None, None, "fichier obligatoire absent de la livraison")
            continue
        if len(candidates) > 1:
            same_name = all(PurePosixPath(name).stem == spec.name for name in candidates)
            message = "fichier présent en plusieurs formats : " if same_name else "plusieurs fichiers lus comme lui : "
            log.add(spec.name, None, None, None, message + ", ".join(candidates))
            continue
        filename = candidates[0]
        mapping, offset = mapping_of.get(spec.name), offsets.get(filename, 0)
        table = _read_file(filename, files[filename], spec, pseudonymiser, log, warnings, mapping, offset)
        if table is not None:
            tables[spec.name] = table
    delivery = Delivery(tables=tables, warnings=warnings, pseudonymiser=pseudonymiser if pseudonymiser.keep else None)
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


def _collect_files(source: Path, log: IssueLog, warnings: list[str], scratch: Path) -> dict[str, bytes | Path] | None:
    """The delivery's files by name: their bytes, or their path on disk when larger than IN_MEMORY_BYTES."""
    if source.is_dir():
        files = {}
        for path in sorted(source.iterdir()):
            if path.is_file() and path.suffix.lower() in (".csv", ".parquet", *spreadsheets.SUFFIXES):
                if path.stat().st_size > MAX_FILE_BYTES:
                    log.add(path.name, None, None, None, f"fichier trop volumineux (limite {_mib(MAX_FILE_BYTES)})")
                    continue
                files[path.name] = path if path.stat().st_size > IN_MEMORY_BYTES else path.read_bytes()
            elif path.is_file():
                warnings.append(f"{path.name} : fichier inconnu, ignoré.")
        return files
    if zipfile.is_zipfile(source):
        return _unzip(source, log, scratch)
    log.add(source.name, None, None, None, "la livraison doit être un dossier ou une archive zip")
    return None


def _unzip(source: Path, log: IssueLog, scratch: Path) -> dict[str, bytes | Path] | None:
    files = {}
    total = 0
    with zipfile.ZipFile(source) as archive:
        members = [i for i in archive.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
        if len(members) > MAX_ZIP_MEMBERS:
            log.add(source.name, None, None, None, f"archive de plus de {MAX_ZIP_MEMBERS} fichiers refusée")
            return None
        for index, info in enumerate(members):
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
                data = _inflated(handle, scratch / f"membre-{index}")  # not the member's name: it could be « .. »
            size = data.stat().st_size if isinstance(data, Path) else len(data)
            total += size
            if size > MAX_FILE_BYTES or total > MAX_TOTAL_BYTES:
                log.add(name, None, None, None, "contenu décompressé au-delà des limites : archive refusée")
                return None
            files[name] = data
    return files


def _inflated(handle, target: Path) -> bytes | Path:
    """A zip member's content: in memory up to IN_MEMORY_BYTES, else written to `target` (MAX_FILE_BYTES + 1 at
    most, so that a member larger than the limit is seen as such without being inflated further)."""
    data = handle.read(IN_MEMORY_BYTES + 1)
    if len(data) <= IN_MEMORY_BYTES:
        return data
    with open(target, "wb") as output:
        written = 0
        while data and written <= MAX_FILE_BYTES:
            output.write(data)
            written += len(data)
            data = handle.read(min(file_text.BLOCK, MAX_FILE_BYTES + 1 - written))
    return target


def _mib(size: int) -> str:
    return f"{size // (1024 * 1024)} Mio"


def _read_file(filename, data, spec, pseudonymiser, log, warnings, mapping=None, offset=0) -> pa.Table | None:
    """One file (its bytes, or its path when too large to be held in memory) read into the table of `spec`;
    `mapping` renames its headers, `offset`: empty rows skipped above its header (a spreadsheet's), added to the
    line numbers."""
    if isinstance(data, bytes) and not data.strip():
        log.add(filename, None, None, None, "fichier vide")
        return None
    if filename.lower().endswith(".parquet"):
        return _read_parquet(filename, data, spec, pseudonymiser, log, warnings, mapping)
    if isinstance(data, Path):
        return _read_csv_on_disk(filename, data, spec, pseudonymiser, log, warnings, mapping)
    return _read_csv(filename, data, spec, pseudonymiser, log, warnings, mapping, offset)


def _renamed(mapping: ColumnMapping | None, header: list[str]) -> list[str]:
    return mapping.renamed(header) if mapping else header


def _read_parquet(filename, data, spec, pseudonymiser, log, warnings, mapping) -> pa.Table | None:
    refusal = parquet_bomb(data)
    if refusal:
        log.add(filename, None, None, None, refusal)
        return None
    try:
        parquet = pq.read_table(data if isinstance(data, Path) else io.BytesIO(data))
    except Exception as error:
        log.add(filename, None, None, None, f"fichier Parquet illisible ({error.__class__.__name__})")
        return None
    header = _renamed(mapping, parquet.column_names)
    positions, fast = _positions(filename, header, spec, log, warnings)
    if positions is None:
        return None
    if fast:
        table = _bulk(lambda: parquet.columns, positions, spec, pseudonymiser, parquet_text, mapping=mapping)
        if table is not None:
            return table
    return _validate(filename, header, parquet_rows(parquet), spec, pseudonymiser, log, warnings, positions, mapping)


def _read_csv(filename, data: bytes, spec, pseudonymiser, log, warnings, mapping, offset) -> pa.Table | None:
    """A CSV file held in memory: read whole by Arrow (the fast path), else line by line."""
    decoded = decode(filename, data, log)
    if decoded is None:
        return None
    text, encoding = decoded
    header, rows, delimiter = csv_rows(text)
    if header is None:
        log.add(filename, offset + 1, None, None, "ligne d'en-tête absente")
        return None
    header = _renamed(mapping, header)
    if offset:
        rows = ((line + offset, record) for line, record in rows)
    positions, fast = _positions(filename, header, spec, log, warnings, offset + 1)
    if positions is None:
        return None
    # quotes are read line by line: Arrow and Python's csv module differ on a quote inside a field
    if fast and b'"' not in data:
        # UTF-8 as Arrow reads it in parallel (a Windows-1252 file transcoded once, by Python's codec)
        body = text.encode("utf-8") if encoding != "utf-8" else data.removeprefix(b"\xef\xbb\xbf")
        columns = lambda: bulk_reading.csv_columns(body, "utf-8", delimiter, len(header))  # noqa: E731
        table = _bulk(columns, positions, spec, pseudonymiser, str, mapping=mapping)
        if table is not None:
            return table
    return _validate(filename, header, rows, spec, pseudonymiser, log, warnings, positions, mapping)


def _read_csv_on_disk(filename, path: Path, spec, pseudonymiser, log, warnings, mapping) -> pa.Table | None:
    """A CSV file too large to be held in memory: scanned once (encoding, quotes), then read by Arrow in blocks
    and typed block by block; on any doubt, read line by line from disk, with the same issues as in memory."""
    scan = file_text.scan(path)
    if scan.problem:
        log.add(filename, scan.line, None, None, scan.problem)
        return None
    if scan.blank:
        log.add(filename, None, None, None, "fichier vide")
        return None
    header, delimiter = file_text.file_header(path, scan.encoding)
    if header is None:
        log.add(filename, 1, None, None, "ligne d'en-tête absente")
        return None
    positions, fast = _positions(filename, _renamed(mapping, header), spec, log, warnings)
    if positions is None:
        return None
    if fast and not scan.quoted:
        encoding = "utf-8" if scan.encoding == "utf-8-sig" else scan.encoding  # the BOM is in the skipped header
        batches = bulk_reading.csv_batches(path, encoding, delimiter, len(header))
        table = _bulk(lambda: batches, positions, spec, pseudonymiser, str, parts=True, mapping=mapping)
        pa.default_memory_pool().release_unused()  # the blocks read, given back before the next file
        if table is not None:
            return table
    rows = file_text.file_rows(path, scan.encoding, delimiter)
    return _validate(filename, header, rows, spec, pseudonymiser, log, warnings, positions, mapping)


def _positions(filename, header, spec, log, warnings, header_line=1):
    """The known columns' positions (None when a required one is missing) and whether the fast path may read
    the file: not when the header itself had a problem (its issues come with those of every line)."""
    before = len(log.issues) + log.truncated
    positions = _column_positions(filename, header, spec, log, warnings, header_line)
    return positions, len(log.issues) + log.truncated == before


def _bulk(columns, positions, spec, pseudonymiser, to_text, parts=False, mapping=None) -> pa.Table | None:
    """The file read by the fast path (`bulk_reading`), or None when it cannot vouch for it. `columns()`: the
    file's raw columns, or with `parts` its batches of raw columns."""
    present = [c for c in spec.columns if c.name in positions]
    parsers = [(c, _parser(c, pseudonymiser, mapping)) for c in present]
    typed = bulk_reading.typed_parts if parts else bulk_reading.typed_table
    try:
        return typed(columns(), positions, spec, parsers, to_text)
    except bulk_reading.NotSure:
        return None


def parquet_bomb(data: bytes | Path, max_rows: int = MAX_FILE_ROWS, max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """Why a Parquet file is refused before it is read, from its footer alone; None when it may be read."""
    try:
        metadata = pq.ParquetFile(data if isinstance(data, Path) else io.BytesIO(data)).metadata
    except Exception as error:
        return f"fichier Parquet illisible ({error.__class__.__name__})"
    if metadata.num_rows > max_rows:
        return f"{metadata.num_rows:,} lignes : {max_rows:,} au plus par fichier".replace(",", "\u00a0")
    inflated = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if inflated > max_bytes:
        return f"contenu décompressé au-delà de {_mib(max_bytes)} : fichier refusé"
    return None


def _column_positions(filename, header, spec: FileSpec, log, warnings, header_line=1) -> dict[str, int] | None:
    """Where each known column is; None when a required one is missing (each reported)."""
    positions = {}
    for index, name in enumerate(cell.strip().lower() for cell in header):
        if name in spec.column_names:
            if name in positions:
                log.add(filename, header_line, name, None, "colonne présente deux fois")
            positions[name] = index
        elif name:
            warnings.append(f"{filename} : colonne inconnue « {header[index].strip()} », ignorée.")
    missing = [c.name for c in spec.columns if c.required and c.name not in positions]
    for name in missing:
        log.add(filename, header_line, name, None, "colonne obligatoire absente")
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


def _validate(
    filename, header, rows, spec: FileSpec, pseudonymiser, log, warnings, positions, mapping=None
) -> pa.Table | None:
    present = [c for c in spec.columns if c.name in positions]
    parsers = [(c, positions[c.name], _parser(c, pseudonymiser, mapping)) for c in present]
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
        if log:  # the file is refused: its values are no longer kept (a national file would fill the memory)
            for values_read in data.values():
                values_read.clear()
    for target in absent:
        data[target] = [None] * count
    if count == 0 and spec.non_empty:
        log.add(filename, None, None, None, "aucune ligne de données")
    _check_lost_leading_zeros(filename, id_lengths, count, log)
    if log:
        return None
    return pa.table(data, schema=arrow_schema(spec))


def _parser(column: Column, pseudonymiser: values.Pseudonymiser, mapping: ColumnMapping | None = None):
    """The parser of a cell of `column`; a mapping's value translation (column_mapping) comes first."""
    parse = values.parser_for(column, pseudonymiser)
    translate = mapping.translator(column.name) if mapping else None
    return parse if translate is None else lambda text: parse(translate(text))


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
