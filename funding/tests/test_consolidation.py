"""The credits of a year, consolidated per collectivité, region and nation (DGEFP, DREETS, dashboards): a multi-year
convention counts in each year it covers with that year's tranche, that year's payments and that year's ceiling
(the latest notified in the campaign when the year's is not), never its three years against one year's ceiling."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from conventions.volets import Volet
from funding import payments
from funding.consolidation import MEASURES, consolidate
from funding.models import NationalEnvelope
from territories.models import Collectivity
from tests.factories import CeilingFactory, UserFactory, advances_paid, step, triennial

pytestmark = pytest.mark.django_db
D = Decimal
V1, V2, V3 = Volet


def signed_triennial(agent):
    """The Ain's triennial convention (tranches of 180 000 € and 950 000 € a year), signed on 20 March 2025: its
    2025 advances proposed."""
    convention = triennial(even_tranches=True)
    on = date(2025, 3, 20)
    for name, values in (
        ("open_negotiation", {}),
        ("finalise", {}),
        ("approve", {"deliberation_date": on}),
        ("sign", {f: on for f in ("prefect_signed_on", "president_signed_on", "regional_prefect_signed_on")}),
    ):
        step(convention, name, agent, on, **values)
    convention.refresh_from_db()
    return convention


def figures_of(user, year: int) -> dict[Volet, list[Decimal]]:
    """The Ain's row of the consolidation of `year`: per volet, allocated, committed, paid, due, to recover."""
    ain = Collectivity.objects.get(code="01D")
    figures = dict(consolidate(user, year).collectivities)[ain]
    return {volet: [figures.get(measure, volet) for measure in MEASURES] for volet in Volet}


def test_a_triennial_convention_counts_in_each_year_with_that_years_tranche_payments_and_ceiling():
    ain = Collectivity.objects.get(code="01D")
    agent = UserFactory(role=Role.DDETS, departement=ain.departements.get())
    recorder = UserFactory(role=Role.DDETS, departement=ain.departements.get())
    dgefp = UserFactory(role=Role.DGEFP)
    convention = signed_triennial(agent)
    advances_paid(convention, agent, recorder, on=date(2025, 4, 2))  # 60 % of each 2025 tranche

    zero = [D("0.00")] * 5
    # allocated: the 2025 ceiling; committed: the 2025 tranche, not the three years' 540 000 € and 2 850 000 €
    assert figures_of(dgefp, 2025) == {
        V1: [D("200000.00"), D("180000.00"), D("108000.00"), D("0.00"), D("0.00")],
        V2: [D("1000000.00"), D("950000.00"), D("570000.00"), D("0.00"), D("0.00")],
        V3: zero,
    }
    # 2026: the 2025 ceilings are « réputés stables », the 2026 tranche is committed, nothing is paid yet
    assert figures_of(dgefp, 2026) == {
        V1: [D("200000.00"), D("180000.00"), D("0.00"), D("0.00"), D("0.00")],
        V2: [D("1000000.00"), D("950000.00"), D("0.00"), D("0.00"), D("0.00")],
        V3: zero,
    }
    assert figures_of(dgefp, 2024) == {volet: zero for volet in Volet}  # before the convention

    payments.propose_year_advances(convention_id=convention.pk, year=2026, today=date(2026, 1, 5))
    for advance in convention.payments.filter(year=2026):
        payments.approve_payment(payment_id=advance.pk, by=agent)
        payments.mark_paid(payment_id=advance.pk, paid_on=date(2026, 2, 2), chorus_reference="CH-26", by=recorder)
    assert [row[2] for row in figures_of(dgefp, 2026).values()] == [D("108000.00"), D("570000.00"), D("0.00")]
    assert [row[2] for row in figures_of(dgefp, 2025).values()] == [D("108000.00"), D("570000.00"), D("0.00")]
    national = consolidate(dgefp, 2026).national
    assert (national.get("committed", V2), national.get("paid", V2)) == (D("950000.00"), D("570000.00"))


