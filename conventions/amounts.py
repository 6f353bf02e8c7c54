"""Amounts in figures and in French words, as the convention states them (R-CONV-07):
"1 250 000 € (un million deux cent cinquante mille euros)"."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from num2words import num2words

from config.formats import format_euros

CENT = Decimal("0.01")


def parse_amount(text: str) -> Decimal:
    """A user's amount: `1 250 000,50` or `1250000.50` → Decimal; negative or more than two decimals refused."""
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("€", "")
    cleaned = cleaned.replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("montant invalide") from None
    if not amount.is_finite():
        raise ValueError("montant invalide")
    if amount < 0:
        raise ValueError("un montant ne peut pas être négatif")
    if amount != amount.quantize(CENT):
        raise ValueError("un montant a au plus deux décimales (centimes)")
    return amount.quantize(CENT)


def _euros_word(euros: int) -> str:
    if euros == 0:
        return ""
    words = num2words(euros, lang="fr")
    # "un million d'euros", "deux milliards d'euros", but "un million deux cents euros"
    if words.endswith(("million", "millions", "milliard", "milliards")):
        return f"{words} d'euros"
    return f"{words} {'euro' if euros == 1 else 'euros'}"


def amount_in_words(amount: Decimal) -> str:
    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("un montant ne peut pas être négatif")
    euros = int(amount)
    cents = int((amount - euros) * 100)
    parts = [p for p in (_euros_word(euros), _cents_word(cents)) if p]
    return " et ".join(parts) if parts else "zéro euro"


def _cents_word(cents: int) -> str:
    if cents == 0:
        return ""
    return f"{num2words(cents, lang='fr')} {'centime' if cents == 1 else 'centimes'}"


def amount_in_figures_and_words(amount: Decimal) -> str:
    """`Decimal("1250000")` → `1 250 000,00 € (un million deux cent cinquante mille euros)`."""
    return f"{format_euros(amount)} ({amount_in_words(amount)})"
