"""The fast path of reading: a whole file typed and checked column by column with Arrow, each distinct value
parsed once by the same parsers as the line-by-line reader (`values`), so that what it accepts and the values it
gives are the line-by-line reader's by construction.

It only says « valid » or « not sure »: on any problem (a value a parser refuses, a required value missing, a
line of the wrong width, a duplicate key, identifiers that lost their leading zeros, a quoting Arrow reads
differently…) it returns None and the caller reads the file line by line (`reading._validate`), which names the
file, line, column and value of every problem exactly as before. A valid delivery (the usual case) is thus read
at Arrow's speed, with the memory of its columns; an invalid one costs one more reading, to explain it.
"""

import io
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from indicators.engine.schema import ARROW_TYPES, FileSpec, arrow_schema

# What Python's str.strip() removes (the line-by-line reader strips each cell): the identifiers' order is
# compared on the text the pseudonymiser reads.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
# A file on disk is read by Arrow in blocks of this size, each a record batch.
BATCH_BYTES = 1 << 24
# Identifiers numbered like the reference of the lost-leading-zeros check (reading._check_lost_leading_zeros).
MIN_ROWS_FOR_ZEROS_CHECK = 20


class NotSure(Exception):
    """The fast path cannot vouch for the file: read it line by line."""


def _parse_options(delimiter: str) -> pacsv.ParseOptions:
    return pacsv.ParseOptions(
        delimiter=delimiter, quote_char='"', double_quote=True, newlines_in_values=True, ignore_empty_lines=True
    )


def _convert_options(width: int) -> pacsv.ConvertOptions:
    """Every field kept as written: text, no trimming, no null detection."""
    return pacsv.ConvertOptions(
        column_types={f"c{i}": pa.large_string() for i in range(width)},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )


def csv_columns(data: bytes, encoding: str, delimiter: str, width: int) -> list[pa.ChunkedArray]:
    """The file's columns as text, the header line skipped (the caller has read it), every field kept as
    written (no trimming, no null detection)."""
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(
                encoding=encoding, skip_rows=1, column_names=[f"c{i}" for i in range(width)], block_size=1 << 24
            ),
            parse_options=_parse_options(delimiter),
            convert_options=_convert_options(width),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError) as error:  # a line of another width, a bad quote…
        raise NotSure(str(error)) from None
    return [table.column(i) for i in range(width)]


def csv_batches(path: Path, encoding: str, delimiter: str, width: int) -> Iterator[list[pa.Array]]:
    """A CSV file on disk as its record batches of text columns, block by block (the memory of a few blocks
    whatever the file's size); Arrow transcodes a Windows-1252 file as it reads. NotSure where Arrow cannot read it
    (a line of another width…), possibly after some batches."""
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                encoding=encoding, skip_rows=1, column_names=[f"c{i}" for i in range(width)], block_size=BATCH_BYTES
            ),
            parse_options=_parse_options(delimiter),
            convert_options=_convert_options(width),
        )
        for batch in reader:
            yield batch.columns
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError) as error:
        raise NotSure(str(error)) from None


def typed_table(columns, positions: dict[str, int], spec: FileSpec, parsers, to_text=str) -> pa.Table:
    """The file's table in the schema of `spec`, or NotSure. `columns`: the raw columns in the file's order;
    `parsers`: (Column, parser) of the columns present; `to_text`: a raw value as the line-by-line reader sees
    it (Parquet cells are not text)."""
    return typed_parts([columns], positions, spec, parsers, to_text)


