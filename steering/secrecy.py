"""Statistical secrecy of the shared pages: which cells of a table are masked, decided in one place.

Primary suppression masks every count below 11. Secondary (complementary) suppression then masks more cells
until no masked count can be recomputed from what stays visible: through a linear relation of the table (a
total and its parts: `Relation`), or through a value derived from masked counts (a share whose numerator or
denominator is masked is itself masked: `derived`). A masked count is recomputable when the visible cells
determine it, i.e. when its unit vector lies in the row space of the relations restricted to the masked cells;
`determined` says which, with exact rational arithmetic. Plain functions over plain values.
"""

from dataclasses import dataclass, field
from fractions import Fraction

SMALL = 11


@dataclass(frozen=True)
class Relation:
    """total = sum(parts), between cells of the table (by name)."""

    total: str
    parts: tuple[str, ...]

    @property
    def cells(self) -> tuple[str, ...]:
        return (self.total, *self.parts)

    def coefficients(self) -> dict[str, int]:
        return {self.total: 1, **{part: -1 for part in self.parts}}


@dataclass(frozen=True)
class Table:
    """The counts of a table (None: not known), its relations, and its derived cells with their inputs."""

    counts: dict[str, int | None]
    relations: tuple[Relation, ...] = ()
    derived: dict[str, tuple[str, ...]] = field(default_factory=dict)


def primary(counts: dict[str, int | None]) -> set[str]:
    return {name for name, value in counts.items() if value is not None and value < SMALL}


def determined(masked: set[str], relations: tuple[Relation, ...]) -> set[str]:
    """The masked cells the visible ones determine through the relations."""
    unknowns = sorted(masked)
    rows = []
    for relation in relations:
        row = [Fraction(relation.coefficients().get(name, 0)) for name in unknowns]
        if any(row):
            rows.append(row)
    basis = _reduced(rows)
    return {name for i, name in enumerate(unknowns) if _in_span(basis, i, len(unknowns))}


def suppress(table: Table) -> set[str]:
    """Every cell to mask: the small counts, then as few others as this greedy pass finds so that none of them
    can be recomputed, then the derived cells that depend on a masked one."""
    masked = primary(table.counts)
    while True:
        exposed = determined(masked, table.relations)
        if not exposed:
            break
        name = min(exposed)
        visible = sorted(
            {cell for r in table.relations for cell in r.cells if cell not in masked},
            key=lambda cell: (table.counts[cell] if table.counts.get(cell) is not None else 0, cell),
        )
        if not visible:  # every cell of the relations is masked already: nothing more to hide
            break
        # the smallest visible count whose masking hides `name`; else the smallest next to it; else any
        hiding = [cell for cell in visible if name not in determined(masked | {cell}, table.relations)]
        near = [cell for cell in visible if any(name in r.cells and cell in r.cells for r in table.relations)]
        masked.add((hiding or near or visible)[0])
    masked |= {name for name, inputs in table.derived.items() if masked & set(inputs)}
    return masked


def _reduced(rows: list[list[Fraction]]) -> list[list[Fraction]]:
    """Row echelon form (Gauss), exact."""
    rows = [row[:] for row in rows]
    basis, column = [], 0
    width = len(rows[0]) if rows else 0
    while rows and column < width:
        pivot = next((row for row in rows if row[column] != 0), None)
        if pivot is None:
            column += 1
            continue
        rows.remove(pivot)
        pivot = [value / pivot[column] for value in pivot]
        rows = [[a - row[column] * b for a, b in zip(row, pivot, strict=True)] for row in rows]
        basis.append(pivot)
        column += 1
    return basis


def _in_span(basis: list[list[Fraction]], index: int, width: int) -> bool:
    """Whether the unit vector e_index is a combination of the basis rows."""
    target = [Fraction(int(i == index)) for i in range(width)]
    for row in basis:
        pivot = next(i for i, value in enumerate(row) if value != 0)
        if target[pivot] != 0:
            factor = target[pivot]
            target = [a - factor * b for a, b in zip(target, row, strict=True)]
    return not any(target)
