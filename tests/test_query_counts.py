"""The number of SQL queries of each list page, for each role, is bounded (written here): a page must not make
one query per collectivité or per convention (the conventions list made 109 for a national France Travail
account, because a scope query ran before a free role test)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from territories.models import Collectivity
from tests.factories import ConventionFactory, UserFactory, signed, triennial

ROLES = {
    "dgefp": {"role": Role.DGEFP},
    "dreets": {"role": Role.DREETS, "region": "84"},
    "ddets": {"role": Role.DDETS, "departement": "01"},
    "conseil": {"role": Role.DEPARTMENTAL_COUNCIL, "collectivity": "01D"},
    "france-travail-national": {"role": Role.FRANCE_TRAVAIL},
    "france-travail-ain": {"role": Role.FRANCE_TRAVAIL, "departement": "01"},
}
# page → the most queries it may make, whatever the role (every collectivité of the reference data is there,
# a few conventions at different steps)
PAGES = {
    "home": 20,
    "territories:region_list": 12,
    "territories:collectivity_list": 12,
    "conventions:list": 16,
    "funding:consolidation": 16,
    "funding:ceilings": 16,
    "offer:dashboard": 16,
    "offer:search": 16,
    "offer:duplicates": 16,
    "steering:national": 24,
}


def agent(name):
    from territories.models import Departement, Region

    scope = dict(ROLES[name])
    if "region" in scope:
        scope["region"] = Region.objects.get(code=scope["region"])
    if "departement" in scope:
        scope["departement"] = Departement.objects.get(code=scope["departement"])
    if "collectivity" in scope:
        scope["collectivity"] = Collectivity.objects.get(code=scope["collectivity"])
    return UserFactory(username=f"agent-{name}", **scope)


@pytest.fixture
def conventions(db):
    state_agent = UserFactory(role=Role.DGEFP, username="dgefp-preparation")
    for code in ("01D", "38D", "69D", "59D"):
        ConventionFactory(collectivity=Collectivity.objects.get(code=code), amount_volet1=Decimal("100000.00"))
    signed(
        ConventionFactory(collectivity=Collectivity.objects.get(code="07D"), amount_volet1=Decimal("100000.00")),
        state_agent,
    )
    # multi-year conventions running, their later years' advances awaited: the to-do and the consolidation read
    # their tranches, in one query for all of them
    for code in ("26D", "73D", "74D"):
        signed(triennial(code, even_tranches=True), state_agent, on=date(2025, 3, 8))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_list_pages_make_a_bounded_number_of_queries(client, conventions, django_assert_max_num_queries, role, page):
    client.force_login(agent(role))
    with django_assert_max_num_queries(PAGES[page]):
        response = client.get(reverse(page), {"annee": 2024})
    assert response.status_code in (200, 404)


def test_the_national_home_page_reads_no_plan_of_the_conventions_the_ddets_negotiate(
    client, db, django_assert_max_num_queries
):
    """In January every convention is in negotiation and its to-do reads its plan (about ten queries each): the
    national home page made 1 112 queries for a hundred of them. Those steps are the DDETS's (funding.todo)."""
    for collectivity in Collectivity.objects.filter(code__in=["01D", "38D", "69D", "59D", "73D", "74D", "26D"]):
        UserFactory(role=Role.DDETS, departement=collectivity.departements.first(), username=f"ddets-{collectivity.pk}")
        ConventionFactory(collectivity=collectivity, amount_volet1=Decimal("100000.00"), state="negociation")
    client.force_login(agent("dgefp"))
    with django_assert_max_num_queries(PAGES["home"]):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_a_collectivitys_dashboard_reads_the_plans_of_its_own_conventions_only(
    client, db, django_assert_max_num_queries
):
    """Its « À faire » is the person's tasks about that collectivité: they were computed for the whole scope, then
    filtered (for the DGEFP with no DDETS agent to take the steps: every negotiated plan of the country read)."""
    for code in ["01D", "38D", "69D", "59D", "73D", "74D", "26D"]:
        ConventionFactory(
            collectivity=Collectivity.objects.get(code=code), amount_volet1=Decimal("100000.00"), state="negociation"
        )
    client.force_login(agent("dgefp"))
    with django_assert_max_num_queries(45):
        response = client.get(reverse("steering:collectivity", args=["01D"]))
    assert "Négocier le plan de financement : Convention 2024 – Ain" in response.content.decode()
    assert "Isère" not in response.content.decode()


def test_the_national_home_page_reads_the_plans_it_lists_together(client, db, django_assert_max_num_queries):
    """Where no DDETS agent follows the conventions, the DGEFP takes their steps and its to-do reads every plan in
    negotiation: read together (funding.plans.read_plans), not one convention after the other."""
    codes = ["01D", "38D", "69D", "59D", "73D", "74D", "26D"]
    for code in codes:
        ConventionFactory(
            collectivity=Collectivity.objects.get(code=code), amount_volet1=Decimal("100000.00"), state="negociation"
        )
    client.force_login(agent("dgefp"))
    with django_assert_max_num_queries(30):
        response = client.get(reverse("home"))
    assert response.content.decode().count("Négocier le plan de financement : Convention 2024") == len(codes)
