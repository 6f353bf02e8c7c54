"""Rules of the financing plan (R-FIN-01, 03, 05, 06, 11 and the volet 1 chefferie de projet), as
plain functions over plain values. Each check names its rule and the lines that break it."""

from dataclasses import dataclass, field
from decimal import ROUND_UP, Decimal

from config.formats import CENT, NBSP, ZERO, format_decimal, format_euros, format_percent
from conventions.volets import Volet
from funding.structure import ineligibility, section

# The 2024 campaign's minimum share of the département in volet 2 (a campaign passes its own).
HALF = Decimal("0.50")


@dataclass(frozen=True)
class Line:
    number: int  # the line's position, as shown to the user
    volet: int
    section: str
    nature: str
    state_amount: Decimal
    collectivity_amount: Decimal
    label: str = ""

    @property
    def counted(self) -> bool:
        return not section(self.volet, self.section).information_only


@dataclass(frozen=True)
class Check:
    rule: str
    ok: bool
    blocking: bool
    message: str
    lines: tuple[int, ...] = field(default_factory=tuple)


def totals(lines: list[Line], volet: int) -> tuple[Decimal, Decimal]:
    counted = [line for line in lines if line.volet == volet and line.counted]
    return (
        sum((line.state_amount for line in counted), ZERO),
        sum((line.collectivity_amount for line in counted), ZERO),
    )


def check_ceilings(lines: list[Line], ceilings: dict[int, Decimal | None]) -> list[Check]:
    """R-FIN-03: the State amount of each volet stays within the collectivité's ceiling."""
    checks = []
    for volet in Volet:
        state, _ = totals(lines, volet)
        ceiling = ceilings.get(volet)
        if ceiling is None:
            if state > 0:
                checks.append(Check("R-FIN-03", False, True, f"Volet {volet} : aucun plafond notifié pour ce volet."))
            continue
        if state > ceiling:
            checks.append(
                Check(
                    "R-FIN-03",
                    False,
                    True,
                    f"Volet {volet} : la part de l'État ({format_euros(state)}) dépasse le plafond "
                    f"({format_euros(ceiling)}) de {format_euros(state - ceiling)}.",
                    tuple(line.number for line in lines if line.volet == volet and line.counted),
                )
            )
        else:
            checks.append(
                Check(
                    "R-FIN-03",
                    True,
                    True,
                    f"Volet {volet} : dans le plafond ({format_euros(state)} sur {format_euros(ceiling)}).",
                )
            )
    return checks


def check_cofinancing(lines: list[Line], share: Decimal = HALF) -> Check:
    """R-FIN-03: the collectivité finances at least `share` of the total cost of volet 2 actions, overall (50 %
    in the 2024 campaign; each campaign sets its own)."""
    state, collectivity = totals(lines, 2)
    total = state + collectivity
    if total == 0:
        return Check("R-FIN-03", True, True, "Volet 2 : aucune action chiffrée.")
    shown = format_decimal(collectivity * 100 / total)
    minimum = format_percent(share)
    if collectivity >= total * share:
        return Check(
            "R-FIN-03", True, True, f"Volet 2 : cofinancement du département de {shown}{NBSP}% (au moins {minimum})."
        )
    if share >= 1:
        hint = f"la part de l'État doit être nulle : {format_euros(state)} en trop"
    else:
        more, less = cofinancing_missing(state, collectivity, share)
        hint = f"il manque {format_euros(more)} de part départementale, ou {format_euros(less)} de part État en moins"
    return Check(
        "R-FIN-03",
        False,
        True,
        f"Volet 2 : le département finance {shown}{NBSP}% du coût total, il faut au moins {minimum} ({hint}).",
        tuple(line.number for line in lines if line.volet == 2 and line.counted),
    )


def cofinancing_missing(state: Decimal, collectivity: Decimal, share: Decimal) -> tuple[Decimal, Decimal]:
    """What makes a volet 2 plan meet the département's minimum `share` (0 < share < 1), to the cent above: the
    départemental share to add, the State's unchanged, or the State share to take off, the département's unchanged.
    The département finances at least share × (State + département): département ≥ State × share / (1 − share),
    State ≤ département × (1 − share) / share. Adding `total × share − département` is not enough: the total
    grows with what is added (State 80 000 €, département 40 000 €: 40 000 € are missing, not 20 000 €)."""
    more = max(state * share / (1 - share) - collectivity, ZERO).quantize(CENT, rounding=ROUND_UP)
    less = max(state - collectivity * (1 - share) / share, ZERO).quantize(CENT, rounding=ROUND_UP)
    return more, min(less, state)


