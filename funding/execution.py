"""Payments and the final balance (R-FIN-01, R-FIN-07, R-FIN-08, R-FIN-10), as plain functions.

Rounding rule of the advance: 60 % of the planned amount of the volet, rounded to the nearest cent,
half up (what a payment order shows); the balance pays what remains due, to the cent, so that the
advance and the balance never exceed the amount due.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from config.formats import CENT, ZERO
from funding.structure import ineligibility

# The 2024 campaign's advance (a campaign passes its own: `campaigns.models.Campaign.advance_rate`).
ADVANCE_RATE = Decimal("0.60")


def advance_amount(planned: Decimal, rate: Decimal = ADVANCE_RATE) -> Decimal:
    """R-FIN-07: advance of 60 % (the campaign's rate) of the planned amount at signature."""
    return (Decimal(planned) * rate).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Expense:
    volet: int
    nature: str
    amount: Decimal
    units: Decimal | None = None
    unit_cost: Decimal | None = None


def amount_mismatch(expense: Expense) -> Decimal | None:
    """R-FIN-10: when units and unit cost are given, amount = units × unit cost (to the cent)."""
    if expense.units is None or expense.unit_cost is None:
        return None
    expected = (expense.units * expense.unit_cost).quantize(CENT, rounding=ROUND_HALF_UP)
    return expected if expected != expense.amount else None


def eligible(expense: Expense, ineligible=None) -> bool:
    """R-FIN-05, R-FIN-06: whether the State may finance the expense (`ineligible`: the campaign's list)."""
    return ineligibility(expense.nature, expense.volet, ineligible) is None


@dataclass(frozen=True)
class Balance:
    volet: int
    allocated: Decimal
    realised_cost: Decimal
    eligible_cost: Decimal
    due: Decimal
    paid: Decimal

    @property
    def balance(self) -> Decimal:
        return self.due - self.paid

    @property
    def to_pay(self) -> Decimal:
        return max(self.balance, ZERO)

    @property
    def to_recover(self) -> Decimal:
        """R-FIN-08: overpayment recovered at the final report (titre de perception)."""
        return max(-self.balance, ZERO)


def volet_balance(
    *,
    volet: int,
    allocated: Decimal,
    expenses: list[Expense],
    paid: Decimal,
    volet2_share: Decimal = Decimal("0.50"),
    ineligible=None,
) -> Balance:
    """R-FIN-01, R-FIN-08: per volet, never compensated across volets. The State contribution due is
    the smaller of the amount allocated and the eligible cost realised; for volet 2, the State's share
    is at most what the département's minimum share leaves (half in 2024) of the realised cost of the volet 2
    actions (R-FIN-03). `volet2_share` and `ineligible`: the campaign's."""
    own = [e for e in expenses if e.volet == volet]
    realised = sum((e.amount for e in own), ZERO)
    eligible_cost = sum((e.amount for e in own if eligible(e, ineligible)), ZERO)
    state_part = eligible_cost * (1 - volet2_share)
    ceiling = state_part.quantize(CENT, rounding=ROUND_HALF_UP) if volet == 2 else eligible_cost
    due = min(allocated, ceiling)
    return Balance(volet, allocated, realised, eligible_cost, due, paid)
