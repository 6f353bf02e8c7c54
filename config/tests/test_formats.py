from datetime import date
from decimal import Decimal

import pytest

from config.formats import format_date, format_euros, format_integer

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("1234567.89"), "1 234 567,89 €"),
        (Decimal("0"), "0,00 €"),
        (Decimal("999.5"), "999,50 €"),
        (Decimal("1000"), "1 000,00 €"),
        (Decimal("-1250000.005"), "-1 250 000,01 €"),
        (170_000_000, "170 000 000,00 €"),
    ],
)
def test_amounts_are_written_the_french_way(amount, expected):
    assert format_euros(amount) == expected.replace(" ", NBSP)


def test_floats_are_refused_for_amounts():
    with pytest.raises(TypeError):
        format_euros(0.1)


def test_dates_and_integers():
    assert format_date(date(2024, 3, 1)) == "01/03/2024"
    assert format_integer(47585) == f"47{NBSP}585"
    assert format_euros(None) == format_date(None) == ""
