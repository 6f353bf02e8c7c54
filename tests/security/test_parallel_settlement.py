"""Finding 9 of the security audit (continued): two « arrêter le solde » POSTs at the same time gave a 500.
Both are answered with a page; one settles, the other is refused in French; one balance per volet."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from conventions import lifecycle
from conventions.volets import Volet
from funding import reports
from funding.models import VoletBalance
from territories.models import Collectivity
from tests.concurrency import at_the_same_moment
from tests.factories import CeilingFactory, ConventionFactory, advances_paid, signed


def moved(convention, name, by, on, **values):
    convention.refresh_from_db()
    lifecycle.apply_transition(
        name, convention=convention, by=by, on=on, lock_version=convention.lock_version, **values
    )


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_settlements_end_with_one_and_a_french_refusal(make_user, territories):
    agent = make_user(Role.DDETS, "01")
    ain = Collectivity.objects.get(code="01D")
    CeilingFactory(collectivity=ain, volet=Volet.PROJECT_LEAD, amount=Decimal("280000.00"))
    CeilingFactory(collectivity=ain, volet=Volet.LOCAL_SOLUTIONS, amount=Decimal("1100000.00"))
    convention = signed(
        ConventionFactory(collectivity=ain, amount_volet1=Decimal("180000.00"), amount_volet2=Decimal("950000.00")),
        agent,
    )
    advances_paid(convention, agent, make_user(Role.DGEFP))
    moved(convention, "start_execution", agent, date(2024, 4, 3))
    convention.refresh_from_db()
    reports.report_replace(
        convention=convention,
        lines=[{"volet": 1, "section": "equipes_cd", "nature": "chefferie_projet", "purpose": "Cheffe de projet",
                "amount": Decimal("150000.00"), "position": 5}],
    )  # fmt: skip
    moved(convention, "receive_final_report", agent, date(2025, 2, 15))

    def settle():
        client = Client()
        client.force_login(agent)
        response = client.post(reverse("funding:settle", args=[convention.pk]), follow=True)
        return response.status_code, response.content.decode()

    answers = at_the_same_moment(settle, settle)
    assert [status for status, _ in answers] == [200, 200]
    pages = " ".join(page for _, page in answers)
    assert "Solde arrêté par volet" in pages and "Solde refusé" in pages
    volets = list(VoletBalance.objects.filter(convention=convention).values_list("volet", flat=True))
    assert volets and len(volets) == len(set(volets))  # one balance per volet, not two
