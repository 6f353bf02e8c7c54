"""The persons of a stored delivery are numbered 0, 1, 2… in the order they first appear (the monthly situations
first, then the other files in their order): the stored files hold these numbers in `personne` (32-bit integers,
half the size of the pseudonyms) and `personnes.parquet` holds the pseudonyms, row n being person n's.

Why: DuckDB folds the monthly rows of each person into its masks (follow_ups.people_cte) with a plain array
indexed by the person's number instead of a hash table when the numbers span few enough values
(`PERFECT_HASH_BITS`): about a fifth faster for that stage nationally (benchmarks/README.md). The numbers mean
nothing outside their delivery; the pages and lists show the pseudonyms (`PersonNumbers.pseudonyms`).
"""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from indicators.engine.schema import FILES

PERSONNE = "personne"
PSEUDONYME = "pseudonyme"
PERSONS_FILE = "personnes.parquet"

# The group keys DuckDB may fold with an array rather than a hash table: person numbers below 2^22 (4 million
# persons, the array of the monthly fold about 120 MB at most); beyond, the hash table, which can spill.
PERFECT_HASH_BITS = 22


def numbering(tables: dict[str, pa.Table]) -> tuple[dict[str, pa.ChunkedArray], pa.Array]:
    """Each table's person numbers (an empty person, as a professional's answer to the satisfaction survey, stays
    empty) and the pseudonyms by number, in one hashing pass over every table's persons."""
    named = [name for name in FILES if name in tables and PERSONNE in tables[name].column_names]
    every = [chunk for name in named for chunk in tables[name].column(PERSONNE).chunks]
    encoded = pc.dictionary_encode(pa.chunked_array(every, type=pa.int64()))
    # one dictionary for every chunk: the distinct pseudonyms in the order of first appearance
    pseudonyms = encoded.chunk(0).dictionary if encoded.num_chunks else pa.array([], pa.int64())
    indices = pa.chunked_array([chunk.indices for chunk in encoded.chunks], type=pa.int32())
    numbers, start = {}, 0
    for name in named:
        numbers[name] = indices.slice(start, tables[name].num_rows)  # the chunks need not match the tables'
        start += tables[name].num_rows
    return numbers, pseudonyms


def with_numbers(table: pa.Table, numbers: pa.ChunkedArray | None) -> pa.Table:
    """The table with its persons' numbers (from `numbering`, 32-bit) in place of their pseudonyms."""
    if numbers is None:
        return table
    return table.set_column(table.schema.get_field_index(PERSONNE), PERSONNE, numbers)


def numbered(tables: dict[str, pa.Table]) -> tuple[dict[str, pa.Table], pa.Array]:
    """The tables with their persons numbered, and the pseudonyms by number."""
    numbers, pseudonyms = numbering(tables)
    return {name: with_numbers(table, numbers.get(name)) for name, table in tables.items()}, pseudonyms


def write_numbered(tables: dict[str, pa.Table], folder: Path) -> dict[str, Path]:
    """Each table as `<name>.parquet` in `folder`, its persons numbered, and their pseudonyms as PERSONS_FILE; the
    tables' paths by name. Two tables are written at a time, the largest first: the numbering (about 1.4 s
    nationally) then costs no more than writing the tables one by one as delivered (benchmarks/README.md,
    ingestion)."""
    numbers, pseudonyms = numbering(tables)
    paths = {name: folder / f"{name}.parquet" for name in tables}

    def write(name: str) -> None:
        pq.write_table(with_numbers(tables[name], numbers.get(name)), paths[name])

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(write, sorted(tables, key=lambda name: -tables[name].nbytes)))
    pq.write_table(pa.table({PSEUDONYME: pseudonyms}), folder / PERSONS_FILE)
    return paths


class PersonNumbers:
    """What a runner gives back for the persons its queries name: their pseudonyms when the tables it reads are
    numbered (`numbered`), the values themselves otherwise (tables read as delivered, or stored before the
    numbering)."""

    persons: Path | None = None
    _by_number: pa.ChunkedArray | None = None  # PERSONS_FILE, read at the first call (a page asks for two lists)

    def pseudonyms(self, numbers: list[int]) -> list[int]:
        if self.persons is None or not numbers:
            return list(numbers)
        if self._by_number is None:
            self._by_number = pq.read_table(self.persons, columns=[PSEUDONYME]).column(PSEUDONYME)
        return self._by_number.take(pa.array(numbers, pa.int64())).to_pylist()
