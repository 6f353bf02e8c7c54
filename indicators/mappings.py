"""The column mappings of a collectivité (indicators.engine.column_mapping): proposed from a sample of its
extract, saved by its agents, applied to every delivery it uploads afterwards."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from indicators.engine import column_mapping, file_text, reading
from indicators.engine.issues import IDENTIFIER_COLUMNS, MASKED, shown_value
from indicators.engine.schema import FILES
from indicators.models import ColumnMapping

PREVIEW_LINES = 5
# The lines of a sample read for the values of its enumerated columns.
VALUE_LINES = 2000
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
    # an enumerated or yes/no column → its value mapping as the page edits it (column_mapping.value_lines)
    values: dict[str, str]


def rules_of(collectivity) -> list[column_mapping.ColumnMapping]:
    return [mapping.rule() for mapping in collectivity.column_mappings.all()]


def sample(name: str, data: bytes, file: str, collectivity) -> Sample:
    """The sample's header and first lines; the proposal is the saved mapping where the file has all its headers,
    else the synonyms' (column_mapping.propose); for each enumerated or yes/no column, the values the format
    refuses among the first VALUE_LINES lines, with their saved translation. ValueError (French) when the file
    cannot be read."""
    header, lines = file_text.first_lines(name, data, VALUE_LINES, reading.MAX_FILE_BYTES)
    spec = FILES[file]
    proposal = column_mapping.propose(header, spec)
    saved = saved_mapping(collectivity, file)
    if saved and not column_mapping.refusals(saved.columns, header, spec):
        present = {column_mapping.normalised(cell): cell for cell in header}
        proposal = {
            column.name: present.get(column_mapping.normalised(saved.columns.get(column.name) or ""))
            for column in spec.columns
        }
    identifier_headers = {proposal.get(name) for name in IDENTIFIER_COLUMNS} - {None}

    def hidden(header_cell: str, cell: str) -> bool:
        return bool(cell.strip()) and (header_cell in identifier_headers or shown_value(None, cell) == MASKED)

    shown = [
        [HIDDEN if hidden(header_cell, cell) else cell for header_cell, cell in zip(header, line, strict=False)]
        for line in lines[:PREVIEW_LINES]
    ]
    values = {}
    for column in column_mapping.mappable(spec):
        found = []
        if proposal.get(column.name) in header:
            index = header.index(proposal[column.name])
            cells = (line[index] for line in lines if index < len(line))
            found = [v for v in column_mapping.unknown_values(column, cells) if shown_value(None, v) != MASKED]
        values[column.name] = column_mapping.value_lines(found, saved.values.get(column.name, {}) if saved else {})
    return Sample(header, shown, proposal, values)


def version(mapping: ColumnMapping | None) -> str:
    """What a page opened on `mapping` says it edits: its last change (ISO), empty when there is none yet."""
    return mapping.updated_at.isoformat() if mapping else ""


def saved_mapping(collectivity, file: str) -> ColumnMapping | None:
    return _mapping_of(collectivity, file).first()


def _mapping_of(collectivity, file: str):
    return ColumnMapping.objects.filter(collectivity=collectivity, file=file)


def editing(mapping: ColumnMapping) -> Sample:
    """A saved mapping to edit without a sample file: the headers it names are the choices, its choices and
    value translations the proposal (no lines are shown)."""
    spec = FILES[mapping.file]
    return Sample(
        header=[mapping.columns[column.name] for column in spec.columns if mapping.columns.get(column.name)],
        lines=[],
        proposal={column.name: mapping.columns.get(column.name) for column in spec.columns},
        values={
            column.name: column_mapping.value_lines([], mapping.values.get(column.name, {}))
            for column in column_mapping.mappable(spec)
        },
    )


@transaction.atomic
def save(
    *,
    collectivity,
    user,
    file: str,
    columns: dict[str, str],
    header: list[str] | None,
    values: dict | None = None,
    based_on: str | None = None,
) -> ColumnMapping:
    """Save the collectivité's mapping of `file` (replacing the one it had); MappingRefused lists what is wrong.
    based_on: the `version` the page was opened on; refused when the mapping has changed since (None: not
    checked)."""
    spec = FILES[file]
    current = _locked(collectivity, file)
    if based_on is not None and based_on != version(current):
        raise MappingRefused([_changed_since(current, file)])
    columns = {column.name: (columns.get(column.name) or "").strip() for column in spec.columns}
    problems = column_mapping.refusals(columns, header, spec)
    if problems:
        raise MappingRefused(problems)
    fields = {
        "columns": {k: v for k, v in columns.items() if v},
        "values": {column: table for column, table in (values or {}).items() if table and columns.get(column)},
        "updated_by": user,
    }
    if current is None:
        try:
            with transaction.atomic():  # a savepoint: the one-mapping-per-file constraint is the lock of a new one
                return ColumnMapping.objects.create(collectivity=collectivity, file=file, **fields)
        except IntegrityError:
            # created by someone else between the check above and this insert: it exists now
            current = _mapping_of(collectivity, file).select_for_update().get()
            if based_on is not None:
                raise MappingRefused([_changed_since(current, file)]) from None
    for name, value in fields.items():
        setattr(current, name, value)
    current.save()
    return current


def _locked(collectivity, file: str) -> ColumnMapping | None:
    """The saved mapping, locked until the end of the transaction (none yet: None)."""
    return _mapping_of(collectivity, file).select_for_update().first()


def _changed_since(current: ColumnMapping | None, file: str) -> str:
    """Why a save is refused when the mapping is no longer the one the page was opened on (French)."""
    again = "depuis l'ouverture de cette page : rechargez-la et recommencez"
    if current is None:
        return f"la correspondance de {file} a été supprimée {again}"
    user = current.updated_by
    who = user.display_name if user else "quelqu'un"
    when = timezone.localtime(current.updated_at).strftime("%d/%m/%Y à %H:%M")
    return f"la correspondance de {file} a été modifiée par {who} le {when} {again}"


def delete(*, collectivity, file: str) -> None:
    ColumnMapping.objects.filter(collectivity=collectivity, file=file).delete()
