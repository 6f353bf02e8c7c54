"""Reference data rules, as plain functions over plain values."""

from dataclasses import dataclass

RSA_SOURCE = (
    "DREES, « Minima sociaux – données départementales par dispositif », tableau 11 "
    "(sources CNAF, MSA), foyers allocataires au 31 décembre"
)


@dataclass(frozen=True)
class HouseholdFigure:
    households: int | None
    year: int | None
    note: str


def collectivity_rsa_households(
    *,
    departement_codes: list[str],
    counts: dict[tuple[str, int], int],
    shared_codes: set[str],
) -> HouseholdFigure:
    """Number of RSA households of a collectivité for the latest year every one of its départements has.

    A collectivité made of several départements sums them, and says so. A département
    shared by two collectivités (the Rhône and the Métropole de Lyon both cover 69) cannot
    be split from the département-level statistic: the figure stays unknown, with the reason.
    """
    shared = [code for code in departement_codes if code in shared_codes]
    if shared:
        totals = ", ".join(
            f"{code} : {counts[(code, year)]} en {year}"
            for code in shared
            for year in [_latest_year(code, counts)]
            if year
        )
        return HouseholdFigure(
            None,
            None,
            "La statistique départementale couvre ensemble les collectivités du même département "
            f"et ne peut pas être répartie ({totals or 'non disponible'}).",
        )
    years = set.intersection(*({y for (c, y) in counts if c == code} for code in departement_codes))
    if not years:
        return HouseholdFigure(None, None, "Non disponible dans la source.")
    year = max(years)
    total = sum(counts[(code, year)] for code in departement_codes)
    note = ""
    if len(departement_codes) > 1:
        note = "Somme des départements " + " et ".join(departement_codes) + "."
    return HouseholdFigure(total, year, note)


def _latest_year(code: str, counts: dict[tuple[str, int], int]) -> int | None:
    years = [y for (c, y) in counts if c == code]
    return max(years) if years else None
