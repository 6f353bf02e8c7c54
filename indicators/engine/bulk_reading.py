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

import duckdb
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
    if not any(column.required for column, _ in parsers):
        raise NotSure("sans colonne obligatoire, une ligne vide se lit ligne à ligne")
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
    if count == 0 and spec.non_empty:
        raise NotSure("aucune ligne")
    schema = arrow_schema(spec)
    for field in schema:
        if field.name not in data:
            data[field.name] = pa.nulls(count, field.type)
    table = pa.table({field.name: data[field.name] for field in schema}, schema=schema)
    _check_keys(table, spec)
    if ids is not None:
        _check_leading_zeros(ids, to_text, count)
    return table


def _distinct(raw: pa.ChunkedArray) -> tuple[list, pa.ChunkedArray]:
    """The distinct values of `raw` and, for each row, the index of its value among them (nulls: Parquet's
    missing values, one more distinct value)."""
    distinct = pc.unique(raw)
    return distinct.to_pylist(), pc.index_in(raw, value_set=distinct, skip_nulls=False)


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
    return _spread([value_of(value) for value in values], indices, ARROW_TYPES[column.kind])


def _check_keys(table: pa.Table, spec: FileSpec) -> None:
    """A key present twice (rows whose key has no missing part): the line-by-line reader names both lines."""
    if not spec.key:
        return
    targets = ", ".join(f'"{spec.column(name).target}"' for name in spec.key)
    complete = " AND ".join(f'"{spec.column(name).target}" IS NOT NULL' for name in spec.key)
    connection = duckdb.connect()
    connection.register("keys", table.select([spec.column(name).target for name in spec.key]))
    twice = connection.execute(
        f"SELECT count(*) FROM (SELECT {targets} FROM keys WHERE {complete} GROUP BY ALL HAVING count(*) > 1)"
    ).fetchone()[0]
    connection.close()
    if twice:
        raise NotSure("doublon de clé")


def _check_leading_zeros(ids: tuple[list, pa.ChunkedArray], to_text, count: int) -> None:
    """The line-by-line reader's check: all identifiers numeric, 95 % of one length, some shorter."""
    if count < MIN_ROWS_FOR_ZEROS_CHECK:
        return
    values, indices = ids
    texts = [to_text(value).strip() if value is not None else "" for value in values]
    lengths = _spread([len(text) if text.isdigit() else -1 for text in texts], indices, pa.int32())
    found = pc.value_counts(lengths)
    counts = Counter(dict(zip(found.field(0).to_pylist(), found.field(1).to_pylist(), strict=True)))
    if -1 in counts:
        return
    length, frequency = counts.most_common(1)[0]
    if frequency >= 0.95 * count and any(n < length for n in counts):
        raise NotSure("zéros initiaux perdus")
