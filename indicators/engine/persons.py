"""The persons of a stored delivery are numbered 0, 1, 2… in the order they first appear (the monthly situations
first, then the other files in their order): the stored files hold these numbers in `personne` and
`personnes.parquet` holds the pseudonyms, row n being person n's.

Why: DuckDB folds the monthly rows of each person into its masks (follow_ups.people_cte) with a plain array
indexed by the person's number instead of a hash table when the numbers span few enough values
(`PERFECT_HASH_BITS`): about a fifth faster for that stage nationally (benchmarks/README.md). The numbers mean
nothing outside their delivery; the pages and lists show the pseudonyms (`PersonNumbers.pseudonyms`).
"""

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from indicators.engine.schema import FILES

PERSONNE = "personne"
PSEUDONYME = "pseudonyme"

# The group keys DuckDB may fold with an array rather than a hash table: person numbers below 2^22 (4 million
# persons, the array of the monthly fold about 120 MB at most); beyond, the hash table, which can spill.
PERFECT_HASH_BITS = 22


def pseudonyms_of(tables: dict[str, pa.Table]) -> pa.Array:
    """Every person's pseudonym once, in the order of first appearance: row n is person n's."""
    named = [name for name in FILES if name in tables and PERSONNE in tables[name].column_names]
    columns = [chunk for name in named for chunk in tables[name].column(PERSONNE).chunks]
    return pc.unique(pc.drop_null(pa.chunked_array(columns, type=pa.int64())))


def with_numbers(table: pa.Table, pseudonyms: pa.Array) -> pa.Table:
    """The table with each pseudonym replaced by the person's number (an empty one, as a professional's answer to
    the satisfaction survey, stays empty)."""
    if PERSONNE not in table.column_names:
        return table
    numbers = pc.index_in(table.column(PERSONNE), value_set=pseudonyms).cast(pa.int64())
    return table.set_column(table.schema.get_field_index(PERSONNE), PERSONNE, numbers)


def numbered(tables: dict[str, pa.Table]) -> tuple[dict[str, pa.Table], pa.Array]:
    """The tables with their persons numbered, and the pseudonyms by number."""
    pseudonyms = pseudonyms_of(tables)
    return {name: with_numbers(table, pseudonyms) for name, table in tables.items()}, pseudonyms


def write_pseudonyms(pseudonyms: pa.Array, path: Path) -> None:
    pq.write_table(pa.table({PSEUDONYME: pseudonyms}), path)


class PersonNumbers:
    """What a runner gives back for the persons its queries name: their pseudonyms when the tables it reads are
    numbered (`numbered`), the values themselves otherwise (tables read as delivered, or stored before the
    numbering)."""

    persons: Path | None = None

    def pseudonyms(self, numbers: list[int]) -> list[int]:
        if self.persons is None or not numbers:
            return list(numbers)
        column = pq.read_table(self.persons, columns=[PSEUDONYME]).column(PSEUDONYME)
        return column.take(pa.array(numbers, pa.int64())).to_pylist()
