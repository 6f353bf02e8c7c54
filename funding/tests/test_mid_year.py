"""The mid-year remontée (instruction §III.3) per volet, its consolidation, and the implementation report
(article 3.2): pages, rules, API."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse

from accounts.models import Role
from funding.mid_year import first_half
from funding.models import FinancialReport, MidYearSynthesis
from notifications.models import Notification
from territories.models import Collectivity
from tests.factories import ConventionFactory, UserFactory, signed


def test_first_half_sums_the_months_from_the_start_to_30_june():
    rows = [
        {"mois": date(2024, 1, 1), "nouveaux_entrants": None, "orientes_15_jours": None, "t0_inconnu": None},
        {"mois": date(2024, 2, 1), "nouveaux_entrants": 10, "orientes_15_jours": 4, "t0_inconnu": 1},
        {"mois": date(2024, 6, 1), "nouveaux_entrants": 5, "orientes_15_jours": 5, "t0_inconnu": 0},
        {"mois": date(2024, 7, 1), "nouveaux_entrants": 99, "orientes_15_jours": 99, "t0_inconnu": 0},
    ]
    assert first_half(rows, date(2024, 1, 1), date(2024, 6, 30)) == {
        "nouveaux_entrants": 15, "orientes_15_jours": 9, "t0_inconnu": 1
    }  # fmt: skip
    assert first_half(rows[:1], date(2024, 1, 1), date(2024, 6, 30))["nouveaux_entrants"] is None


@pytest.fixture
def ain(db):
    """The Ain, with no fiche action: its volet 1 is reported at mid-year all the same."""
    collectivity = Collectivity.objects.get(code="01D")
    ddets = UserFactory(role=Role.DDETS, departement=collectivity.departements.get())
    convention = signed(ConventionFactory(collectivity=collectivity, amount_volet1=D("200000.00")), ddets)
    return convention, ddets, UserFactory(role=Role.DEPARTMENTAL_COUNCIL, collectivity=collectivity)


@pytest.mark.django_db
def test_the_council_sends_its_volet1_synthesis_and_the_state_reads_it_consolidated(client, ain):
    convention, ddets, council = ain
    url = reverse("funding:mid_year", args=[convention.pk, 1])
    client.force_login(council)
    page = client.get(url).content.decode()
    assert "Montant de la convention</dt><dd>200\u00a0000,00\u00a0€" in page
    refused = client.post(url, {"actions_engaged": "Recrutement", "credits_committed": "250 000"}).content.decode()
    assert "Les crédits engagés (250\u00a0000,00\u00a0€) dépassent le montant du volet 1" in refused
    client.post(url, {"actions_engaged": "Chef de projet recruté en mars.", "credits_committed": "90 000,00"})
    synthesis = MidYearSynthesis.objects.get(convention=convention, volet=1)
    assert synthesis.credits_committed == D("90000.00")
    assert synthesis.figures["Versé par l'État"] == "0,00\u00a0€"
    assert Notification.objects.filter(recipient=ddets, subject__startswith="Synthèse à mi-année transmise").exists()

    client.force_login(UserFactory(role=Role.DREETS, region=convention.collectivity.region))
    consolidated = client.get(reverse("funding:mid_year_consolidation"), {"annee": 2024}).content.decode()
    assert '<td>Auvergne-Rhône-Alpes</td><td class="app-amount">1</td><td class="app-amount">1</td>' in consolidated
    assert "45,0 %" in consolidated
    client.force_login(UserFactory(role=Role.FRANCE_TRAVAIL))
    assert client.get(url).status_code == 200
    assert client.post(url, {"actions_engaged": "x", "credits_committed": "1"}).status_code == 404
    assert client.get(reverse("funding:mid_year_consolidation")).status_code == 404


@pytest.mark.django_db
def test_the_implementation_report_is_written_read_and_served_by_the_api(client, ain):
    convention, ddets, council = ain
    client.force_login(council)
    client.post(
        reverse("funding:implementation_report", args=[convention.pk]),
        {"implementation_summary": "Toutes les actions du volet 1 ont été réalisées."},
    )
    assert FinancialReport.objects.get(convention=convention).implementation_summary.startswith("Toutes les actions")
    page = client.get(reverse("funding:execution", args=[convention.pk])).content.decode()
    assert "Toutes les actions du volet 1 ont été réalisées." in page
    ids = [part.split('"', 1)[0] for part in page.split(' id="')[1:]]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    client.force_login(ddets)
    served = client.get(f"/api/v1/conventions/{convention.pk}/suivi").json()
    assert served["bilan_mise_en_oeuvre"] == "Toutes les actions du volet 1 ont été réalisées."
    assert served["syntheses_mi_annee"] == []
