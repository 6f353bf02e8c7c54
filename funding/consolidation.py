"""Consolidated credits of a year per volet, per collectivité, region and nation (for the DREETS and the DGEFP).

A multi-year convention counts in each year it covers, with that year's figures: its tranche of the year (engagé),
the payments of that year's tranche (versé; the balance is paid in the convention's last year), its settled balance
in its last year (dû, à recouvrer), against the year's ceiling (alloué), the latest notified in the campaign when
the year's is not (« réputé stable », as `funding.plans.ceilings_of`)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from accounts import permissions
from campaigns.lookup import campaign_of
from config.formats import ZERO
from conventions.models import Convention, ConventionState
from conventions.volets import Volet
from funding.models import NationalEnvelope, Payment, PaymentStatus, VoletBalance
from funding.plans import ceilings_in_force
from funding.tranches import tranches_of

SIGNED = [
    ConventionState.SIGNED,
    ConventionState.IN_EXECUTION,
    ConventionState.REPORT_RECEIVED,
    ConventionState.BALANCE_SETTLED,
    ConventionState.CLOSED,
]
MEASURES = ("allocated", "committed", "paid", "due", "to_recover")
LABELS = {
    "allocated": "alloué (plafonds)",
    "committed": "engagé (conventions signées)",
    "paid": "versé",
    "due": "dû (soldes arrêtés)",
    "to_recover": "à recouvrer",
}


@dataclass
class Figures:
    values: dict = field(default_factory=lambda: {(m, v): ZERO for m in MEASURES for v in Volet})

    def add(self, measure: str, volet: int, amount: Decimal):
        self.values[(measure, volet)] += amount

    def merge(self, other: "Figures"):
        for key, amount in other.values.items():
            self.values[key] += amount

    def get(self, measure: str, volet: int) -> Decimal:
        return self.values[(measure, volet)]

    def table(self):
        return [(LABELS[m], [self.values[(m, v)] for v in Volet]) for m in MEASURES]


@dataclass
class Consolidation:
    collectivities: list = field(default_factory=list)  # (collectivity, Figures)
    regions: dict = field(default_factory=dict)  # region → Figures
    national: Figures = field(default_factory=Figures)
    envelope: NationalEnvelope | None = None

    def collectivity_rows(self):
        """(collectivité, volet, figures…) for every collectivité with any credit."""
        for collectivity, figures in self.collectivities:
            for volet in Volet:
                values = [figures.get(m, volet) for m in MEASURES]
                if any(values):
                    yield (collectivity, volet, *values)


def consolidate(user, year: int, collectivities=None) -> Consolidation:
    """collectivities: a queryset narrowing the user's scope (one collectivité's dashboard, one region)."""
    visible = permissions.visible_collectivities(user).select_related("region")
    if collectivities is not None:
        visible = visible.filter(pk__in=collectivities.values("pk"))
    by_collectivity = defaultdict(Figures)
    for (collectivity_id, volet), amount in year_ceilings(visible, year).items():
        by_collectivity[collectivity_id].add("allocated", volet, amount)
    conventions = Convention.objects.covering(year).filter(collectivity__in=visible, state__in=SIGNED)
    for c in conventions.prefetch_related("tranches"):
        tranche = tranches_of(c, campaign_of(c)).get(year, {})
        for volet in Volet:
            by_collectivity[c.collectivity_id].add("committed", volet, tranche.get(volet, ZERO))
    paid = Payment.objects.filter(convention__in=conventions, status=PaymentStatus.PAID, year=year)
    for payment in paid.select_related("convention"):
        by_collectivity[payment.convention.collectivity_id].add("paid", payment.volet, payment.amount)
    settled = VoletBalance.objects.filter(convention__in=conventions, convention__end_date__year=year)
    for balance in settled.select_related("convention"):
        by_collectivity[balance.convention.collectivity_id].add("due", balance.volet, balance.due)
        by_collectivity[balance.convention.collectivity_id].add("to_recover", balance.volet, balance.to_recover)
    result = Consolidation(envelope=NationalEnvelope.objects.filter(year=year).first())
    for collectivity in visible:
        figures = by_collectivity[collectivity.pk]
        result.collectivities.append((collectivity, figures))
        result.regions.setdefault(collectivity.region, Figures()).merge(figures)
        result.national.merge(figures)
    return result


def year_ceilings(collectivities, year: int) -> dict[tuple[int, Volet], Decimal]:
    """The ceiling of each volet of the collectivités for `year` (`funding.plans.ceilings_in_force`)."""
    return {key: ceiling.amount for key, ceiling in ceilings_in_force(collectivities, year).items()}


def campaign_years(year: int) -> list[int]:
    """The years a dashboard can show: every year a convention covers (each year of a multi-year one), those with
    an envelope, and the one asked for."""
    years = Convention.objects.years_covered() | set(NationalEnvelope.objects.values_list("year", flat=True))
    return sorted(years | {year}, reverse=True)


def rows_for_export(result: Consolidation):
    header = ["niveau", "territoire"] + [f"{LABELS[m]} volet {v}" for m in MEASURES for v in Volet]
    rows = []
    for collectivity, figures in result.collectivities:
        rows.append(["collectivité", collectivity.name, *(figures.get(m, v) for m in MEASURES for v in Volet)])
    for region, figures in result.regions.items():
        rows.append(["région", region.name, *(figures.get(m, v) for m in MEASURES for v in Volet)])
    rows.append(["national", "France", *(result.national.get(m, v) for m in MEASURES for v in Volet)])
    return header, rows
