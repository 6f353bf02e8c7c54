"""The financing plan of a convention: its lines as rule inputs, its checks, and the preconditions of the
steps that fix the amounts (finalisation, signature, avenant)."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from config.formats import ZERO, format_euros
from conventions.volets import Volet
from funding import rules
from funding.models import Ceiling, PlanLine

Carried = TypeVar("Carried")  # a ceiling's amount or its row


def plan_open(convention) -> bool:
    """The financing plan may change while the convention is negotiated or an avenant is pending."""
    return convention.editable or convention.amendments.filter(applied_at__isnull=True).exists()


def lines_of(conventions) -> dict[int, list[rules.Line]]:
    """The rule lines of each convention's plan, numbered from 1 in the plan's order (one query for all)."""
    lines = {convention.pk: [] for convention in conventions}
    for line in PlanLine.objects.filter(convention__in=list(lines)).order_by(
        "convention_id", "volet", "position", "pk"
    ):
        found = lines[line.convention_id]
        found.append(
            rules.Line(
                number=len(found) + 1,
                volet=line.volet,
                section=line.section,
                nature=line.nature,
                state_amount=line.state_amount,
                collectivity_amount=line.collectivity_amount,
                label=line.purpose,
            )
        )
    return lines


def carried_ceilings(notified: Mapping[int, Carried], years) -> dict[int, Carried | None]:
    """R-FIN-03 in a multi-year campaign: a volet's ceiling (its amount, or its row) for each of `years` (in order),
    the year's when notified, else the latest notified before it (« réputé stable »); None before any."""
    result, carried = {}, None
    for year in years:
        carried = notified.get(year, carried)
        result[year] = carried
    return result


def ceilings_in_force(collectivities, year: int) -> dict[tuple[int, Volet], Ceiling]:
    """The ceiling in force in `year` for each volet of the collectivités that has one: the year's, else, in a
    multi-year campaign, the latest notified in an earlier year of the campaign (`carried_ceilings`; its `year`
    then says which)."""
    from campaigns.lookup import campaign_for

    campaign = campaign_for(year)
    first = campaign.first_year if campaign and campaign.multi_year and year in campaign.years else year
    notified = {}
    for ceiling in Ceiling.objects.filter(collectivity__in=collectivities, year__gte=first, year__lte=year):
        notified.setdefault((ceiling.collectivity_id, Volet(ceiling.volet)), {})[ceiling.year] = ceiling
    return {key: carried_ceilings(by_year, range(first, year + 1))[year] for key, by_year in notified.items()}


def ceilings_of(convention) -> dict[Volet, Decimal | None]:
    """The ceiling of each volet: the year's (R-FIN-03); for a multi-year convention, the sum of the ceilings of
    the campaign's years it covers (`carried_ceilings`: fewer once an avenant ends it earlier)."""
    return ceilings_by_convention([convention])[convention.pk]


def ceilings_by_convention(conventions) -> dict[int, dict[Volet, Decimal | None]]:
    """`ceilings_of` each convention (one query for all)."""
    from campaigns.lookup import campaign_of
    from funding.tranches import is_multi_year

    spans = {}
    for convention in conventions:
        campaign = campaign_of(convention)
        spans[convention.pk] = (
            [year for year in campaign.years if convention.start_date.year <= year <= convention.end_date.year]
            if is_multi_year(convention, campaign)
            else [convention.year]
        )
    if not spans:
        return {}
    notified = {}
    for collectivity_id, year, volet, amount in Ceiling.objects.filter(
        collectivity_id__in={convention.collectivity_id for convention in conventions},
        year__gte=min(years[0] for years in spans.values()),
        year__lte=max(years[-1] for years in spans.values()),
    ).values_list("collectivity_id", "year", "volet", "amount"):
        notified.setdefault((collectivity_id, Volet(volet)), {})[year] = amount
    result = {}
    for convention in conventions:
        years = spans[convention.pk]
        result[convention.pk] = {}
        for volet in Volet:
            in_span = {
                year: amount
                for year, amount in notified.get((convention.collectivity_id, volet), {}).items()
                if years[0] <= year <= years[-1]
            }
            known = [amount for amount in carried_ceilings(in_span, years).values() if amount is not None]
            result[convention.pk][volet] = sum(known, ZERO) if known else None
    return result


def checks(
    convention, amounts: dict[Volet, Decimal] | None, lines: list[rules.Line], ceilings: dict[Volet, Decimal | None]
) -> list[rules.Check]:
    """The plan's checks (its rule lines) against the convention's amounts, or against an avenant's (`amounts`)."""
    from campaigns.lookup import campaign_of

    campaign = campaign_of(convention)
    return rules.check_plan(
        lines,
        ceilings=ceilings,
        convention_amounts=amounts or convention.amounts,
        volet2_share=campaign.volet2_collectivity_share,
        ineligible=frozenset(campaign.ineligible_natures),
    )


