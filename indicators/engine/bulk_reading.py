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
from collections import Counter

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from indicators.engine.schema import ARROW_TYPES, FileSpec, arrow_schema

# Identifiers numbered like the reference of the lost-leading-zeros check (reading._check_lost_leading_zeros).
MIN_ROWS_FOR_ZEROS_CHECK = 20


class NotSure(Exception):
    """The fast path cannot vouch for the file: read it line by line."""


def csv_columns(data: bytes, encoding: str, delimiter: str, width: int) -> list[pa.ChunkedArray]:
    """The file's columns as text, the header line skipped (the caller has read it), every field kept as
    written (no trimming, no null detection)."""
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(
                encoding=encoding, skip_rows=1, column_names=[f"c{i}" for i in range(width)], block_size=1 << 24
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                newlines_in_values=True,
                ignore_empty_lines=True,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"c{i}": pa.large_string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError) as error:  # a line of another width, a bad quote…
        raise NotSure(str(error)) from None
    return [table.column(i) for i in range(width)]


def typed_table(columns, positions: dict[str, int], spec: FileSpec, parsers, to_text=str) -> pa.Table:
    """The file's table in the schema of `spec`, or NotSure. `columns`: the raw columns in the file's order;
    `parsers`: (Column, parser) of the columns present; `to_text`: a raw value as the line-by-line reader sees
    it (Parquet cells are not text)."""
    rows = len(columns[0]) if columns else 0
    kept = _not_blank(columns, to_text, rows)
    data = {}
    for column, parse in parsers:
        raw = columns[positions[column.name]]
        if kept is not None:
            raw = raw.filter(kept)
        data[column.target] = _typed(raw, column, parse, to_text)
    count = rows if kept is None else pc.sum(kept.cast(pa.int64())).as_py() or 0
    if count == 0 and spec.non_empty:
        raise NotSure("aucune ligne")
    schema = arrow_schema(spec)
    for field in schema:
        if field.name not in data:
            data[field.name] = pa.nulls(count, field.type)
    table = pa.table({field.name: data[field.name] for field in schema}, schema=schema)
    _check_keys(table, spec)
    if "id_rsa" in positions:
        raw_ids = columns[positions["id_rsa"]]
        _check_leading_zeros(raw_ids if kept is None else raw_ids.filter(kept), to_text, count)
    return table


def _not_blank(columns, to_text, rows) -> pa.ChunkedArray | None:
    """The rows with at least one non-blank cell (the line-by-line reader skips the others); None: all."""
    if not columns or rows == 0:
        return None
    blank = None
    for raw in columns:
        empty = _distinct_map(raw, lambda value: value is None or not to_text(value).strip(), pa.bool_())
        blank = empty if blank is None else pc.and_(blank, empty)
    if not pc.any(blank).as_py():
        return None
    return pc.invert(blank)


def _distinct_map(raw: pa.ChunkedArray, function, arrow_type) -> pa.ChunkedArray:
    """`function` applied to each distinct value of `raw` once, then spread to every row (nulls: Parquet's
    missing values, seen as the empty text)."""
    chunks = []
    for chunk in raw.chunks:
        encoded = chunk.dictionary_encode()
        mapped = pa.array([function(value) for value in encoded.dictionary.to_pylist()], type=arrow_type)
        indices = encoded.indices
        if indices.null_count:
            mapped = pa.concat_arrays([mapped, pa.array([function(None)], type=arrow_type)])
            indices = pc.fill_null(indices, len(mapped) - 1)
        chunks.append(mapped.take(indices))
    return pa.chunked_array(chunks, type=arrow_type)


def _typed(raw: pa.ChunkedArray, column, parse, to_text) -> pa.ChunkedArray:
    arrow_type = ARROW_TYPES[column.kind]

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

    return _distinct_map(raw, value_of, arrow_type)


def _check_keys(table: pa.Table, spec: FileSpec) -> None:
    """A key present twice (rows whose key has no missing part): the line-by-line reader names both lines."""
    if not spec.key:
        return
    targets = [spec.column(name).target for name in spec.key]
    keys = table.select(targets)
    for target in targets:
        keys = keys.filter(pc.is_valid(keys.column(target)))
    if keys.num_rows and keys.group_by(targets).aggregate([]).num_rows != keys.num_rows:
        raise NotSure("doublon de clé")


def _check_leading_zeros(raw_ids: pa.ChunkedArray, to_text, count: int) -> None:
    """The line-by-line reader's check: all identifiers numeric, 95 % of one length, some shorter."""
    if count < MIN_ROWS_FOR_ZEROS_CHECK:
        return
    lengths = _distinct_map(
        raw_ids,
        lambda value: len(text) if (text := to_text(value).strip() if value is not None else "").isdigit() else -1,
        pa.int32(),
    )
    found = pc.value_counts(lengths)
    counts = Counter(dict(zip(found.field(0).to_pylist(), found.field(1).to_pylist(), strict=True)))
    if -1 in counts:
        return
    length, frequency = counts.most_common(1)[0]
    if frequency >= 0.95 * count and any(n < length for n in counts):
        raise NotSure("zéros initiaux perdus")
