"""The mid-year remontée (instruction §III.3) per volet, its consolidation, and the implementation report
(article 3.2): pages, rules, API."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse

from accounts.models import Role
from conventions.models import Convention
from conventions.volets import Volet
from funding.mid_year import (
    figures,
    first_half,
    mid_year_of,
    period_start,
    send_refusal,
    years_of,
    years_started,
)
from funding.models import ActionOutcome, FinancialReport, MidYearSynthesis
from notifications.models import Notification
from territories.models import Collectivity
from tests.factories import (
    ActionOutcomeFactory,
    ActionSheetFactory,
    ConventionFactory,
    IndicatorResultFactory,
    UserFactory,
    signed,
    step,
    triennial,
)

ORIENTED = "Orientés en 15 jours (part des T0 connus)"


def test_first_half_sums_the_months_from_the_start_to_30_june():
    rows = [
        {"mois": date(2024, 1, 1), "nouveaux_entrants": 3, "orientes_15_jours": 2, "t0_inconnu": 0},
        {"mois": date(2024, 2, 1), "nouveaux_entrants": 10, "orientes_15_jours": 4, "t0_inconnu": 1},
        {"mois": date(2024, 3, 1), "nouveaux_entrants": None, "orientes_15_jours": None, "t0_inconnu": None},
        {"mois": date(2024, 6, 1), "nouveaux_entrants": 5, "orientes_15_jours": 5, "t0_inconnu": 0},
        {"mois": date(2024, 7, 1), "nouveaux_entrants": 99, "orientes_15_jours": 99, "t0_inconnu": 0},
    ]
    assert first_half(rows, date(2024, 1, 1), date(2024, 6, 30)) == {
        "nouveaux_entrants": 18, "orientes_15_jours": 11, "t0_inconnu": 1
    }  # fmt: skip
    # a convention starting on 1 February: its first month counts, January does not
    assert first_half(rows, date(2024, 2, 1), date(2024, 6, 30)) == {
        "nouveaux_entrants": 15, "orientes_15_jours": 9, "t0_inconnu": 1
    }  # fmt: skip
    assert first_half(rows[2:3], date(2024, 1, 1), date(2024, 6, 30))["nouveaux_entrants"] is None


def test_the_credits_committed_may_reach_the_volet_s_amount_not_a_cent_more():
    convention = Convention(start_date=date(2024, 1, 1), end_date=date(2024, 12, 31), amount_volet1=D("200000.00"))
    on = date(2024, 7, 1)
    assert send_refusal(convention, Volet.PROJECT_LEAD, 2024, D("200000.00"), "Recrutement", on) is None
    assert send_refusal(convention, Volet.PROJECT_LEAD, 2024, D("200000.01"), "Recrutement", on) == (
        "Les crédits engagés (200\u00a0000,01\u00a0€) dépassent le montant du volet 1 (200\u00a0000,00\u00a0€)."
    )


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
    assert not [name for name in synthesis.figures if name.startswith("Tranche")]  # one year: no tranche
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


def test_a_triennial_convention_has_a_remontee_each_year_begun():
    convention = Convention(start_date=date(2025, 1, 1), end_date=date(2027, 12, 31))
    assert years_of(convention) == [2025, 2026, 2027]
    assert years_started(convention, date(2024, 11, 1)) == [2025]  # signed ahead of its year: the first one
    assert years_started(convention, date(2026, 6, 1)) == [2025, 2026]
    assert years_started(convention, date(2031, 1, 1)) == [2025, 2026, 2027]
    assert years_started(Convention(start_date=date(2024, 1, 1), end_date=date(2024, 12, 31)), date(2026, 1, 1)) == [
        2024
    ]
    assert mid_year_of(convention, 2026) == date(2026, 6, 30) and mid_year_of(convention) == date(2025, 6, 30)
    assert period_start(convention, 2025) == date(2025, 1, 1) and period_start(convention, 2026) == date(2026, 1, 1)


@pytest.mark.django_db
def test_each_volet_s_figures_and_the_fiches_engaged_or_done_at_30_june():
    """Volet 2 counts its fiches action and those engaged or done at 30 June (not those not started, nor a final
    report's); volets 1 and 2 give the new entrants; volet 3 its feuille de route."""
    convention = ConventionFactory(
        collectivity=Collectivity.objects.get(code="01D"),
        amount_volet1=D("100000.00"),
        amount_volet2=D("200000.00"),
        amount_volet3=D("50000.00"),
    )
    Stage, Progress = ActionOutcome.Stage, ActionOutcome.Progress
    for stage, progress in (
        (Stage.MID_YEAR, Progress.STARTED),
        (Stage.MID_YEAR, Progress.DONE),
        (Stage.MID_YEAR, Progress.NOT_STARTED),
        (Stage.FINAL, Progress.DONE),
    ):
        ActionOutcomeFactory(sheet=ActionSheetFactory(convention=convention), stage=stage, progress=progress)
    common = ["Montant de la convention", "Part de l'État au plan de financement", "Versé par l'État"]
    no_data = {"Nouveaux entrants (indicateurs)": "aucune livraison de données sur la période"}
    assert figures(convention, Volet.PROJECT_LEAD) == {
        **dict(zip(common, ["100\u00a0000,00\u00a0€", "0,00\u00a0€", "0,00\u00a0€"], strict=True)),
        **no_data,
    }
    assert figures(convention, Volet.LOCAL_SOLUTIONS) == {
        **dict(zip(common, ["200\u00a0000,00\u00a0€", "0,00\u00a0€", "0,00\u00a0€"], strict=True)),
        "Fiches action": "4",
        "Fiches action engagées ou réalisées au 30 juin": "2",
        **no_data,
    }
    assert figures(convention, Volet.TERRITORIAL_DEPLOYMENT) == {
        **dict(zip(common, ["50\u00a0000,00\u00a0€", "0,00\u00a0€", "0,00\u00a0€"], strict=True)),
        "Actions de la feuille de route": "0",
    }


@pytest.mark.django_db
def test_a_year_s_new_entrants_count_from_the_convention_s_start_then_from_1_january():
    """The new entrants of the volet 2 table up to 30 June, and the share oriented within 15 days among those whose
    T0 is known: from the convention's start in its first year, from 1 January in the next."""
    convention = triennial(even_tranches=True)
    for month, entrants, oriented, unknown in (
        (date(2025, 1, 1), 10, 6, 0),
        (date(2025, 6, 1), 10, 2, 2),
        (date(2025, 7, 1), 99, 99, 0),  # after 30 June: not counted
        (date(2026, 1, 1), 4, 3, 1),
        (date(2026, 6, 1), 4, 1, 0),
    ):
        values = {"nouveaux_entrants": entrants, "orientes_15_jours": oriented, "orientes_1_mois": oriented}
        IndicatorResultFactory(
            collectivity=convention.collectivity, month=month, values={**values, "t0_inconnu": unknown}
        )
    first, second = figures(convention, Volet.LOCAL_SOLUTIONS, 2025), figures(convention, Volet.LOCAL_SOLUTIONS, 2026)
    assert (first["Nouveaux entrants depuis le début de la convention"], first[ORIENTED]) == ("20", "8 (44,4 %)")
    assert (second["Nouveaux entrants depuis le 01/01/2026"], second[ORIENTED]) == ("8", "4 (57,1 %)")
    assert "Nouveaux entrants depuis le début de la convention" not in second


@pytest.mark.django_db
def test_the_2026_remontee_of_a_triennial_convention_is_its_own(client):
    """The second year of a triennial convention has its remontée beside the first one's: written apart, with the
    year's tranche and the new entrants from 1 January, read in the consolidation of 2026."""
    convention = triennial(even_tranches=True)
    collectivity = convention.collectivity
    ddets = UserFactory(role=Role.DDETS, departement=collectivity.departements.get())
    for name in ("open_negotiation", "finalise", "approve", "sign"):
        values = {"deliberation_date": date(2025, 2, 20)} if name == "approve" else {}
        if name == "sign":
            values = {
                f: date(2025, 3, 8) for f in ("prefect_signed_on", "president_signed_on", "regional_prefect_signed_on")
            }
        step(convention, name, ddets, date(2025, 3, 8) if name == "sign" else date(2025, 2, 20), **values)
    council = UserFactory(role=Role.DEPARTMENTAL_COUNCIL, collectivity=collectivity)
    client.force_login(council)
    page = client.get(reverse("funding:execution", args=[convention.pk])).content.decode()
    assert "Synthèse à mi-année (remontée du 30/06/2025), par volet" in page
    assert "Synthèse à mi-année (remontée du 30/06/2026), par volet" in page  # today is after 1 January 2026
    url = reverse("funding:mid_year", args=[convention.pk, 2])
    client.post(url, {"actions_engaged": "Ateliers ouverts", "credits_committed": "500 000,00"})
    page = client.get(url, {"annee": 2026}).content.decode()
    assert "Tranche 2026</dt><dd>950\u00a0000,00\u00a0€" in page and "Non transmise" in page
    # the credits are a running total, as the refusal beyond the volet's amount and the consolidation's share read them
    assert "Depuis le début de la convention (cumul des années précédentes compris)" in page
    client.post(f"{url}?annee=2026", {"actions_engaged": "Deuxième vague", "credits_committed": "1 200 000,00"})
    sent = {s.year: (s.actions_engaged, s.credits_committed) for s in MidYearSynthesis.objects.filter(volet=2)}
    assert sent == {2025: ("Ateliers ouverts", D("500000.00")), 2026: ("Deuxième vague", D("1200000.00"))}
    assert client.get(url, {"annee": 2028}).status_code == 404
    assert Notification.objects.filter(recipient=ddets, subject__endswith="(2026)").count() == 1

    client.force_login(UserFactory(role=Role.DREETS, region=collectivity.region))
    consolidated = client.get(reverse("funding:mid_year_consolidation"), {"annee": 2026}).content.decode()
    assert '<option value="2026" selected>2026</option>' in consolidated  # the years of the conventions offered
    assert '<option value="2027">2027</option>' in consolidated and '<option value="2025">2025</option>' in consolidated
    assert '1\u00a0200\u00a0000,00\u00a0€</td><td class="app-amount">42,1 %' in consolidated
    assert f'href="{url}?annee=2026"' in consolidated
    client.force_login(ddets)
    served = client.get(f"/api/v1/conventions/{convention.pk}/suivi").json()
    assert [(s["annee"], s["volet"]) for s in served["syntheses_mi_annee"]] == [(2025, 2), (2026, 2)]