def sheet_budgets_of(conventions) -> dict[int, list[rules.SheetBudget]]:
    """The State share of each fiche action of each convention: its budget and what the plan gives it (two
    queries for all)."""
    from django.db.models import Sum

    from action_plans.models import ActionSheet

    budgets = {convention.pk: [] for convention in conventions}
    planned = dict(
        PlanLine.objects.filter(convention__in=list(budgets), action_sheet__isnull=False)
        .values_list("action_sheet")
        .annotate(total=Sum("state_amount"))
    )
    for sheet in (
        ActionSheet.objects.filter(convention__in=list(budgets), budget_lines__isnull=False)
        .annotate(budget_state=Sum("budget_lines__state_amount"))
        .order_by("convention_id", "number")
    ):
        budgets[sheet.convention_id].append(
            rules.SheetBudget(sheet.number, sheet.budget_state, planned.get(sheet.pk) or ZERO)
        )
    return budgets


def budget_line_refusal(sheet, state_amount: Decimal) -> str | None:
    """R-SUIVI-03: a new budget line may not bring the fiche's State share beyond the volet 2 ceiling."""
    from django.db.models import Sum

    ceiling = ceilings_of(sheet.convention)[Volet.LOCAL_SOLUTIONS]
    budget = (sheet.budget_lines.aggregate(total=Sum("state_amount"))["total"] or 0) + state_amount
    if ceiling is not None and budget > ceiling:
        return (
            f"La part État de l'action {sheet.number} atteindrait {format_euros(budget)}, au-delà du plafond du "
            f"volet 2 ({format_euros(ceiling)}) (R-SUIVI-03)."
        )
    return None


def allocation_breaches_of(convention) -> list:
    """The convention's amounts (or an avenant's, on the convention as the avenant would make it) against the
    ceilings and the volet 3 selection (R-FIN-03, R-CONV-04)."""
    from funding.money import allocation_breaches
    from funding.payments import money_of

    return [breach for money in money_of(convention).values() for breach in allocation_breaches(money)]


@dataclass(frozen=True)
class PlanReading:
    """What the plan page's checks and the finalisation's refusals read from the database, read once: the plan's
    rule lines, the amounts' breaches, the plan's checks and the fiches' budget checks."""

    lines: list[rules.Line]
    breaches: list
    plan: list[rules.Check]
    budget: list[rules.Check]
    has_action_sheets: bool
    has_roadmap: bool


def read_plan(convention, amounts: dict[Volet, Decimal] | None = None) -> PlanReading:
    return read_plans([convention], {convention.pk: amounts} if amounts else None)[convention.pk]


def read_plans(conventions, amounts: Mapping[int, dict[Volet, Decimal]] | None = None) -> dict[int, PlanReading]:
    """`read_plan` of each convention, each against its own amounts or those given for it, in a fixed number of
    queries whatever the number of conventions (the to-do of a national account reads a hundred plans)."""
    from action_plans.models import ActionSheet, RoadmapItem
    from funding.money import allocation_breaches
    from funding.payments import monies_of

    amounts = amounts or {}
    lines = lines_of(conventions)
    ceilings = ceilings_by_convention(conventions)
    monies = monies_of(conventions, allocated=amounts, ceilings=ceilings)
    budgets = sheet_budgets_of(conventions)
    pks = [convention.pk for convention in conventions]
    with_sheets = set(ActionSheet.objects.filter(convention__in=pks).values_list("convention_id", flat=True))
    with_roadmap = set(RoadmapItem.objects.filter(convention__in=pks).values_list("convention_id", flat=True))
    return {
        c.pk: PlanReading(
            lines[c.pk],
            [breach for money in monies[c.pk].values() for breach in allocation_breaches(money)],
            checks(c, amounts.get(c.pk), lines[c.pk], ceilings[c.pk]),
            rules.check_action_budgets(budgets[c.pk], ceilings[c.pk][Volet.LOCAL_SOLUTIONS]),
            c.pk in with_sheets,
            c.pk in with_roadmap,
        )
        for c in conventions
    }


def page_checks(convention, reading: PlanReading | None = None) -> list[rules.Check]:
    """Everything the plan page shows: the convention's amounts, the plan, the fiches' budgets."""
    reading = reading or read_plan(convention)
    allocation = [rules.Check(b.rule, False, True, f"Convention : {b.message}.") for b in reading.breaches] or [
        rules.Check("R-FIN-03", True, True, "Montants de la convention dans les plafonds notifiés.")
    ]
    return [*allocation, *reading.plan, *reading.budget]