def typed_parts(parts: Iterable[list], positions: dict[str, int], spec: FileSpec, parsers, to_text=str) -> pa.Table:
    """`typed_table` of a file given part by part (the record batches of a file read in blocks): each part typed
    on its own, the checks that span the file (duplicate keys, lost leading zeros) made on the whole."""
    if not any(column.required for column, _ in parsers):
        raise NotSure("sans colonne obligatoire, une ligne vide se lit ligne à ligne")
    tables, lengths, order = [], Counter(), _KeyOrder(spec, positions)
    for columns in parts:
        table, part_lengths = _typed_part(columns, positions, spec, parsers, to_text)
        tables.append(table)
        lengths.update(part_lengths)
        order.add(columns, table)
    table = pa.concat_tables(tables) if tables else arrow_schema(spec).empty_table()
    if table.num_rows == 0 and spec.non_empty:
        raise NotSure("aucune ligne")
    if not order.increasing:
        _check_keys(table, spec)
    if "id_rsa" in positions:
        _check_leading_zeros(lengths, table.num_rows)
    return table


def _typed_part(columns, positions, spec, parsers, to_text) -> tuple[pa.Table, Counter]:
    """One part typed, and the lengths of its identifiers (-1: not all digits), counted."""
    # A line whose cells are all blank (the line-by-line reader skips it) has its required cells blank: the fast
    # path does not vouch for a required value missing, so such a file is read line by line.
    count = len(columns[0]) if columns else 0
    ids = _distinct(columns[positions["id_rsa"]]) if "id_rsa" in positions else None
    data = {
        column.target: _typed(
            columns[positions[column.name]], column, parse, to_text, ids if column.name == "id_rsa" else None
        )
        for column, parse in parsers
    }
    schema = arrow_schema(spec)
    for field in schema:
        if field.name not in data:
            data[field.name] = pa.nulls(count, field.type)
    table = pa.table({field.name: data[field.name] for field in schema}, schema=schema)
    return table, (_id_lengths(ids, to_text) if ids is not None else Counter())


class _KeyOrder:
    """Whether a file's keys come in strictly increasing order, part after part (a delivery sorted by person and
    month, as extracts usually are): then no key is there twice and the duplicate check needs no grouping. The
    identifier is compared as the text the pseudonymiser reads (stripped); anything else (a Parquet identifier
    that is not text, a missing key value, an unsorted file) leaves the check to `_check_keys`."""

    def __init__(self, spec: FileSpec, positions: dict[str, int]):
        self.spec, self.positions = spec, positions
        self.increasing = bool(spec.key) and all(name in positions for name in spec.key)
        self.last: list | None = None

    def add(self, columns, table: pa.Table) -> None:
        if not self.increasing or table.num_rows == 0:
            return
        arrays = [self._comparable(name, columns, table) for name in self.spec.key]
        if any(array is None or array.null_count for array in arrays):
            self.increasing = False
            return
        if self.last is not None:
            arrays = [
                pa.concat_arrays([pa.array([last], a.type), a]) for last, a in zip(self.last, arrays, strict=True)
            ]
        size = len(arrays[0])
        if size > 1:
            later, earlier = [a.slice(1) for a in arrays], [a.slice(0, size - 1) for a in arrays]
            increasing = pc.greater(later[-1], earlier[-1])
            for after, before in reversed(list(zip(later[:-1], earlier[:-1], strict=True))):
                increasing = pc.or_(pc.greater(after, before), pc.and_(pc.equal(after, before), increasing))
            if not pc.all(increasing).as_py():
                self.increasing = False
                return
        self.last = [a[-1].as_py() for a in arrays]

    def _comparable(self, name: str, columns, table: pa.Table) -> pa.Array | None:
        column = self.spec.column(name)
        if column.kind == "id":
            raw = columns[self.positions[name]]
            if not (pa.types.is_string(raw.type) or pa.types.is_large_string(raw.type)):
                return None
            values = pc.utf8_trim(raw, characters=WHITESPACE)
        else:
            values = table.column(column.target)
        return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _distinct(raw: pa.Array | pa.ChunkedArray) -> tuple[list, pa.Array | pa.ChunkedArray]:
    """The distinct values of `raw` and, for each row, the index of its value among them (nulls: Parquet's
    missing values, one more distinct value): one hashing pass, Arrow's dictionary encoding."""
    encoded = pc.dictionary_encode(raw, null_encoding="encode")
    if isinstance(encoded, pa.Array):
        return encoded.dictionary.to_pylist(), encoded.indices
    encoded = encoded.unify_dictionaries()  # one dictionary for every chunk, their indices translated
    if encoded.num_chunks == 0:
        return [], pa.chunked_array([], pa.int32())
    indices = pa.chunked_array([chunk.indices for chunk in encoded.chunks], pa.int32())
    return encoded.chunk(0).dictionary.to_pylist(), indices


