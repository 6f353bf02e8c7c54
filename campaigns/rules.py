"""Which campaign's rules apply to a year, and the deadlines they set, as plain functions over plain values
(`Campaign` rows or any object with the same attributes)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from conventions.deadlines import add_months


def covering(campaigns, year: int):
    """The campaign whose years include `year`, or None."""
    return next((c for c in campaigns if c.first_year <= year <= c.last_year), None)


def applicable(campaigns, year: int):
    """The campaign whose rules apply to `year`: the one covering it; for a year no campaign covers yet, the
    latest one before it (its rules carry on until the DGEFP creates the next), else the first one. None only
    when there is no campaign at all."""
    campaigns = sorted(campaigns, key=lambda c: c.first_year)
    found = covering(campaigns, year)
    if found is not None:
        return found
    before = [c for c in campaigns if c.first_year <= year]
    return before[-1] if before else (campaigns[0] if campaigns else None)


def campaign_year(campaigns, today: date) -> int:
    """The year a new convention opens on: the first year of the latest campaign already started (a multi-year
    campaign's conventions carry its first year), else of the first campaign."""
    campaigns = sorted(campaigns, key=lambda c: c.first_year)
    started = [c for c in campaigns if c.first_year <= today.year]
    return (started[-1] if started else campaigns[0]).first_year


def year_under_way(campaigns, today: date) -> int:
    """The year the pages of a year's figures (consolidation, mid-year remontée, steering) open on: the calendar
    year when a campaign covers it (in December 2026, the 2026 tranches, payments and remontée of a 2025–2027
    convention), else `campaign_year`."""
    return today.year if covering(campaigns, today.year) is not None else campaign_year(campaigns, today)


def overlap_refusals(first_year: int, last_year: int, campaigns) -> list[str]:
    """A new campaign's years: ordered and shared with no other campaign (one set of rules per year)."""
    if first_year > last_year:
        return [f"La dernière année ({last_year}) précède la première ({first_year})."]
    return [
        f"Les années {max(first_year, c.first_year)} à {min(last_year, c.last_year)} relèvent déjà de « {c.name} »."
        for c in campaigns
        if c.first_year <= last_year and first_year <= c.last_year
    ]


def convention_year_refusals(year: int, campaign) -> list[str]:
    """A campaign's conventions start with its first year and cover all its years (R-CONV-01 per campaign)."""
    if campaign is not None and campaign.first_year < year <= campaign.last_year:
        return [
            f"{year} relève de « {campaign.name} », dont les conventions couvrent {campaign.first_year} à "
            f"{campaign.last_year} : créez la convention de {campaign.first_year}."
        ]
    return []


@dataclass(frozen=True)
class Schedule:
    """The deadlines of a campaign: finalisation and signature in the convention's first year, the final report
    so many months after its end (R-CONV-03, R-SUIVI-02)."""

    finalisation: tuple[int, int]  # (month, day)
    signature: tuple[int, int]
    report_months: int

    @classmethod
    def of(cls, campaign) -> "Schedule":
        return cls(
            (campaign.finalisation_month, campaign.finalisation_day),
            (campaign.signature_month, campaign.signature_day),
            campaign.report_months,
        )

    def due_dates(self, start: date, end: date) -> dict[str, date]:
        return {
            "finalisation": date(start.year, *self.finalisation),
            "signature": date(start.year, *self.signature),
            "bilan": add_months(end, self.report_months),
        }


@dataclass(frozen=True)
class MoneyRules:
    """The shares a campaign sets: the advance paid at signature, the département's minimum share of the
    volet 2 actions' total cost."""

    advance_rate: Decimal
    volet2_collectivity_share: Decimal

    @classmethod
    def of(cls, campaign) -> "MoneyRules":
        return cls(campaign.advance_rate, campaign.volet2_collectivity_share)
