"""The mid-year remontée (instruction §III.3): each financed volet of a convention, what the conseil
départemental has engaged by 30 June, with the figures the platform already has pre-filled; its consolidation
by region and nationally for the DREETS and the DGEFP."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from config.formats import format_euros, format_integer
from conventions.models import Convention
from conventions.volets import Volet
from funding.models import MidYearSynthesis

MID_YEAR = (6, 30)


def mid_year_of(convention) -> date:
    return date(convention.start_date.year, *MID_YEAR)


def first_half(rows: list[dict], start: date, until: date) -> dict[str, int | None]:
    """New entrants and those oriented within 15 days from the start of the convention to `until`, from the
    monthly volet 2 rows (a month without data counts for nothing; None when no month has data)."""
    months = [r for r in rows if start <= r["mois"] <= until and r.get("nouveaux_entrants") is not None]
    if not months:
        return {"nouveaux_entrants": None, "orientes_15_jours": None, "t0_inconnu": None}
    return {
        name: sum(r.get(name) or 0 for r in months) for name in ("nouveaux_entrants", "orientes_15_jours", "t0_inconnu")
    }


def figures(convention, volet: Volet) -> dict[str, str]:
    """What the platform knows of the volet at 30 June, as the page writes it."""
    from funding.payments import money_of
    from indicators import results

    money = money_of(convention)[volet]
    planned = sum(convention.plan_lines.filter(volet=volet).values_list("state_amount", flat=True), Decimal("0.00"))
    found = {
        "Montant de la convention": format_euros(money.allocated),
        "Part de l'État au plan de financement": format_euros(planned),
        "Versé par l'État": format_euros(money.paid),
    }
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
        half = first_half(results.volet2_rows(convention.collectivity), convention.start_date, mid_year_of(convention))
        if half["nouveaux_entrants"] is None:
            found["Nouveaux entrants (indicateurs)"] = "aucune livraison de données sur la période"
        else:
            known = half["nouveaux_entrants"] - half["t0_inconnu"]
            share = f"{Decimal(100 * half['orientes_15_jours']) / known:.1f} %".replace(".", ",") if known else "—"
            found["Nouveaux entrants depuis le début de la convention"] = format_integer(half["nouveaux_entrants"])
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

    @property
    def committed_share(self) -> str:
        allocated = self.convention.amounts[self.volet]
        if self.synthesis is None or not allocated:
            return "—"
        return f"{Decimal(100) * self.synthesis.credits_committed / allocated:.1f} %".replace(".", ",")


def consolidate(conventions) -> list[ConsolidatedRow]:
    """Every financed volet of the conventions, with its synthesis when it was sent (two queries)."""
    conventions = list(conventions.select_related("collectivity__region").order_by("collectivity__code"))
    sent = {
        (s.convention_id, s.volet): s
        for s in MidYearSynthesis.objects.filter(convention__in=conventions).select_related("sent_by")
    }
    return [
        ConsolidatedRow(convention, volet, sent.get((convention.pk, volet.value)))
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
                "allocated": Decimal("0.00"),
                "committed": Decimal("0.00"),
            },
        )
        entry["expected"] += 1
        entry["allocated"] += row.convention.amounts[row.volet]
        if row.synthesis is not None:
            entry["received"] += 1
            entry["committed"] += row.synthesis.credits_committed
    return [by_region[code] for code in sorted(by_region)]


@transaction.atomic
def send(*, convention, volet: Volet, by, actions_engaged: str, difficulties: str, credits_committed: Decimal):
    """Write (or rewrite) the volet's synthesis with the figures of today, and tell the DDETS: from the signature
    until the balance is settled, checked against the volet's amount under the convention's lock (an avenant
    applied meanwhile is read)."""
    from django.urls import reverse

    from conventions.lifecycle import TransitionRefused
    from funding.reports import OUTCOME_STATES, locked_in
    from notifications.events import mid_year_sent

    convention = locked_in(
        convention.pk, OUTCOME_STATES, "La synthèse à mi-année s'écrit de la signature à l'arrêt du solde"
    )
    if volet not in financed_volets(convention):
        raise TransitionRefused([f"Le {volet.label.lower()} n'est pas financé par cette convention."])
    allocated = convention.amounts[volet]
    if credits_committed > allocated:
        raise TransitionRefused(
            [
                f"Les crédits engagés ({format_euros(credits_committed)}) dépassent le montant du "
                f"{volet.label.lower()} ({format_euros(allocated)})."
            ]
        )
    if not actions_engaged.strip():
        raise TransitionRefused(["Décrivez les actions engagées au 30 juin."])
    synthesis, _ = MidYearSynthesis.objects.update_or_create(
        convention=convention,
        volet=volet,
        defaults={
            "actions_engaged": actions_engaged.strip(),
            "difficulties": difficulties.strip(),
            "credits_committed": credits_committed,
            "figures": figures(convention, volet),
            "sent_by": by,
        },
    )
    mid_year_sent(synthesis, by, reverse("funding:mid_year", args=[convention.pk, volet.value]))
    return synthesis
