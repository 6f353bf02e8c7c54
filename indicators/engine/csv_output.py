"""CSV tables as the command line and the exports write them: `;`, CRLF line ends, empty cells
where a value is unavailable, decimals with a comma (French format)."""

import csv
from decimal import Decimal
from typing import TextIO


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal | float):
        return str(value).replace(".", ",")
    return str(value)


def write_table(handle: TextIO, columns: tuple[str, ...], rows: list[dict]) -> None:
    writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")  # RFC 4180, as the spec examples
    writer.writerow(columns)
    for row in rows:
        writer.writerow(cell(row.get(column)) for column in columns)
