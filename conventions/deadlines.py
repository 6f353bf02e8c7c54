"""Deadlines of a convention (R-CONV-03, R-SUIVI-02), as plain functions."""

import calendar
from dataclasses import dataclass
from datetime import date

from conventions.models import ConventionState

FINALISATION = (1, 31)  # by the end of January
SIGNATURE = (3, 31)  # approved and signed by the end of the first quarter
REPORT_MONTHS = 3  # final report within three months after the end


def add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Deadline:
    label: str
    due: date
    done_on: date | None
    late: bool


def deadlines(*, start: date, end: date, reached: dict[str, date], today: date) -> list[Deadline]:
    """reached: the date each state was reached (from the convention's events)."""
    steps = [
        ("Finalisation", date(start.year, *FINALISATION), ConventionState.FINALISED),
        ("Signature par les trois parties", date(start.year, *SIGNATURE), ConventionState.SIGNED),
        ("Remise du bilan final", add_months(end, REPORT_MONTHS), ConventionState.REPORT_RECEIVED),
    ]
    result = []
    for label, due, state in steps:
        done_on = reached.get(state)
        late = (done_on or today) > due
        result.append(Deadline(label, due, done_on, late))
    return result


def overdue(*, start: date, end: date, reached: dict[str, date], today: date, state: str) -> Deadline | None:
    """The first step past its deadline and not done, or None."""
    if state in (ConventionState.CLOSED, ConventionState.TERMINATED):
        return None
    return next(
        (d for d in deadlines(start=start, end=end, reached=reached, today=today) if d.late and d.done_on is None),
        None,
    )
