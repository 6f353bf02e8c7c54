"""The mid-year remontée (instruction §III.3): each financed volet of a convention, what the conseil
départemental has engaged by 30 June, with the figures the platform already has pre-filled; its consolidation
by region and nationally for the DREETS and the DGEFP. One remontée a year of the convention: a 2024 convention has
one, a triennial convention of the 2025 campaign one in each of its three years."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from config.formats import ZERO, format_euros, format_integer
from conventions.models import Convention
from conventions.volets import Volet
from funding.models import MidYearSynthesis

MID_YEAR = (6, 30)


def mid_year_of(convention, year: int | None = None) -> date:
    """30 June of `year` (the convention's first year by default)."""
    return date(year or convention.start_date.year, *MID_YEAR)


def years_of(convention) -> list[int]:
    """The years of the convention, each with its remontée."""
    return list(range(convention.start_date.year, convention.end_date.year + 1))


def years_started(convention, today: date) -> list[int]:
    """The years whose remontée may be written by `today`: those begun (the first one always, so that a convention
    signed ahead of its year shows what will be asked)."""
    years = years_of(convention)
    return [year for year in years if year <= today.year] or years[:1]


@dataclass(frozen=True)
class Remontee:
    """A year's remontée of a volet: the synthesis sent or None, and its page."""

    volet: Volet
    synthesis: MidYearSynthesis | None
    url: str


def remontees(convention, today: date, sent: dict | None = None) -> list[tuple[date, list[Remontee]]]:
    """The remontées of the years begun by `today`, year by year, each financed volet's; `sent`: the convention's
    syntheses by (year, volet) when the caller has read them already (read here otherwise)."""
    if sent is None:
        sent = {(s.year, s.volet): s for s in convention.mid_year_syntheses.all()}
    years = []
    for year in years_started(convention, today):
        on = mid_year_of(convention, year)
        rows = [
            Remontee(volet, sent.get((year, volet.value)), synthesis_url(convention, volet, year))
            for volet in financed_volets(convention)
        ]
        years.append((on, rows))
    return years


def period_start(convention, year: int) -> date:
    """Where the figures of a year's remontée start counting: the convention's start, then 1 January."""
    return max(convention.start_date, date(year, 1, 1))


def first_half(rows: list[dict], start: date, until: date) -> dict[str, int | None]:
    """New entrants and those oriented within 15 days from the start of the convention to `until`, from the
    monthly volet 2 rows (a month without data counts for nothing; None when no month has data)."""
    months = [r for r in rows if start <= r["mois"] <= until and r.get("nouveaux_entrants") is not None]
    if not months:
        return {"nouveaux_entrants": None, "orientes_15_jours": None, "t0_inconnu": None}
    return {
        name: sum(r.get(name) or 0 for r in months) for name in ("nouveaux_entrants", "orientes_15_jours", "t0_inconnu")
    }


def figures(convention, volet: Volet, year: int | None = None) -> dict[str, str]:
    """What the platform knows of the volet at 30 June of `year` (the first year by default), as the page writes
    it: the money of the convention, the year's tranche for a multi-year one, the new entrants of the year."""
    from funding.payments import money_of
    from funding.tranches import tranches_of
    from indicators import results

    money = money_of(convention)[volet]
    planned = sum(convention.plan_lines.filter(volet=volet).values_list("state_amount", flat=True), ZERO)
    year = year or convention.start_date.year
    found = {
        "Montant de la convention": format_euros(money.allocated),
        "Part de l'État au plan de financement": format_euros(planned),
        "Versé par l'État": format_euros(money.paid),
    }
    tranches = tranches_of(convention)
    if len(tranches) > 1:
        found[f"Tranche {year}"] = format_euros(tranches.get(year, {}).get(volet, ZERO))
    if volet == Volet.LOCAL_SOLUTIONS:
        sheets = list(convention.action_sheets.prefetch_related("outcomes"))
        found["Fiches action"] = format_integer(len(sheets))
        found["Fiches action engagées ou réalisées au 30 juin"] = format_integer(
            sum(
                1
                for sheet in sheets
                for outcome in sheet.outcomes.all()
                if outcome.stage == "mi_parcours" and outcome.progress in ("engagee", "realisee")
            )
        )
    if volet in (Volet.PROJECT_LEAD, Volet.LOCAL_SOLUTIONS):
        start = period_start(convention, year)
        half = first_half(results.volet2_rows(convention.collectivity), start, mid_year_of(convention, year))
        if half["nouveaux_entrants"] is None:
            found["Nouveaux entrants (indicateurs)"] = "aucune livraison de données sur la période"
        else:
            known = half["nouveaux_entrants"] - half["t0_inconnu"]
            share = f"{Decimal(100 * half['orientes_15_jours']) / known:.1f} %".replace(".", ",") if known else "—"
            since = (
                "depuis le début de la convention" if start == convention.start_date else f"depuis le {start:%d/%m/%Y}"
            )
            found[f"Nouveaux entrants {since}"] = format_integer(half["nouveaux_entrants"])
            found["Orientés en 15 jours (part des T0 connus)"] = (
                f"{format_integer(half['orientes_15_jours'])} ({share})"
            )
    if volet == Volet.TERRITORIAL_DEPLOYMENT:
        found["Actions de la feuille de route"] = format_integer(convention.roadmap_items.count())
    return found


def financed_volets(convention) -> list[Volet]:
    return [volet for volet, amount in convention.amounts.items() if amount > 0]


@dataclass(frozen=True)
class ConsolidatedRow:
    convention: Convention
    volet: Volet
    synthesis: MidYearSynthesis | None
    year: int

    @property
    def url(self) -> str:
        return synthesis_url(self.convention, self.volet, self.year)

    @property
    def committed_share(self) -> str:
        allocated = self.convention.amounts[self.volet]
        if self.synthesis is None or not allocated:
            return "—"
        return f"{Decimal(100) * self.synthesis.credits_committed / allocated:.1f} %".replace(".", ",")


def covered_years(conventions, asked: int) -> list[int]:
    """The years of a remontée the consolidation offers: every year the conventions cover, and the one asked for."""
    return sorted(conventions.years_covered() | {asked}, reverse=True)


def consolidate(conventions, year: int) -> list[ConsolidatedRow]:
    """Every financed volet of the conventions, with its synthesis of `year` when it was sent (two queries)."""
    conventions = list(conventions.select_related("collectivity__region").order_by("collectivity__code"))
    sent = {
        (s.convention_id, s.volet): s
        for s in MidYearSynthesis.objects.filter(convention__in=conventions, year=year).select_related("sent_by")
    }
    return [
        ConsolidatedRow(convention, volet, sent.get((convention.pk, volet.value)), year)
        for convention in conventions
        for volet in financed_volets(convention)
    ]


def region_summary(rows: list[ConsolidatedRow]) -> list[dict]:
    """Per region: volets expected, syntheses received, credits committed against the amounts of the volets."""
    by_region = {}
    for row in rows:
        region = row.convention.collectivity.region
        entry = by_region.setdefault(
            region.code,
            {
                "region": region,
                "expected": 0,
                "received": 0,
                "allocated": ZERO,
                "committed": ZERO,
            },
        )
        entry["expected"] += 1
        entry["allocated"] += row.convention.amounts[row.volet]
        if row.synthesis is not None:
            entry["received"] += 1
            entry["committed"] += row.synthesis.credits_committed
    return [by_region[code] for code in sorted(by_region)]


@transaction.atomic
def send(
    *,
    convention,
    volet: Volet,
    by,
    actions_engaged: str,
    difficulties: str,
    credits_committed: Decimal,
    year: int | None = None,
):
    """Write (or rewrite) the volet's synthesis of `year` (the first year by default) with the figures of today, and
    tell the DDETS: from the signature until the balance is settled, for a year of the convention begun by today,
    checked against the volet's amount under the convention's lock (an avenant applied meanwhile is read)."""
    from conventions.lifecycle import TransitionRefused
    from funding.reports import OUTCOME_STATES, locked_in
    from notifications.events import mid_year_sent

    convention = locked_in(
        convention.pk, OUTCOME_STATES, "La synthèse à mi-année s'écrit de la signature à l'arrêt du solde"
    )
    year = year or convention.start_date.year
    refusal = send_refusal(convention, volet, year, credits_committed, actions_engaged, date.today())
    if refusal:
        raise TransitionRefused([refusal])
    synthesis, _ = MidYearSynthesis.objects.update_or_create(
        convention=convention,
        year=year,
        volet=volet,
        defaults={
            "actions_engaged": actions_engaged.strip(),
            "difficulties": difficulties.strip(),
            "credits_committed": credits_committed,
            "figures": figures(convention, volet, year),
            "sent_by": by,
        },
    )
    mid_year_sent(synthesis, by, synthesis_url(convention, volet, year))
    return synthesis


def send_refusal(
    convention, volet: Volet, year: int, credits_committed: Decimal, actions_engaged: str, today: date
) -> str | None:
    """Why a volet's synthesis of `year` cannot be sent (the first reason), None when it can: a volet the
    convention finances, a year of it begun by `today`, credits within the volet's amount, actions described."""
    if volet not in financed_volets(convention):
        return f"Le {volet.label.lower()} n'est pas financé par cette convention."
    if year not in years_started(convention, today):
        return (
            f"La remontée à mi-année {year} ne s'écrit pas pour cette convention : elle couvre "
            f"{', '.join(str(y) for y in years_of(convention))}, et une année commencée."
        )
    allocated = convention.amounts[volet]
    if credits_committed > allocated:
        return (
            f"Les crédits engagés ({format_euros(credits_committed)}) dépassent le montant du "
            f"{volet.label.lower()} ({format_euros(allocated)})."
        )
    if not actions_engaged.strip():
        return "Décrivez les actions engagées au 30 juin."
    return None


def synthesis_url(convention, volet: Volet, year: int) -> str:
    """The page of a volet's synthesis of a year (the first year's without the year: the addresses sent before)."""
    from django.urls import reverse

    url = reverse("funding:mid_year", args=[convention.pk, volet.value])
    return url if year == convention.start_date.year else f"{url}?annee={year}"
