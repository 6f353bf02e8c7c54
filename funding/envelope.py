"""The national envelope of a year (R-FIN-12): its split between the volets and a named reserve, and the
ceilings of each volet summed over the collectivités, which stay within that volet's envelope."""

from collections.abc import Mapping
from decimal import Decimal

from config.formats import ZERO, format_euros
from conventions.volets import Volet


def split_refusals(total: Decimal, parts: Mapping[Volet, Decimal], reserve: Decimal) -> list[str]:
    """The volets and the reserve add up to the envelope, to the cent."""
    split = sum(parts.values(), ZERO) + reserve
    if split == total:
        return []
    detail = " + ".join(f"{format_euros(parts[v])}" for v in Volet)
    gap = total - split
    hint = (
        f"il reste {format_euros(gap)} à répartir (volets ou réserve)"
        if gap > 0
        else (f"la répartition dépasse l'enveloppe de {format_euros(-gap)}")
    )
    return [
        f"Les volets ({detail}) et la réserve ({format_euros(reserve)}) font {format_euros(split)} pour une "
        f"enveloppe nationale de {format_euros(total)} : {hint} (R-FIN-12)."
    ]


def ceilings_refusals(parts: Mapping[Volet, Decimal], ceiling_sums: Mapping[Volet, Decimal]) -> list[str]:
    """The ceilings of a volet, summed over the collectivités, within the volet's envelope."""
    return [
        f"{volet.label} : les plafonds notifiés font {format_euros(ceiling_sums[volet])}, au-delà de l'enveloppe "
        f"du volet ({format_euros(parts[volet])}) (R-FIN-12)."
        for volet in Volet
        if ceiling_sums.get(volet, ZERO) > parts.get(volet, ZERO)
    ]
