"""Reading many conventions' plans at once (`plans.read_plans`, `payments.monies_of`: the to-do of a national
account) gives, for each, what reading it alone gives, in a number of queries that does not grow with them."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from campaigns.lookup import campaigns_read_once
from conventions.models import Volet3Selection
from conventions.volets import Volet
from funding import payments, plans
from territories.models import Collectivity
from tests.factories import (
    ActionSheetFactory,
    CeilingFactory,
    ConventionFactory,
    PlanLineFactory,
    UserFactory,
    signed,
    triennial,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def conventions():
    """Conventions whose readings differ in every part: a triennial one (ceilings carried over three years, its
    plan and fiche), a signed one with its advances proposed, a plan breaking rules with a fiche's budget beyond
    the volet 2 ceiling, volet 3 financed with and without selection, and an empty draft."""
    agent = UserFactory(role=Role.DGEFP)
    found = [triennial("73D")]
    ain = Collectivity.objects.get(code="01D")
    amounts = {"amount_volet1": D("150000.00"), "amount_volet2": D("300000.00")}
    found.append(signed(ConventionFactory(collectivity=ain, **amounts), agent))
    isere = Collectivity.objects.get(code="38D")
    breaking = ConventionFactory(collectivity=isere, amount_volet2=D("1000000.00"), state="negociation")
    CeilingFactory(collectivity=isere, volet=Volet.LOCAL_SOLUTIONS, amount=D("800000.00"))
    PlanLineFactory(convention=breaking, volet=Volet.LOCAL_SOLUTIONS, state_amount=D("900000.00"),
                    collectivity_amount=D("100000.00"), nature="frais_mission")  # fmt: skip
    sheet = ActionSheetFactory(convention=breaking)
    sheet.budget_lines.create(item="Ateliers", state_amount=D("850000.00"), collectivity_amount=D("0.00"))
    found.append(breaking)
    nord = Collectivity.objects.get(code="59D")
    Volet3Selection.objects.create(collectivity=nord, year=2024)
    found.append(ConventionFactory(collectivity=nord, amount_volet3=D("500000.00"), state="negociation"))
    found.append(ConventionFactory(collectivity=Collectivity.objects.get(code="69D"), amount_volet3=D("1.00")))
    found.append(ConventionFactory(collectivity=Collectivity.objects.get(code="02D")))
    return found


def test_each_reading_is_the_reading_of_the_convention_alone(conventions):
    together = plans.read_plans(conventions)
    monies = payments.monies_of(conventions)
    refusals = plans.finalisation_refusals_of(conventions)
    for convention in conventions:
        assert together[convention.pk] == plans.read_plan(convention)
        assert monies[convention.pk] == payments.money_of(convention)
        assert refusals[convention.pk] == plans.finalisation_refusals(convention, date(2024, 1, 15))
    # the conventions differ where it matters, so that the comparison above could fail
    assert len({len(refusals[c.pk]) for c in conventions}) >= 3
    assert together[conventions[2].pk].budget != together[conventions[0].pk].budget


def test_an_avenants_amounts_replace_the_conventions_own_for_that_convention_only(conventions):
    ain = conventions[1]
    lowered = {**ain.amounts, Volet.LOCAL_SOLUTIONS: D("100000.00")}
    together = plans.read_plans(conventions, {ain.pk: lowered})
    assert together[ain.pk] == plans.read_plan(ain, lowered)
    assert together[conventions[0].pk] == plans.read_plan(conventions[0])


def test_reading_more_conventions_costs_no_more_queries(conventions):
    with campaigns_read_once():  # as within a request
        with CaptureQueriesContext(connection) as two:
            plans.finalisation_refusals_of(conventions[:2])
        with CaptureQueriesContext(connection) as all_of_them:
            plans.finalisation_refusals_of(conventions)
    assert len(all_of_them.captured_queries) <= len(two.captured_queries)
