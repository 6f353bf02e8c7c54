"""What may be paid, per convention and volet: one pure function over plain values, checked by every write
that moves money or amounts (finalisation, signature, avenant, advance, approval, payment, balance,
recovery). Each invariant is named by its rule:

- R-FIN-03: the amount allocated to a volet stays within the collectivité's ceiling for that volet;
- R-CONV-04: volet 3 is 0 outside the territories the DGEFP selected;
- R-FIN-07: what is proposed, approved and paid on a volet never exceeds what may be paid on it: the
  amount allocated, or, once the balance is settled, the contribution due;
- R-FIN-08: what was paid beyond that (an avenant reducing the volet, a balance below the advance) is an
  amount to recover, by titre de perception.

Credits are not fungible (R-FIN-01): nothing here ever adds one volet's amounts to another's.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from config.formats import ZERO, format_euros
from conventions.volets import Volet


@dataclass(frozen=True)
class VoletMoney:
    """A volet's money: allocated by the convention (or its latest avenant), its ceiling, its payments by
    status and the contribution due once the balance is settled."""

    volet: Volet
    allocated: Decimal
    ceiling: Decimal | None
    selected: bool = True  # volet 3: the collectivité is among the selected territories
    proposed: Decimal = ZERO
    approved: Decimal = ZERO
    paid: Decimal = ZERO
    due: Decimal | None = None  # set when the balance is settled

    @property
    def open(self) -> Decimal:
        """Proposed or approved, not yet paid."""
        return self.proposed + self.approved

    @property
    def committed(self) -> Decimal:
        return self.open + self.paid

    @property
    def payable(self) -> Decimal:
        """What may be paid in all: the contribution due once settled, the amount allocated before."""
        return self.due if self.due is not None else self.allocated

    @property
    def room(self) -> Decimal:
        """What may still be proposed."""
        return max(self.payable - self.committed, ZERO)

    @property
    def to_recover(self) -> Decimal:
        return max(self.paid - self.payable, ZERO)


@dataclass(frozen=True)
class Breach:
    rule: str
    volet: Volet
    message: str

    def __str__(self) -> str:
        return f"{self.message} ({self.rule})"


def allocation_breaches(money: VoletMoney) -> list[Breach]:
    """R-FIN-03 and R-CONV-04: what the convention allocates to the volet."""
    volet, allocated = money.volet, money.allocated
    if allocated <= 0:
        return []
    shown = format_euros(allocated)
    if volet == Volet.TERRITORIAL_DEPLOYMENT and not money.selected:
        return [
            Breach(
                "R-CONV-04",
                volet,
                f"{volet.label} : {shown} alors que la collectivité n'est pas retenue pour le volet 3",
            )
        ]
    if money.ceiling is None:
        return [Breach("R-FIN-03", volet, f"{volet.label} : {shown} sans plafond notifié pour ce volet")]
    if allocated > money.ceiling:
        return [
            Breach(
                "R-FIN-03",
                volet,
                f"{volet.label} : {shown} dépasse le plafond de {format_euros(money.ceiling)} "
                f"de {format_euros(allocated - money.ceiling)}",
            )
        ]
    return []


def payment_breaches(money: VoletMoney) -> list[Breach]:
    """R-FIN-07: open and paid payments within what may be paid; nothing open while money is to recover."""
    volet = money.volet
    if money.open > 0 and money.committed > max(money.payable, money.paid):
        what = "la contribution due" if money.due is not None else "le montant alloué"
        return [
            Breach(
                "R-FIN-07",
                volet,
                f"{volet.label} : les versements proposés, approuvés ou payés ({format_euros(money.committed)}) "
                f"dépasseraient {what} ({format_euros(money.payable)})",
            )
        ]
    return []


def new_payment_breaches(money: VoletMoney, amount: Decimal, *, settled: bool, balance: bool) -> list[Breach]:
    """Whether a payment of `amount` may be proposed (or approved, or paid: `money` then counts it
    already, pass 0). After the balance is settled only the balance is paid (R-FIN-08)."""
    volet = money.volet
    if settled and not balance:
        return [
            Breach("R-FIN-08", volet, f"{volet.label} : le solde est arrêté, aucune avance ne peut plus être versée")
        ]
    if not settled and balance:
        return [Breach("R-FIN-08", volet, f"{volet.label} : le solde n'est pas encore arrêté")]
    projected = VoletMoney(**{**money.__dict__, "proposed": money.proposed + amount})
    return payment_breaches(projected)


@dataclass(frozen=True)
class PaymentRow:
    volet: Volet
    status: str  # funding.models.PaymentStatus values
    amount: Decimal


def volet_money(
    *,
    allocated: Mapping[Volet, Decimal],
    ceilings: Mapping[Volet, Decimal | None],
    volet3_selected: bool,
    payments: Iterable[PaymentRow] = (),
    due: Mapping[Volet, Decimal] | None = None,
) -> dict[Volet, VoletMoney]:
    """The money of each volet of a convention, from plain values."""
    sums = {volet: {"proposee": ZERO, "approuvee": ZERO, "payee": ZERO} for volet in Volet}
    for row in payments:
        if row.status in sums[row.volet]:
            sums[row.volet][row.status] += row.amount
    due = due or {}
    return {
        volet: VoletMoney(
            volet=volet,
            allocated=allocated.get(volet, ZERO),
            ceiling=ceilings.get(volet),
            selected=volet != Volet.TERRITORIAL_DEPLOYMENT or volet3_selected,
            proposed=sums[volet]["proposee"],
            approved=sums[volet]["approuvee"],
            paid=sums[volet]["payee"],
            due=due.get(volet),
        )
        for volet in Volet
    }
