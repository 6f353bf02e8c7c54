"""Deadlines of a convention (R-CONV-03, R-SUIVI-02), as plain functions. The dates are the campaign's
(`campaigns.rules.Schedule`: 2024 — finalised by 31 January, signed by 31 March, final report three months after
the end)."""

import calendar
from dataclasses import dataclass
from datetime import date

from conventions.models import ConventionState


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


def reference_schedule(year: int):
    """The schedule of the reference campaign of `year` (campaigns/data), for a caller without a database."""
    from campaigns.loading import reference_campaigns
    from campaigns.rules import Schedule, applicable

    entry = applicable([ReferenceCampaign(e) for e in reference_campaigns()], year).entry
    return Schedule(tuple(entry["finalisation"]), tuple(entry["signature"]), entry["report_months"])


class ReferenceCampaign:
    def __init__(self, entry: dict):
        self.entry, self.name = entry, entry["name"]
        self.first_year, self.last_year = entry["first_year"], entry["last_year"]


def deadlines(*, start: date, end: date, reached: dict[str, date], today: date, schedule=None) -> list[Deadline]:
    """reached: the date each state was reached (from the convention's events); schedule: the campaign's
    (`campaigns.rules.Schedule`), the reference campaign's of the start year when not given."""
    due = (schedule or reference_schedule(start.year)).due_dates(start, end)
    steps = [
        ("Finalisation", due["finalisation"], ConventionState.FINALISED),
        ("Signature par les trois parties", due["signature"], ConventionState.SIGNED),
        ("Remise du bilan final", due["bilan"], ConventionState.REPORT_RECEIVED),
    ]
    result = []
    for label, due, state in steps:
        done_on = reached.get(state)
        late = (done_on or today) > due
        result.append(Deadline(label, due, done_on, late))
    return result


def overdue(
    *, start: date, end: date, reached: dict[str, date], today: date, state: str, schedule=None
) -> Deadline | None:
    """The first step past its deadline and not done, or None."""
    if state in (ConventionState.CLOSED, ConventionState.TERMINATED):
        return None
    found = deadlines(start=start, end=end, reached=reached, today=today, schedule=schedule)
    return next((d for d in found if d.late and d.done_on is None), None)
