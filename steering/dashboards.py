"""What the dashboards show, assembled from the other apps (no rule of its own)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from config.downloads import Table
from config.formats import ZERO
from conventions import schedule
from conventions.models import Convention
from conventions.volets import Volet
from funding.consolidation import consolidate
from indicators import results
from offer import coverage
from offer.models import OfferService
from steering.baseline import baseline, survey_years
from steering.charts import bars
from steering.secrecy import SMALL, suppress
from steering.secrecy import Table as CountsTable


def masked(value):
    """Counts below 11 are shown as "< 11" in shared views (statistical secrecy)."""
    if isinstance(value, int) and value < SMALL:
        return "< 11"
    return value


VOLET2_COUNTS = (
    "nouveaux_entrants", "t0_inconnu", "orientes_15_jours", "orientes_1_mois",
    "orientations_accompagnement_global", "absents_rdv_orientation",
)  # fmt: skip
# A share is computed from its numerator and the new entrants whose T0 is known: it reveals any of them.
VOLET2_SHARES = {
    "part_orientes_15_jours": ("orientes_15_jours", "nouveaux_entrants", "t0_inconnu"),
    "part_orientes_1_mois": ("orientes_1_mois", "nouveaux_entrants", "t0_inconnu"),
}


def shared_volet2_row(row: dict) -> dict:
    """A volet 2 month as a shared page shows it: the masking decided by steering.secrecy."""
    counts = {name: row.get(name) for name in VOLET2_COUNTS}
    hidden = suppress(CountsTable(counts, derived=VOLET2_SHARES))
    shown = dict(row)
    for name in hidden:
        if name in VOLET2_SHARES:
            shown[name] = None
        else:
            shown[name] = "< 11" if (counts[name] or 0) < SMALL else "secret"
    return shown


def shared_organisms(rows: list[dict]) -> list[dict]:
    """The organisms table of a shared page (counts only, no total nor share shown): masked by steering.secrecy."""
    hidden = suppress(CountsTable({row["type_organisme"]: row["personnes"] for row in rows}))
    return [{**row, "personnes": "< 11" if row["type_organisme"] in hidden else row["personnes"]} for row in rows]


def convention_of(collectivity, year: int | None = None):
    conventions = Convention.objects.filter(collectivity=collectivity).prefetch_related("events")
    if year:
        conventions = conventions.filter(year=year)
    return conventions.order_by("-year").first()


@dataclass
class CollectivityView:
    collectivity: object
    convention: object
    year: int  # the year of the credits shown
    deadlines: list
    late: bool
    credits: list
    volet2: list
    chart_entrants: list
    chart_share: list
    volet3: list
    organisms_year: int | None
    organisms: list
    baseline: list
    offer: dict
    themes: list
    action_progress: list


def credits_year(convention, today: date) -> int:
    """The year whose credits a collectivité's dashboard shows: this year while its latest convention runs, else
    the convention's nearest year (its first before it starts, its last after it ends)."""
    if convention is None:
        return today.year
    return min(max(today.year, convention.start_date.year), convention.end_date.year)


def collectivity_view(user, collectivity, today: date) -> CollectivityView:
    convention = convention_of(collectivity)
    year = credits_year(convention, today)
    scope = type(collectivity).objects.filter(pk=collectivity.pk)
    figures = dict(consolidate(user, year, scope).collectivities).get(collectivity)
    volet2 = results.volet2_rows(collectivity)
    organisms_year, organisms = results.organism_rows(collectivity)
    services = list(
        OfferService.objects.filter(departement__in=collectivity.departement_codes).values_list(
            "thematiques", flat=True
        )
    )
    themes = coverage.coverage(services)
    progress = []
    if convention:
        for sheet in convention.action_sheets.prefetch_related("outcomes"):
            latest = max(sheet.outcomes.all(), key=lambda o: o.stage == "final", default=None)
            progress.append((sheet, latest))
    return CollectivityView(
        collectivity=collectivity,
        convention=convention,
        year=year,
        deadlines=schedule.convention_deadlines(convention, today) if convention else [],
        late=schedule.convention_is_late(convention, today) if convention else False,
        credits=figures.table() if figures else [],
        volet2=volet2,
        chart_entrants=bars([(r["mois"].strftime("%m/%y"), r["nouveaux_entrants"]) for r in volet2]),
        chart_share=bars([(r["mois"].strftime("%m/%y"), r["part_orientes_15_jours"]) for r in volet2]),
        volet3=results.monthly_rows(collectivity, "volet3"),
        organisms_year=organisms_year,
        organisms=organisms,
        baseline=baseline(collectivity.departement_codes),
        offer={"services": len(services), **coverage.summary(themes), "priorities": [t for t in themes if t.priority]},
        themes=themes,
        action_progress=progress,
    )


