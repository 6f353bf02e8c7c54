"""Parsing of one cell of a delivery, in the French variants offices export.

Each parser takes the stripped text of a non-empty cell and returns the typed value, or raises
ValueError with a French message. Empty cells mean "unknown" and never reach a parser.
"""

import hashlib
import hmac
import re
from datetime import date, timedelta
from functools import lru_cache

TRUE_WORDS = frozenset({"1", "oui", "o", "true", "vrai"})
FALSE_WORDS = frozenset({"0", "non", "n", "false", "faux"})
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE][+-]?\d+$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$")
# A date cell of a spreadsheet saved without its format is its serial number: days since 30/12/1899
# (Excel and LibreOffice alike, from March 1900 on). Accepted from 1950 to 2099, five digits.
EXCEL_SERIAL = re.compile(r"^\d{5}(?:[.,]0+)?$")
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_SERIALS = range(18264, 73051)  # 01/01/1950 to 31/12/2099
# JJ/MM/AA: years 00–68 are 2000–2068, 69–99 are 1969–1999 (the POSIX rule, Python's %y).
CENTURY_PIVOT = 69
ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
FRENCH_MONTH = re.compile(r"^(\d{1,2})/(\d{4})$")


SHA256_BLOCK = 64


def pseudonymise(key: bytes, identifier: str) -> int:
    """Keyed pseudonym of an identifier: the first 8 bytes of HMAC-SHA256, as a signed 64-bit integer.

    The raw identifier cannot be recovered without the key; two deliveries pseudonymised with the
    same key link the same person. With 2 million persons the chance of any collision is about 1e-7.
    """
    digest = hmac.new(key, identifier.encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class Pseudonymiser:
    """Pseudonymises the identifiers of one delivery, each distinct identifier once (a delivery repeats
    each person's identifier every month). With `keep`, it can tell the raw identifier behind a pseudonym
    afterwards (`raw_of`), for the work list only (indicators.identifiers): in memory, for the time of the
    processing."""

    def __init__(self, key: bytes, *, keep: bool = False):
        self.key, self.keep = key, keep
        self._pseudonyms: dict[str, int] = {}
        # HMAC's two keyed SHA-256 states, computed once (RFC 2104): each identifier then costs two copies and
        # two short hashes, not the key's set-up again (a national delivery has 2 million identifiers)
        block = hashlib.sha256(key).digest() if len(key) > SHA256_BLOCK else key
        block = block.ljust(SHA256_BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in block))
        self._outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in block))

    def __call__(self, text: str) -> int:
        return self.many((text,))[0]

    def many(self, texts) -> list[int]:
        """The pseudonyms of stripped, non-empty identifiers; ValueError for the first one refused."""
        known, inner, outer = self._pseudonyms, self._inner, self._outer
        pseudonyms = []
        for text in texts:
            pseudonym = known.get(text)  # an identifier already seen is valid (parse_identifier keeps it)
            if pseudonym is None:
                identifier = parse_identifier(text)
                digest = inner.copy()
                digest.update(identifier.encode("utf-8"))
                keyed = outer.copy()
                keyed.update(digest.digest())
                pseudonym = known[identifier] = int.from_bytes(keyed.digest()[:8], "big", signed=True)
            pseudonyms.append(pseudonym)
        return pseudonyms

    def raw_of(self, pseudonyms) -> dict[int, str]:
        if not self.keep:
            raise ValueError("les identifiants lus n'ont pas été gardés (keep=False)")
        wanted = set(pseudonyms)
        return {p: identifier for identifier, p in self._pseudonyms.items() if p in wanted}

    def forget(self) -> None:
        self._pseudonyms.clear()


def refuse_formula(text: str) -> str:
    if text.startswith(FORMULA_PREFIXES):
        raise ValueError("contenu commençant par =, +, - ou @ refusé (formule de tableur)")
    return text


def parse_identifier(text: str) -> str:
    refuse_formula(text)
    if SCIENTIFIC.match(text):
        raise ValueError("identifiant transformé en nombre par un tableur (notation scientifique)")
    return text


# A delivery repeats the same dates and months on every row of a person (its opening date, its T0): each
# distinct text is parsed once. Errors are not cached (they are raised, then reported line by line).
@lru_cache(maxsize=1 << 16)
def parse_date(text: str) -> date:
    match = ISO_DATE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    elif match := FRENCH_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
        if len(match[3]) == 2:
            year += 2000 if year < CENTURY_PIVOT else 1900
    elif EXCEL_SERIAL.match(text):
        return excel_serial_date(text)
    else:
        raise ValueError("date invalide (attendu AAAA-MM-JJ, JJ/MM/AAAA, JJ/MM/AA ou numéro de série de tableur)")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("date inexistante") from None


def excel_serial_date(text: str) -> date:
    serial = int(re.split(r"[.,]", text)[0])
    if serial not in EXCEL_SERIALS:
        raise ValueError("numéro de série de date hors de 1950–2099")
    return EXCEL_EPOCH + timedelta(days=serial)


@lru_cache(maxsize=1 << 10)
def parse_month(text: str) -> date:
    match = ISO_MONTH.match(text)
    if match:
        year, month = int(match[1]), int(match[2])
    elif match := FRENCH_MONTH.match(text):
        month, year = int(match[1]), int(match[2])
    else:
        # a month typed in a spreadsheet becomes the date of its first day
        try:
            first = parse_date(text)
        except ValueError:
            first = None
        if first is None or first.day != 1:
            raise ValueError("mois invalide (attendu AAAA-MM, MM/AAAA ou la date du premier jour du mois)")
        return first
    if not 1 <= month <= 12:
        raise ValueError("mois inexistant")
    return date(year, month, 1)


def parse_bool(text: str) -> bool:
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("booléen invalide (attendu 1/0, oui/non, o/n, true/false ou vrai/faux)")


def parse_enum(text: str, choices: tuple[str, ...]) -> str:
    value = text.lower()
    if value not in choices:
        raise ValueError("valeur inconnue (valeurs admises : " + ", ".join(choices) + ")")
    return value


def parse_codes(text: str, choices: tuple[str, ...]) -> str:
    codes = [code.strip().lower() for code in text.split("|") if code.strip()]
    unknown = [code for code in codes if code not in choices]
    if unknown:
        raise ValueError("code inconnu « " + ", ".join(unknown) + " » (codes admis : " + ", ".join(choices) + ")")
    return "|".join(codes)


def parse_number(text: str) -> float:
    try:
        value = float(text.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        raise ValueError("nombre invalide") from None
    if value < 0 or value != value or value in (float("inf"), float("-inf")):
        raise ValueError("nombre négatif ou invalide")
    return value


def parse_integer(text: str) -> int:
    if not text.isdigit():
        raise ValueError("nombre entier positif attendu")
    return int(text)


def parser_for(column, pseudonymiser: Pseudonymiser):
    """The parser of a cell of `column` (a schema.Column), by its kind."""
    if column.kind == "id":
        return pseudonymiser
    if column.kind == "id_presence":
        return lambda text: bool(parse_identifier(text))
    if column.kind == "text":
        return refuse_formula
    if column.kind == "month":
        return parse_month
    if column.kind == "date":
        return parse_date
    if column.kind == "bool":
        return parse_bool
    if column.kind == "enum":
        return lambda text: parse_enum(text, column.choices)
    if column.kind == "codes":
        return lambda text: parse_codes(text, column.choices)
    if column.kind == "number":
        return parse_number
    if column.kind == "integer":
        return parse_integer
    raise AssertionError(column.kind)
