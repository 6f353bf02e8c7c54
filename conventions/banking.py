"""Bank details of the collectivité (annexe 7): IBAN with its ISO 13616 checksum, BIC (ISO 9362)."""

import re

IBAN_LENGTHS = {"FR": 27, "MC": 27, "DE": 22, "BE": 16, "ES": 24, "IT": 27, "LU": 20}
BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")


def normalise_iban(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def iban_errors(text: str) -> list[str]:
    iban = normalise_iban(text)
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban):
        return ["IBAN invalide : deux lettres, deux chiffres de contrôle puis le numéro de compte"]
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected and len(iban) != expected:
        return [f"IBAN invalide : {len(iban)} caractères au lieu de {expected} pour le pays {iban[:2]}"]
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    if int(digits) % 97 != 1:
        return ["IBAN invalide : la clé de contrôle ne correspond pas (erreur de saisie ?)"]
    return []


def bic_errors(text: str) -> list[str]:
    return [] if BIC.match(text.strip().upper()) else ["BIC invalide : 8 ou 11 caractères (ex. BDFEFRPPCCT)"]


# French RIB (relevé d'identité bancaire): the letters of an account number count as these digits.
RIB_LETTERS = {
    c: str(d)
    for d, letters in enumerate(("AJ", "BKS", "CLT", "DMU", "ENV", "FOW", "GPX", "HQY", "IRZ"), 1)
    for c in letters
}


def rib_key(bank_code: str, branch_code: str, account_number: str) -> str:
    """The two-digit clé RIB: 97 − ((89 × établissement + 15 × guichet + 3 × compte) mod 97)."""
    account = "".join(RIB_LETTERS.get(c, c) for c in account_number.upper())
    return f"{97 - (89 * int(bank_code) + 15 * int(branch_code) + 3 * int(account)) % 97:02d}"


def rib_errors(bank_code: str, branch_code: str, account_number: str, key: str, iban: str = "") -> list[str]:
    """The RIB of article 6: five-digit codes, an 11-character account, its key, and the same account as the IBAN."""
    errors = []
    if not re.fullmatch(r"\d{5}", bank_code):
        errors.append("Code établissement invalide : 5 chiffres")
    if not re.fullmatch(r"\d{5}", branch_code):
        errors.append("Code guichet invalide : 5 chiffres")
    if not re.fullmatch(r"[0-9A-Z]{11}", account_number.upper()):
        errors.append("Numéro de compte invalide : 11 chiffres ou lettres")
    if not re.fullmatch(r"\d{2}", key):
        errors.append("Clé RIB invalide : 2 chiffres")
    if errors:
        return errors
    expected = rib_key(bank_code, branch_code, account_number)
    if key != expected:
        return [f"Clé RIB {key} incohérente avec le code établissement, le code guichet et le numéro de compte"]
    iban = normalise_iban(iban)
    if iban.startswith("FR") and iban[4:] != f"{bank_code}{branch_code}{account_number.upper()}{key}":
        return [
            "Le RIB ne correspond pas à l'IBAN : l'IBAN français reprend code établissement, guichet, compte et clé"
        ]
    return []
