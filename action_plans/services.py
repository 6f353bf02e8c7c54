"""Named write functions of the action plan."""

from decimal import Decimal

from django.db import transaction

from action_plans.models import ActionBudgetLine, ActionSheet
from conventions.lifecycle import TransitionRefused
from funding.plans import budget_line_refusal
from funding.services import locked_open_plan


@transaction.atomic
def budget_line_add(
    *, sheet_id: int, item: str, state_amount: Decimal, collectivity_amount: Decimal
) -> ActionBudgetLine:
    """R-SUIVI-03: a budget line of a fiche action, refused when the fiche's State share would pass the volet 2
    ceiling; checked under the convention's lock, so that two lines added at once cannot pass it together."""
    sheet = ActionSheet.objects.get(pk=sheet_id)
    locked_open_plan(sheet.convention_id)
    refusal = budget_line_refusal(sheet, state_amount)
    if refusal:
        raise TransitionRefused([refusal])
    return ActionBudgetLine.objects.create(
        sheet=sheet, item=item, state_amount=state_amount, collectivity_amount=collectivity_amount
    )
