"""The column mappings of a collectivité (indicators.engine.column_mapping): proposed from a sample of its
extract, saved by its agents, applied to every delivery it uploads afterwards."""

from dataclasses import dataclass

from django.db import transaction

from indicators.engine import column_mapping, file_text, reading
from indicators.engine.issues import IDENTIFIER_COLUMNS, MASKED, shown_value
from indicators.engine.schema import FILES
from indicators.models import ColumnMapping

PREVIEW_LINES = 5
# A cell of the first lines that may be an identifier is not shown (personal data): this stands in its place.
HIDDEN = "•••"


class MappingRefused(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Sample:
    """What the mapping page shows of a sample file: its header, its first lines (identifiers hidden) and the
    column each header is proposed for."""

    header: list[str]
    lines: list[list[str]]
    proposal: dict[str, str | None]


def rules_of(collectivity) -> list[column_mapping.ColumnMapping]:
    return [mapping.rule() for mapping in collectivity.column_mappings.all()]


def sample(name: str, data: bytes, file: str, collectivity) -> Sample:
    """The sample's header and first lines; the proposal is the saved mapping where the file has all its headers,
    else the synonyms' (column_mapping.propose). ValueError (French) when the file cannot be read."""
    header, lines = file_text.first_lines(name, data, PREVIEW_LINES, reading.MAX_FILE_BYTES)
    spec = FILES[file]
    proposal = column_mapping.propose(header, spec)
    saved = ColumnMapping.objects.filter(collectivity=collectivity, file=file).first()
    if saved and not column_mapping.refusals(saved.columns, header, spec):
        present = {column_mapping.normalised(cell): cell for cell in header}
        proposal = {
            column.name: present.get(column_mapping.normalised(saved.columns.get(column.name) or ""))
            for column in spec.columns
        }
    identifier_headers = {proposal.get(name) for name in IDENTIFIER_COLUMNS} - {None}
    shown = [
        [
            HIDDEN
            if cell.strip() and (header_cell in identifier_headers or shown_value(None, cell) == MASKED)
            else cell
            for header_cell, cell in zip(header, line, strict=False)
        ]
        for line in lines
    ]
    return Sample(header, shown, proposal)


@transaction.atomic
def save(*, collectivity, user, file: str, columns: dict[str, str], header: list[str] | None) -> ColumnMapping:
    """Save the collectivité's mapping of `file` (replacing the one it had); MappingRefused lists what is wrong."""
    spec = FILES[file]
    columns = {column.name: (columns.get(column.name) or "").strip() for column in spec.columns}
    problems = column_mapping.refusals(columns, header, spec)
    if problems:
        raise MappingRefused(problems)
    mapping, _ = ColumnMapping.objects.update_or_create(
        collectivity=collectivity,
        file=file,
        defaults={"columns": {k: v for k, v in columns.items() if v}, "updated_by": user},
    )
    return mapping


def delete(*, collectivity, file: str) -> None:
    ColumnMapping.objects.filter(collectivity=collectivity, file=file).delete()
