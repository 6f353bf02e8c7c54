"""The tribunal administratif of each département (article R221-3 of the code de justice administrative, with
the names R221-1 gives the overseas ones), as reference data: territories/data/tribunaux_administratifs.csv."""

import csv
from functools import cache
from pathlib import Path

COURTS_CSV = Path(__file__).resolve().parent / "data" / "tribunaux_administratifs.csv"


@cache
def courts() -> dict[str, tuple[str, str]]:
    """département code → (seat, name after « Tribunal administratif »: « de Lyon », « d'Amiens »)."""
    with open(COURTS_CSV, encoding="utf-8", newline="") as handle:
        return {
            row["code_departement"]: (row["siege"], row["apres_de"]) for row in csv.DictReader(handle, delimiter=";")
        }


def administrative_court(departement_codes: list[str]) -> str:
    """« de Lyon » for the Ain; a collectivité over several départements has them all in one court's area."""
    names = {courts()[code][1] for code in departement_codes}
    if len(names) != 1:
        raise ValueError(f"Départements {', '.join(departement_codes)} : pas un seul tribunal administratif ({names}).")
    return names.pop()
