"""New intensive accompaniment pathways against the convention's target (campaigns from 2025): per month, the
pathways started, their total since January of the year, and the share of the annual target that date calls
for (the target spread evenly over the twelve months). Plain functions over the stored monthly rows."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class PathwayMonth:
    month: date
    in_pathway: int | None
    started: int | None  # None: the delivery's first month (the month before unknown)
    started_this_year: int
    target: int | None  # the convention's annual target, None without one
    target_to_date: int | None

    @property
    def gap(self) -> int | None:
        """Pathways started this year minus what the target calls for at this date (negative: behind)."""
        return None if self.target_to_date is None else self.started_this_year - self.target_to_date


def target_to_date(target: int, month: date) -> int:
    """The annual target spread evenly: by the end of month M, target × M / 12, rounded half up."""
    return int((Decimal(target) * month.month / 12).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def against_target(rows: list[dict], targets: list[tuple[date, date, int | None]]) -> list[PathwayMonth]:
    """rows: the stored monthly rows (`mois`, `personnes_en_parcours_intensif`, `nouveaux_parcours_intensifs`), in
    order; targets: (start, end, annual target) of each convention of the collectivité."""
    result, year, total = [], None, 0
    for row in rows:
        month = row["mois"]
        if month.year != year:
            year, total = month.year, 0
        started = row.get("nouveaux_parcours_intensifs")
        total += started or 0
        target = next((t for start, end, t in targets if start <= month <= end), None)
        result.append(
            PathwayMonth(
                month=month,
                in_pathway=row.get("personnes_en_parcours_intensif"),
                started=started,
                started_this_year=total,
                target=target,
                target_to_date=target_to_date(target, month) if target else None,
            )
        )
    return result
