"""The OARSA survey (DREES, 2015-2018) per département: the baseline a collectivité's 2024 figures are
read against (share oriented, distribution by organisme, delay to the first orientation)."""

import csv
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "territories" / "data" / "oarsa_2015_2018_par_departement.csv"
LABELS = {
    "part_orientes_pct": "Part des personnes orientées (%)",
    "part_orientes_pole_emploi_pct": "Orientées vers Pôle emploi (%)",
    "part_orientes_autre_spe_pct": "Orientées vers un autre organisme du SPE (%)",
    "part_orientes_conseil_departemental_pct": "Orientées vers le conseil départemental (%)",
    "part_orientes_hors_spe_pct": "Orientées hors SPE (%)",
    "delai_moyen_entree_primo_orientation_jours": "Délai moyen de l'entrée à la première orientation (jours)",
    "delai_moyen_orientation_primo_cer_jours": "Délai moyen de l'orientation au premier CER (jours)",
}


@lru_cache(maxsize=1)
def _rows() -> list[dict]:
    with open(DATA, encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def baseline(departement_codes: list[str]) -> list[tuple[str, dict[int, str]]]:
    """(label, {year: value}) per indicator; empty values (ND/NR) stay empty. Several départements
    (Alsace, Corse) are shown side by side only when one: the survey does not give weights to sum them."""
    if len(departement_codes) != 1:
        return []
    values: dict[str, dict[int, str]] = {}
    for row in _rows():
        if row["code_departement"] == departement_codes[0]:
            values.setdefault(row["indicateur"], {})[int(row["annee"])] = row["valeur"]
    return [(LABELS[k], values[k]) for k in LABELS if k in values]


@lru_cache(maxsize=1)
def survey_years() -> tuple[int, ...]:
    """The years the survey covers, from its data."""
    return tuple(sorted({int(row["annee"]) for row in _rows()}))
