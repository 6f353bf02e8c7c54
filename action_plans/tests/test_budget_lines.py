"""The budget lines of a fiche action, written by the service: the volet 2 ceiling (R-SUIVI-03) and the plan's
freeze after finalisation, checked under the convention's lock."""

from decimal import Decimal

import pytest

from action_plans import services
from action_plans.models import ActionBudgetLine
from conventions.lifecycle import TransitionRefused
from conventions.models import ConventionState
from conventions.volets import Volet
from territories.models import Collectivity
from tests.factories import ActionSheetFactory, CeilingFactory, ConventionFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def sheet():
    isere = Collectivity.objects.get(code="38D")
    CeilingFactory(collectivity=isere, volet=Volet.LOCAL_SOLUTIONS, amount=D("100000.00"))
    return ActionSheetFactory(convention=ConventionFactory(collectivity=isere, state=ConventionState.NEGOTIATION))


def test_a_line_within_the_ceiling_is_added_and_one_beyond_it_refused(sheet):
    services.budget_line_add(
        sheet_id=sheet.pk, item="Référents", state_amount=D("60000.00"), collectivity_amount=D("0")
    )
    with pytest.raises(TransitionRefused, match="atteindrait 100\u00a0000,01\u00a0€, au-delà du plafond du volet 2"):
        services.budget_line_add(
            sheet_id=sheet.pk, item="Ateliers", state_amount=D("40000.01"), collectivity_amount=D("0")
        )
    services.budget_line_add(sheet_id=sheet.pk, item="Ateliers", state_amount=D("40000.00"), collectivity_amount=D("0"))
    assert sorted(ActionBudgetLine.objects.values_list("item", "state_amount")) == [
        ("Ateliers", D("40000.00")),
        ("Référents", D("60000.00")),
    ]


def test_no_line_once_the_plan_is_frozen(sheet):
    sheet.convention.state = ConventionState.FINALISED
    sheet.convention.save()
    with pytest.raises(TransitionRefused, match="Le plan de financement n'est plus modifiable"):
        services.budget_line_add(sheet_id=sheet.pk, item="Référents", state_amount=D("1"), collectivity_amount=D("0"))
    assert not ActionBudgetLine.objects.exists()
