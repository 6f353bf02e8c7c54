"""The financing plan of a convention: its lines as rule inputs, its checks, and the lifecycle hook."""

from decimal import Decimal

from funding import rules
from funding.models import Ceiling, PlanLine


def rule_lines(convention) -> list[rules.Line]:
    return [
        rules.Line(
            number=index,
            volet=line.volet,
            section=line.section,
            nature=line.nature,
            state_amount=line.state_amount,
            collectivity_amount=line.collectivity_amount,
            label=line.purpose,
        )
        for index, line in enumerate(
            PlanLine.objects.filter(convention=convention).order_by("volet", "position", "pk"), 1
        )
    ]


def ceilings_of(convention) -> dict[int, Decimal | None]:
    found = dict(
        Ceiling.objects.filter(collectivity=convention.collectivity, year=convention.year).values_list(
            "volet", "amount"
        )
    )
    return {volet: found.get(volet) for volet in (1, 2, 3)}


def checks(convention) -> list[rules.Check]:
    return rules.check_plan(
        rule_lines(convention),
        ceilings=ceilings_of(convention),
        convention_amounts={1: convention.amount_volet1, 2: convention.amount_volet2, 3: convention.amount_volet3},
    )


def finalisation_refusals(convention, on) -> list[str]:
    """Lifecycle precondition: no convention is finalised while its plan breaks a blocking rule."""
    return [f"Plan de financement : {c.message} ({c.rule})" for c in rules.blocking_failures(checks(convention))]
