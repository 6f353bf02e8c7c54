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
