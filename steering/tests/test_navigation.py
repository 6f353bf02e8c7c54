"""Dashboards a person can read: a totals row and a year selector nationally, a « Pilotage » menu for the
DREETS, and no breadcrumb to a page the person cannot open."""

import pytest
from django.urls import reverse

from accounts.models import Role
from territories.models import Collectivity, Region
from tests.factories import ConventionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_national_dashboard_has_a_totals_row_and_a_year_selector(client):
    ConventionFactory(collectivity=Collectivity.objects.get(code="01D"), year=2025)
    client.force_login(UserFactory(role=Role.DGEFP))
    page = client.get(reverse("steering:national"), {"annee": 2025}).content.decode()
    assert 'data-testid="national-total"><th scope="row">Total national</th>' in page
    assert '<option value="2025" selected>2025</option>' in page and '<option value="2024"' not in page
    sheet = client.get(reverse("steering:national"), {"annee": 2025, "format": "csv"}).content.decode("utf-8-sig")
    assert sheet.splitlines()[-1].startswith(";Total national;")


def test_a_dreets_has_its_pilotage_menu_and_no_link_to_the_national_page(client):
    ara = Region.objects.get(code="84")
    client.force_login(UserFactory(role=Role.DREETS, region=ara))
    home = client.get("/").content.decode()
    assert f'href="{reverse("steering:region", args=["84"])}">Pilotage</a>' in home
    region = client.get(reverse("steering:region", args=["84"])).content.decode()
    assert 'href="/pilotage/"' not in region
    assert client.get(reverse("steering:national")).status_code == 404
    collectivity = client.get(reverse("steering:collectivity", args=["01D"])).content.decode()
    assert 'href="/pilotage/"' not in collectivity
    assert reverse("steering:region", args=["84"]) in collectivity


def test_a_council_agent_sees_no_regional_breadcrumb(client):
    client.force_login(UserFactory(role=Role.DEPARTMENTAL_COUNCIL, collectivity=Collectivity.objects.get(code="01D")))
    page = client.get(reverse("steering:collectivity", args=["01D"])).content.decode()
    assert reverse("steering:region", args=["84"]) not in page and 'href="/pilotage/"' not in page


def test_the_collectivity_dashboard_shows_the_same_to_dos_as_the_home_page(client):
    from decimal import Decimal

    isere = Collectivity.objects.get(code="38D")
    ConventionFactory(collectivity=isere, amount_volet1=Decimal("100000.00"))  # a draft: the DDETS opens it
    ddets = UserFactory(role=Role.DDETS, departement=isere.departements.get())
    client.force_login(ddets)
    dashboard = client.get(reverse("steering:collectivity", args=["38D"])).content.decode()
    home = client.get("/").content.decode()
    assert "Ouvrir la négociation : Convention 2024 – Isère" in dashboard
    assert "Ouvrir la négociation : Convention 2024 – Isère" in home
    other = client.get(reverse("steering:collectivity", args=["38D"]), {"annee": 2024}).content.decode()
    assert other.count('data-testid="task"') == dashboard.count('data-testid="task"') == 1
