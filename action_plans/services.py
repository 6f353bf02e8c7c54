"""Named write functions of the action plan: each under the convention's lock, while its plans may still change
(a finalisation then waits for the write, or the write for the finalisation, and the signed text is the data's)."""

from decimal import Decimal

from django.db import IntegrityError, transaction

from action_plans.models import ActionBudgetLine, ActionSheet, PlanItem
from conventions.lifecycle import ConcurrentEdit, TransitionRefused
from funding.plans import budget_line_refusal
from funding.services import locked_open_plan

ACTION_PLAN = "Le plan d'action"


@transaction.atomic
def plan_item_save(
    *, model: type[PlanItem], convention_id: int, item_id: int | None, lock_version: int | None, values: dict
) -> PlanItem:
    """A new item of the action plan (item_id None) or the values of an existing one as the editor saw and changed
    them: refused when someone changed the item meanwhile, or when another item already has its number or axis."""
    locked_open_plan(convention_id, ACTION_PLAN)
    if item_id is None:
        item = model(convention_id=convention_id)
    else:
        item = model.objects.select_for_update().filter(convention_id=convention_id, pk=item_id).first()
        if item is None:
            raise ConcurrentEdit(
                [f"{model.noun.this.capitalize()} n'est plus dans le plan d'action : rechargez la page."]
            )
        if item.lock_version != lock_version:
            raise ConcurrentEdit(
                [
                    f"« {item} » : {model.noun.text} {model.noun.agreed('modifié')} par quelqu'un d'autre depuis "
                    "l'affichage de la page ; rien n'a été enregistré, rechargez la page pour voir la version actuelle."
                ]
            )
        item.lock_version += 1
    for name, value in values.items():
        setattr(item, name, value)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise TransitionRefused(
            [f"{model.noun.this.capitalize()} existe déjà pour cette convention (numéro ou axe en double)."]
        ) from None
    return item


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