def amount_refusals(
    convention, amounts: dict[Volet, Decimal] | None = None, reading: PlanReading | None = None
) -> list[str]:
    """The convention's amounts themselves (R-FIN-03, R-CONV-04), the plan that details them (R-FIN-01: the
    same State total per volet, and no blocking rule broken) and the action plan behind each financed volet
    (R-SUIVI-03, R-SUIVI-04). Checked when the convention is finalised and signed and when an avenant is agreed;
    `reading`: the plan read for these amounts already (the plan page's)."""
    amounts = amounts or convention.amounts
    reading = reading or read_plan(convention, amounts)
    reasons = [f"{breach.message} ({breach.rule})." for breach in reading.breaches]
    for volet in Volet:
        state, _ = rules.totals(reading.lines, volet)
        if state != amounts[volet]:
            reasons.append(
                f"Plan de financement : la part de l'État du {volet.label.lower()} ({format_euros(state)}) doit être "
                f"égale au montant de la convention ({format_euros(amounts[volet])}) (R-FIN-01)."
            )
    reasons += [
        f"Plan de financement : {c.message} ({c.rule})"
        for c in rules.blocking_failures(reading.plan)
        if c.rule != "R-FIN-01"
    ]
    reasons += [f"{c.message} ({c.rule})" for c in rules.blocking_failures(reading.budget)]
    if amounts[Volet.LOCAL_SOLUTIONS] > 0 and not reading.has_action_sheets:
        reasons.append("Le volet 2 est financé : au moins une fiche action est attendue (annexe 1, R-SUIVI-03).")
    if amounts[Volet.TERRITORIAL_DEPLOYMENT] > 0 and not reading.has_roadmap:
        reasons.append("Le volet 3 est financé : la feuille de route est attendue (annexe 3, R-SUIVI-04).")
    return reasons


def allocation_refusals(convention, on) -> list[str]:
    """The convention's amounts against the ceilings and the volet 3 selection only (an avenant proposed)."""
    return [f"{breach}." for breach in allocation_breaches_of(convention)]


def amendment_tranche_refusals(convention, on) -> list[str]:
    """Precondition of an avenant proposed and applied: a year whose advance is approved or paid stays one of the
    convention's years, and a multi-year convention's tranches can follow the new amounts
    (`funding.tranches.rebalanced`, applied by `funding.services.rebalance_tranches_at`) with each approved or paid
    advance within its year's tranche (R-FIN-07)."""
    from funding.models import PaymentKind, PaymentStatus
    from funding.tranches import rebalanced, removed_year_refusals, tranches_of, year_breaches

    tranches = tranches_of(convention)
    engaged = list(
        convention.payments.filter(
            kind=PaymentKind.ADVANCE, status__in=[PaymentStatus.APPROVED, PaymentStatus.PAID]
        ).order_by("volet", "year")
    )
    refusals = removed_year_refusals(
        tranches.keys(),
        [(Volet(p.volet), p.year, p.amount, p.status == PaymentStatus.PAID) for p in engaged],
    )
    if len(tranches) > 1:
        result, unreachable = rebalanced(convention.amounts, tranches, engaged_years(convention))
        refusals += unreachable
        refusals += [
            f"{breach}."
            for p in engaged
            if p.year in result
            for breach in year_breaches(Volet(p.volet), p.year, result[p.year][Volet(p.volet)], p.amount)
        ]
    return refusals


def engaged_years(convention) -> set[int]:
    """The years whose advance is proposed, approved or paid."""
    return set(convention.payments.filter(kind="avance").exclude(status="annulee").values_list("year", flat=True))


def finalisation_refusals(convention, on) -> list[str]:
    """Lifecycle precondition of finalisation and signature."""
    return amount_refusals(convention)


def finalisation_refusals_of(conventions) -> dict[int, list[str]]:
    """`finalisation_refusals` of each convention, its plan read with the others' (`read_plans`)."""
    readings = read_plans(conventions)
    return {convention.pk: amount_refusals(convention, reading=readings[convention.pk]) for convention in conventions}


def tranche_refusals(convention, on) -> list[str]:
    """Finalisation and signature of a multi-year convention: its annual tranches add up to its amounts
    (R-FIN-01)."""
    from funding.tranches import sum_refusals, tranches_of

    tranches = tranches_of(convention)
    return sum_refusals(convention.amounts, tranches, tranches.keys()) if len(tranches) > 1 else []