def _spread(values: list, indices: pa.ChunkedArray, arrow_type) -> pa.ChunkedArray:
    return pa.array(values, type=arrow_type).take(indices)


def _typed(raw: pa.ChunkedArray, column, parse, to_text, distinct=None) -> pa.ChunkedArray:
    """The column typed: each distinct value parsed once; NotSure on an empty required value or a refused one."""

    def value_of(value):
        text = to_text(value).strip() if value is not None else ""
        if not text:
            if column.required:
                raise NotSure("valeur obligatoire manquante")
            return False if column.kind == "id_presence" else None
        try:
            return parse(text)
        except ValueError:
            raise NotSure("valeur refusée") from None

    values, indices = distinct or _distinct(raw)
    if column.kind == "id":  # a national delivery has millions of them: one tight loop (Pseudonymiser.many)
        texts = [to_text(value).strip() if value is not None else "" for value in values]
        if column.required and not all(texts):
            raise NotSure("valeur obligatoire manquante")
        try:
            pseudonyms = iter(parse.many([text for text in texts if text]))
        except ValueError:
            raise NotSure("valeur refusée") from None
        return _spread([next(pseudonyms) if text else None for text in texts], indices, ARROW_TYPES[column.kind])
    return _spread([value_of(value) for value in values], indices, ARROW_TYPES[column.kind])


def _check_keys(table: pa.Table, spec: FileSpec) -> None:
    """A key present twice (rows whose key has no missing part): the line-by-line reader names both lines."""
    if not spec.key:
        return
    targets = ", ".join(f'"{spec.column(name).target}"' for name in spec.key)
    complete = " AND ".join(f'"{spec.column(name).target}" IS NOT NULL' for name in spec.key)
    connection = duckdb.connect()
    # a national file has tens of millions of keys: the grouping spills to disk beyond its memory limit
    connection.execute("SET memory_limit = '256MB'")
    connection.execute("SET temp_directory = ?", [str(Path(tempfile.gettempdir()) / "lecture-cles")])
    connection.register("keys", table.select([spec.column(name).target for name in spec.key]))
    twice = connection.execute(
        f"SELECT count(*) FROM (SELECT {targets} FROM keys WHERE {complete} GROUP BY ALL HAVING count(*) > 1)"
    ).fetchone()[0]
    connection.close()
    if twice:
        raise NotSure("doublon de clé")


def _id_lengths(ids: tuple[list, pa.ChunkedArray], to_text) -> Counter:
    """How many rows have an identifier of each length (-1: one that is not all digits)."""
    values, indices = ids
    texts = [to_text(value).strip() if value is not None else "" for value in values]
    lengths = _spread([len(text) if text.isdigit() else -1 for text in texts], indices, pa.int32())
    found = pc.value_counts(lengths)
    return Counter(dict(zip(found.field(0).to_pylist(), found.field(1).to_pylist(), strict=True)))


def _check_leading_zeros(counts: Counter, count: int) -> None:
    """The line-by-line reader's check: all identifiers numeric, 95 % of one length, some shorter."""
    if count < MIN_ROWS_FOR_ZEROS_CHECK or -1 in counts:
        return
    length, frequency = counts.most_common(1)[0]
    if frequency >= 0.95 * count and any(n < length for n in counts):
        raise NotSure("zéros initiaux perdus")
