"""Annual tranches of a multi-year convention (campaigns from 2025): each volet's amount is shared between the
convention's years, and each year's advance is the campaign's rate of that year's tranche. The rules are plain
functions over plain values; `tranches_of` reads a convention's tranches (a convention of one year has one, its
amounts).

- R-FIN-01 per year: the tranches of a volet add up to the volet's amount (credits stay per volet; a tranche is
  never moved to another volet);
- R-FIN-07 per year: what is proposed, approved and paid as the advance of a year never exceeds that year's
  tranche; the volet's total stays within its amount (`funding.money`).
"""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from config.formats import ZERO, format_euros
from conventions.volets import Volet
from funding.money import Breach

Tranches = Mapping[int, Mapping[Volet, Decimal]]


def sum_refusals(amounts: Mapping[Volet, Decimal], tranches: Tranches, years) -> list[str]:
    """R-FIN-01: the tranches of the convention's years add up to each volet's amount."""
    refusals = []
    unknown = sorted(set(tranches) - set(years))
    if unknown:
        refusals.append(f"Tranches hors de la période de la convention : {', '.join(map(str, unknown))} (R-FIN-01).")
    for volet in Volet:
        total = sum((tranches.get(year, {}).get(volet, ZERO) for year in years), ZERO)
        if total != amounts.get(volet, ZERO):
            refusals.append(
                f"{volet.label} : les tranches annuelles font {format_euros(total)}, le montant de la convention "
                f"{format_euros(amounts.get(volet, ZERO))} (R-FIN-01)."
            )
    return refusals


def year_breaches(volet: Volet, year: int, tranche: Decimal, committed: Decimal) -> list[Breach]:
    """R-FIN-07 per year: the advance of `year` (proposed, approved and paid) within that year's tranche."""
    if committed > tranche:
        return [
            Breach(
                "R-FIN-07",
                volet,
                f"{volet.label} : l'avance {year} ({format_euros(committed)}) dépasserait la tranche {year} "
                f"({format_euros(tranche)})",
            )
        ]
    return []


def years_awaiting_advances(
    tranches: Tranches, advanced: set[tuple[int, Volet]], first_year: int, today: date
) -> list[int]:
    """R-FIN-07 per year: the later years of a multi-year convention, from their 1 January, with a volet whose
    tranche has no advance yet (proposed, approved or paid: `advanced` holds their (year, volet))."""
    return [
        year
        for year, amounts in tranches.items()
        if first_year < year <= today.year
        and any(amount > 0 and (year, volet) not in advanced for volet, amount in amounts.items())
    ]


def change_refusals(before: Tranches, after: Tranches, advanced_years: set[int]) -> list[str]:
    """After signature, the tranche of a year whose advance is proposed, approved or paid no longer changes."""
    return [
        f"La tranche {year} ne change plus : son avance est engagée (annulez-la d'abord)."
        for year in sorted(advanced_years)
        if dict(before.get(year, {})) != dict(after.get(year, {}))
    ]


def removed_year_refusals(years, engaged_advances) -> list[str]:
    """An avenant ending the convention earlier keeps among its years every year whose advance is approved or
    paid: that advance would otherwise be within no tranche (R-FIN-07). `engaged_advances`: (volet, year, amount,
    paid) of each approved or paid advance."""
    return [
        f"{volet.label} : l'avance {year} ({format_euros(amount)}) est {'payée' if paid else 'approuvée'} ; la "
        f"convention ne peut pas finir avant {year} (R-FIN-07)."
        for volet, year, amount, paid in engaged_advances
        if year not in years
    ]


def rebalanced(
    amounts: Mapping[Volet, Decimal], tranches: Tranches, engaged_years: set[int]
) -> tuple[dict[int, dict[Volet, Decimal]], list[str]]:
    """The tranches after an avenant changed the amounts: each volet's change is taken by the years whose
    advance is not engaged, the latest first (an increase goes to the latest such year, or to the last year
    when every advance is engaged: it is then paid by the balance). A reduction those years cannot carry is
    refused: the engaged advances stay within their tranches (R-FIN-07)."""
    result = {year: dict(values) for year, values in tranches.items()}
    free = [year for year in sorted(result, reverse=True) if year not in engaged_years]
    refusals = []
    for volet in Volet:
        change = amounts.get(volet, ZERO) - sum((result[year].get(volet, ZERO) for year in result), ZERO)
        if change > 0:
            target = free[0] if free else max(result)
            result[target][volet] = result[target].get(volet, ZERO) + change
        elif change < 0:
            left = -change
            for year in free:
                taken = min(left, result[year].get(volet, ZERO))
                result[year][volet] = result[year].get(volet, ZERO) - taken
                left -= taken
            if left > 0:
                refusals.append(
                    f"{volet.label} : l'avenant retire {format_euros(-change)} ; les tranches des années dont l'avance "
                    f"n'est pas engagée n'en portent que {format_euros(-change - left)} (R-FIN-07)."
                )
    return result, refusals


def seen_mark(tranches: Tranches) -> str:
    """The tranches as a page shows them, in one text the page sends back: saving refuses a page whose tranches
    have changed since it was loaded (another agent's save, an avenant applied), instead of overwriting them."""
    return ";".join(
        f"{year}:" + "/".join(str(tranches[year].get(volet, ZERO)) for volet in Volet) for year in sorted(tranches)
    )


def tranches_of(convention, campaign=None) -> dict[int, dict[Volet, Decimal]]:
    """The convention's tranche of each of its years: its amounts for a convention of one year (of a one-year
    campaign, or a multi-year one ended by avenant after its first year), the stored tranches (zero where none is
    stored) for a multi-year one."""
    if campaign is None:
        from campaigns.lookup import campaign_of

        campaign = campaign_of(convention)
    if not is_multi_year(convention, campaign) or convention.start_date.year == convention.end_date.year:
        return {convention.year: dict(convention.amounts)}
    stored = {t.year: t.amounts for t in convention.tranches.all()}
    return {
        year: stored.get(year, {volet: ZERO for volet in Volet})
        for year in range(convention.start_date.year, convention.end_date.year + 1)
    }


def is_multi_year(convention, campaign) -> bool:
    return campaign.multi_year and convention.year == campaign.first_year