def collectivity_tables(view: CollectivityView) -> list[Table]:
    """Every table of the collectivité's dashboard, for its exports."""
    volet2 = [
        [
            f"{r['mois']:%m/%Y}",
            r["nouveaux_entrants"],
            r["orientes_15_jours"],
            r["part_orientes_15_jours"],
            r["orientes_1_mois"],
        ]
        for r in view.volet2
    ]
    progress = [
        [sheet.number, sheet.title, outcome.get_stage_display() if outcome else "",
         outcome.get_progress_display() if outcome else "pas de synthèse"]
        for sheet, outcome in view.action_progress
    ]  # fmt: skip
    years = survey_years()
    return [
        Table("credits", "Crédits par volet", ["crédits", "volet 1 (€)", "volet 2 (€)", "volet 3 (€)"],
              [[label, *values] for label, values in view.credits]),
        Table("volet2", "Volet 2", ["mois", "nouveaux entrants", "orientés en 15 jours",
              "part orientés en 15 jours (%)", "orientés en 1 mois"], volet2),
        Table("oarsa", f"Enquête OARSA {years[0]}-{years[-1]}", ["indicateur", *map(str, years)],
              [[label, *(values.get(y, "") for y in years)] for label, values in view.baseline]),
        Table("plan", "Plan d'action", ["action", "intitulé", "étape", "avancement"], progress),
        Table("offre", "Offre par thématique", ["catégorie", "thématique", "services", "statut", "priorité"],
              [[t.category, t.label, t.services, t.status, "oui" if t.priority else ""] for t in view.themes]),
    ]  # fmt: skip


@dataclass
class Row:
    collectivity: object
    convention: object
    late: bool
    committed: object
    paid: object
    last_month: dict | None
    services: int


def territory_rows(user, collectivities, year: int, today: date) -> list[Row]:
    figures = dict(consolidate(user, year, collectivities).collectivities)
    conventions = {
        c.collectivity_id: c
        for c in Convention.objects.covering(year)
        .filter(collectivity__in=collectivities)
        .order_by("year")
        .prefetch_related("events")
    }
    services = OfferService.objects.values("departement").annotate(n=Count("id"))
    counts = {row["departement"]: row["n"] for row in services}
    volet2_of = results.volet2_rows_of(collectivities)
    rows = []
    for collectivity in collectivities.prefetch_related("departements"):
        convention = conventions.get(collectivity.pk)
        f = figures.get(collectivity)
        volet2 = [r for r in volet2_of.get(collectivity.pk, []) if r["nouveaux_entrants"] is not None]
        rows.append(
            Row(
                collectivity=collectivity,
                convention=convention,
                late=schedule.convention_is_late(convention, today) if convention else False,
                committed=sum(f.get("committed", v) for v in Volet) if f else 0,
                paid=sum(f.get("paid", v) for v in Volet) if f else 0,
                last_month=volet2[-1] if volet2 else None,
                services=sum(counts.get(code, 0) for code in collectivity.departement_codes),
            )
        )
    return rows


@dataclass
class RegionTotals:
    region: object
    collectivities: int
    late: int
    committed: object
    paid: object


def region_totals(regions, rows: list[Row]) -> list[RegionTotals]:
    """The national table: each region's collectivités, late conventions and credits, from the territory rows."""
    by_region = {region.pk: [] for region in regions}
    for row in rows:
        by_region.setdefault(row.collectivity.region_id, []).append(row)
    return [
        RegionTotals(
            region=region,
            collectivities=len(by_region[region.pk]),
            late=sum(1 for r in by_region[region.pk] if r.late),
            committed=sum(r.committed for r in by_region[region.pk]),
            paid=sum(r.paid for r in by_region[region.pk]),
        )
        for region in regions
    ]


def national_total(totals: list[RegionTotals]) -> dict:
    """The totals row of the national table."""
    return {
        "collectivities": sum(t.collectivities for t in totals),
        "late": sum(t.late for t in totals),
        "committed": sum((t.committed for t in totals), ZERO),
        "paid": sum((t.paid for t in totals), ZERO),
    }


NATIONAL_HEADER = ["code région", "région", "collectivités", "conventions en retard", "engagé (€)", "versé (€)"]


def national_export(totals: list[RegionTotals]) -> list[list]:
    total = national_total(totals)
    return [[t.region.code, t.region.name, t.collectivities, t.late, t.committed, t.paid] for t in totals] + [
        ["", "Total national", total["collectivities"], total["late"], total["committed"], total["paid"]]
    ]


REGION_HEADER = [
    "code collectivité", "collectivité", "convention", "échéances", "engagé (€)", "versé (€)",
    "dernier mois livré", "nouveaux entrants", "orientés en 15 jours (%)", "services référencés",
]  # fmt: skip


def region_export(rows: list[Row]) -> list[list]:
    def deadlines(row: Row) -> str:
        return "en retard" if row.late else ("à jour" if row.convention else "")

    return [
        [
            r.collectivity.code,
            r.collectivity.name,
            r.convention.get_state_display() if r.convention else "aucune",
            deadlines(r),
            r.committed,
            r.paid,
            f"{r.last_month['mois']:%Y-%m}" if r.last_month else "",
            r.last_month["nouveaux_entrants"] if r.last_month else "",
            r.last_month.get("part_orientes_15_jours") if r.last_month else "",
            r.services,
        ]
        for r in rows
    ]
