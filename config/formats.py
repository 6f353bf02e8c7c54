"""French display formats: amounts `1 234 567,89 €`, dates `dd/mm/yyyy`.

Plain functions, used by the template filters and by the exports.
A non-breaking space (U+00A0) separates thousands and the euro sign so that
an amount never wraps across two lines.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")  # zero euros, with its cents: the start of every sum of amounts


def group_thousands(digits: str) -> str:
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return NBSP.join(groups)


def format_decimal(value: Decimal | int, places: int = 2) -> str:
    """`Decimal("1234567.891")` → `1 234 567,89` (half-up rounding, as in accounting)."""
    quantum = Decimal(1).scaleb(-places)
    amount = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    integer, _, fraction = f"{abs(amount):f}".partition(".")
    text = sign + group_thousands(integer)
    return f"{text},{fraction}" if fraction else text


def format_euros(value: Decimal | int | None) -> str:
    """`Decimal("1234567.89")` → `1 234 567,89 €`; None → empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        raise TypeError("Les montants sont des Decimal, jamais des float.")
    return f"{format_decimal(value)}{NBSP}€"


def format_integer(value: int | None) -> str:
    return "" if value is None else format_decimal(value, places=0)


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def format_long_date(value: date | None) -> str:
    """`date(2024, 1, 1)` → `1er janvier 2024`, as a legal text writes it."""
    if value is None:
        return ""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def format_percent(share: Decimal) -> str:
    """A share as a percentage: `Decimal("0.5")` → `50 %`, `Decimal("0.475")` → `47,5 %`."""
    text = f"{(Decimal(share) * 100).normalize():f}".replace(".", ",")
    return f"{text} %"
