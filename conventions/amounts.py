"""Amounts in figures and in French words, as the convention states them (R-CONV-07):
"1 250 000 € (un million deux cent cinquante mille euros)"."""

import re
from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

from config.formats import CENT, format_euros

# The database keeps amounts as DECIMAL(14, 2): at most 12 digits before the decimal separator.
MAX_DIGITS, DECIMAL_PLACES = 14, 2
MAX_INTEGER_DIGITS = MAX_DIGITS - DECIMAL_PLACES
LIMIT = Decimal(10) ** MAX_INTEGER_DIGITS  # every amount is below it

# ASCII digits only; groups of three separated by spaces (normal, non-breaking or narrow), or none;
# a comma or a dot before at most two decimals; an optional euro sign.
_SPACES = "[ \u00a0\u202f]"
_AMOUNT = re.compile(rf"^(?:[0-9]{{1,3}}(?:{_SPACES}[0-9]{{3}})+|[0-9]+)(?:[.,]([0-9]*))?(?:{_SPACES}?€)?$", re.ASCII)


def checked_amount(amount: Decimal) -> Decimal:
    """An amount already a number (an Excel cell, an API value): finite, not negative, in cents, and
    within the database's digits. Raises ValueError with the French reason."""
    if not amount.is_finite():
        raise ValueError("montant invalide")
    if amount < 0:
        raise ValueError("un montant ne peut pas être négatif")
    if amount >= LIMIT:
        raise ValueError(f"un montant a au plus {MAX_INTEGER_DIGITS} chiffres avant la virgule")
    if amount != amount.quantize(CENT):
        raise ValueError("un montant a au plus deux décimales (centimes)")
    return amount.quantize(CENT)


def parse_amount(text: str) -> Decimal:
    """A typed amount, strictly: `1 250 000,50`, `1250000.50`, `1 250 000 €` → Decimal. Refused, with the
    French reason (ValueError): negative amounts, more than two decimals, more than 12 digits before the
    comma, scientific notation (`1e3`), underscores (`1_000`), other scripts' digits (`١٢٣`, `１２３`)."""
    cleaned = text.strip()
    if cleaned.startswith("-"):
        raise ValueError("un montant ne peut pas être négatif")
    match = _AMOUNT.match(cleaned)
    if not match:
        raise ValueError(_why_not(cleaned))
    decimals = match.group(1)
    if decimals is not None and len(decimals) > DECIMAL_PLACES:
        raise ValueError("un montant a au plus deux décimales (centimes)")
    digits = re.sub(r"[^0-9.,]", "", cleaned).replace(",", ".").rstrip(".")
    return checked_amount(Decimal(digits))


def _why_not(text: str) -> str:
    if any(char.isdigit() and not "0" <= char <= "9" for char in text):
        return "montant invalide : seuls les chiffres de 0 à 9 sont acceptés"
    if re.search(r"[0-9][eE][-+]?[0-9]", text):
        return "montant invalide : notation scientifique refusée, écrivez le montant en entier"
    return "montant invalide"


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