def test_the_dashboards_show_the_triennial_convention_in_each_of_its_years(client):
    ain = Collectivity.objects.get(code="01D")
    agent = UserFactory(role=Role.DDETS, departement=ain.departements.get())
    signed_triennial(agent)
    client.force_login(UserFactory(role=Role.DGEFP))
    page = client.get(reverse("funding:consolidation"), {"annee": 2026}).content.decode()
    # each year of the convention is offered, 2026 selected (only ?annee= reached it before)
    offered = re.findall(r'<option value="(\d{4})"( selected)?>', page)
    assert offered == [("2027", ""), ("2026", " selected"), ("2025", "")]
    national = client.get(reverse("steering:national"), {"annee": 2027}).content.decode()
    assert re.findall(r'<option value="(\d{4})"', national) == ["2027", "2026", "2025"]
    euros = "\u00a0€</td>"
    # the Ain's volet 2 in 2026: allocated (the 2025 ceiling, carried), committed (the 2026 tranche), nothing paid
    assert f'<td>Ain</td><td>2</td><td class="app-amount">1\u00a0000\u00a0000,00{euros}' in page
    assert f'<td class="app-amount">950\u00a0000,00{euros}<td class="app-amount">0,00{euros}' in page
    region = client.get(reverse("steering:region", args=[ain.region.code]), {"annee": 2026}).content.decode()
    assert "<td>2025–2027 : Signée</td>" in region
    assert f'<td class="app-amount">1\u00a0130\u00a0000,00{euros}' in region  # 180 000 € + 950 000 €
    dashboard = client.get(reverse("steering:collectivity", args=["01D"])).content.decode()
    today = date.today().year
    shown = min(max(today, 2025), 2027)
    assert "Convention 2025–2027</a>" in dashboard and f"<h2>Crédits par volet en {shown}</h2>" in dashboard


def test_the_ceilings_page_of_a_later_year_shows_the_ceilings_reputes_stables(client):
    """R-FIN-03 in a multi-year campaign: without a 2026 ceiling, the 2025 one holds for 2026 (the consolidation's
    « alloué » counts it); the ceilings page of 2026 showed « — » instead. A ceiling notified for 2026 replaces it."""
    triennial()
    ain = Collectivity.objects.get(code="01D")
    CeilingFactory(collectivity=ain, year=2026, volet=V1, amount=D("210000.00"))
    client.force_login(UserFactory(role=Role.DGEFP))
    page = client.get(reverse("funding:ceilings"), {"annee": 2026}).content.decode()
    row = re.search(r"<tr><td>Ain</td>.*?</tr>", page, re.S)[0]
    assert re.findall(r'<td class="app-amount">(.*?)</td>', row) == [
        "210\u00a0000,00\u00a0€",
        '1\u00a0000\u00a0000,00\u00a0€<br><span class="fr-text--xs">réputé stable (plafond 2025)</span>',
        "—",
    ]
    exported = client.get(reverse("funding:ceilings"), {"annee": 2026, "format": "csv"}).content.decode("utf-8-sig")
    assert [line for line in exported.splitlines() if line.startswith("01D;")] == [
        "01D;Ain;Auvergne-Rhône-Alpes;210000,00;1000000,00;;"
    ]
    before = client.get(reverse("funding:ceilings"), {"annee": 2024}).content.decode()
    row = re.search(r"<tr><td>Ain</td>.*?</tr>", before, re.S)[0]
    assert re.findall(r'<td class="app-amount">(.*?)</td>', row) == ["—", "—", "—"]  # another campaign: nothing carried
    CeilingFactory(collectivity=ain, year=2027, volet=V3, amount=D("300000.00"))
    after = client.get(reverse("funding:ceilings"), {"annee": 2028}).content.decode()
    row = re.search(r"<tr><td>Ain</td>.*?</tr>", after, re.S)[0]
    # 2028, which no campaign covers yet: the 2025–2027 campaign's rules carry on, not its ceilings
    assert re.findall(r'<td class="app-amount">(.*?)</td>', row) == ["—", "—", "—"]


def test_the_consolidation_names_each_volets_envelope_apart_from_its_number(client):
    NationalEnvelope.objects.create(
        year=2024,
        total=Decimal("170000000.00"),
        volet1=Decimal("60000000.00"),
        volet2=Decimal("100000000.00"),
        volet3=Decimal("10000000.00"),
    )
    client.force_login(UserFactory(role=Role.DGEFP))
    page = client.get(reverse("funding:consolidation"), {"annee": 2024}).content.decode()
    millions = "\u00a0000\u00a0000,00\u00a0€"
    assert f"(enveloppes : volet 1 : 60{millions} ; volet 2 : 100{millions} ; volet 3 : 10{millions})" in page
