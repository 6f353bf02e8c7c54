"""Month arithmetic shared by the engine and its callers."""

from datetime import date


def index(month: date) -> int:
    return month.year * 12 + month.month - 1


def from_index(value: int) -> date:
    return date(value // 12, value % 12 + 1, 1)


def parse(text: str) -> date:
    """`AAAA-MM` → first day of the month."""
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def label(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def span(first: date, last: date) -> list[date]:
    return [from_index(i) for i in range(index(first), index(last) + 1)]


def shift(month: date, count: int) -> date:
    """The first day of the month `count` months after `month` (before when negative)."""
    return from_index(index(month) + count)


def last_day(month: date) -> date:
    """The last day of `month`."""
    return date.fromordinal(shift(month, 1).toordinal() - 1)
