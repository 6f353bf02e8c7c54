"""Ceilings per collectivité (R-FIN-02, R-FIN-04, R-FIN-12), as plain functions.

Volet 1 is a forfait modulated by the number of RSA households: base + amount per started tranche
of households. Rounding rule: every ceiling is rounded down to the cent; when the formula's total
exceeds the envelope, every ceiling is multiplied by the same factor (envelope / total) and rounded
down to the cent, so that the sum of the ceilings never exceeds the envelope.
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from config.formats import CENT, ZERO


@dataclass(frozen=True)
class Volet1Formula:
    base: Decimal
    per_tranche: Decimal
    tranche_size: int


def volet1_amount(households: int | None, formula: Volet1Formula) -> Decimal:
    """A collectivité whose household count is unknown gets the base amount only."""
    tranches = 0 if not households else -(-households // formula.tranche_size)
    return (formula.base + formula.per_tranche * tranches).quantize(CENT, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class Allocation:
    amounts: dict[str, Decimal]
    formula_total: Decimal
    total: Decimal
    envelope: Decimal
    scaled: bool


def allocate_volet1(households: dict[str, int | None], formula: Volet1Formula, envelope: Decimal) -> Allocation:
    raw = {code: volet1_amount(n, formula) for code, n in households.items()}
    formula_total = sum(raw.values(), ZERO)
    if formula_total <= envelope:
        amounts = raw
    else:
        factor = envelope / formula_total
        amounts = {code: (amount * factor).quantize(CENT, rounding=ROUND_DOWN) for code, amount in raw.items()}
    total = sum(amounts.values(), ZERO)
    return Allocation(amounts, formula_total, total, envelope, formula_total > envelope)