def check_volet_amounts(lines: list[Line], convention_amounts: dict[int, Decimal]) -> list[Check]:
    """R-FIN-01: credits are not fungible; each volet's State total matches the convention's amount."""
    checks = []
    for volet in Volet:
        state, _ = totals(lines, volet)
        expected = convention_amounts.get(volet, ZERO)
        if state != expected:
            checks.append(
                Check(
                    "R-FIN-01",
                    False,
                    state > expected,
                    f"Volet {volet} : la part de l'État du plan ({format_euros(state)}) diffère du montant de la "
                    f"convention ({format_euros(expected)}) ; les crédits ne passent pas d'un volet à l'autre.",
                )
            )
    return checks or [Check("R-FIN-01", True, True, "Chaque volet correspond au montant de la convention.")]


def check_natures(lines: list[Line], ineligible=None) -> list[Check]:
    """R-FIN-05 (volet 2 exclusions) and R-FIN-06 (ineligible natures of expense); `ineligible`: the campaign's
    list of natures refused (the instruction's by default)."""
    checks = []
    for rule in ("R-FIN-05", "R-FIN-06"):
        offending = []
        reasons = set()
        for line in lines:
            refused = ineligibility(line.nature, line.volet, ineligible)
            if refused is None or refused[0] != rule or not line.counted or line.state_amount == 0:
                continue
            offending.append(line.number)
            reasons.add(refused[1])
        if offending:
            checks.append(
                Check(
                    rule,
                    False,
                    True,
                    "Dépense non finançable par l'État : " + ", ".join(sorted(reasons)) + ".",
                    tuple(offending),
                )
            )
        else:
            checks.append(Check(rule, True, True, "Aucune dépense non finançable."))
    return checks


def check_project_lead(lines: list[Line]) -> Check:
    """R-FIN-02: the chefferie de projet of volet 1 is financed at 100 % by the State."""
    partial = [
        line.number
        for line in lines
        if line.volet == 1 and line.nature == "chefferie_projet" and line.collectivity_amount > 0
    ]
    if partial:
        return Check(
            "R-FIN-02",
            False,
            False,
            "Volet 1 : la chefferie de projet est financée à 100 % par l'État ; la part départementale est à reporter.",
            tuple(partial),
        )
    return Check("R-FIN-02", True, False, "Volet 1 : chefferie de projet financée à 100 % par l'État.")


def valorisation(lines: list[Line]) -> dict[int, Decimal]:
    """R-FIN-11: the collectivité's own means per volet, shown in the plan."""
    return {volet: totals(lines, volet)[1] for volet in Volet}


def check_plan(
    lines: list[Line],
    *,
    ceilings: dict[int, Decimal | None],
    convention_amounts: dict[int, Decimal],
    volet2_share: Decimal = HALF,
    ineligible=None,
) -> list[Check]:
    return [
        *check_ceilings(lines, ceilings),
        check_cofinancing(lines, volet2_share),
        *check_volet_amounts(lines, convention_amounts),
        *check_natures(lines, ineligible),
        check_project_lead(lines),
    ]


@dataclass(frozen=True)
class SheetBudget:
    """A fiche action's detailed budget (State share of its budget lines) and the State amount of the plan
    lines that claim it."""

    number: int
    budget_state: Decimal
    planned_state: Decimal


def check_action_budgets(budgets: list[SheetBudget], volet2_ceiling: Decimal | None) -> list[Check]:
    """R-SUIVI-03: a fiche action's budget is the plan lines it claims, and stays within the volet 2 ceiling.
    A fiche without a detailed budget is not checked."""
    checks = []
    for budget in budgets:
        if volet2_ceiling is not None and budget.budget_state > volet2_ceiling:
            checks.append(
                Check(
                    "R-SUIVI-03",
                    False,
                    True,
                    f"Fiche action {budget.number} : sa part État ({format_euros(budget.budget_state)}) dépasse "
                    f"le plafond du volet 2 ({format_euros(volet2_ceiling)}).",
                )
            )
        elif budget.budget_state != budget.planned_state:
            checks.append(
                Check(
                    "R-SUIVI-03",
                    False,
                    True,
                    f"Fiche action {budget.number} : son budget prévoit {format_euros(budget.budget_state)} de part "
                    f"État, les lignes du plan qui s'y rattachent {format_euros(budget.planned_state)}.",
                )
            )
    return checks or [Check("R-SUIVI-03", True, True, "Budgets des fiches action cohérents avec le plan.")]


def blocking_failures(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.ok and c.blocking]
