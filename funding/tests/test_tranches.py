"""Annual tranches of a multi-year convention: the rules as plain functions, then the triennial convention of a
2025–2027 campaign through the real services (creation for its three years, finalisation refused until the
tranches add up, the first year's advances at signature, a later year's from its 1 January, ceilings summed over
the years)."""

import html
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from conventions import lifecycle, services
from conventions.lifecycle import TransitionRefused
from conventions.volets import Volet
from funding import payments
from funding import services as funding_services
from funding.models import AnnualTranche, Payment, PaymentKind, PaymentStatus, PlanLine
from funding.plans import ceilings_of
from funding.tranches import (
    change_refusals,
    rebalanced,
    sum_refusals,
    tranches_of,
    year_breaches,
    years_awaiting_advances,
)
from tests.factories import UserFactory, triennial

D = Decimal
V1, V2, V3 = Volet


def form_of(page: str) -> dict[str, str]:
    """The tranches form as the execution page fills it: each tranche, and the tranches seen."""
    return dict(re.findall(r'name="(tranche-\d{4}-\d|tranches_vues)" value="([^"]*)"', page))


def plain(texts: list[str]) -> list[str]:
    """Amounts are written with non-breaking spaces; the expected texts below with plain ones."""
    return [text.replace("\xa0", " ") for text in texts]


def test_the_tranches_add_up_to_each_volet_s_amount():
    amounts = {V1: D("540000.00"), V2: D("2850000.00"), V3: D("0.00")}
    even = {year: {V1: D("180000.00"), V2: D("950000.00"), V3: D("0.00")} for year in (2025, 2026, 2027)}
    assert sum_refusals(amounts, even, (2025, 2026, 2027)) == []
    short = {**even, 2027: {V1: D("180000.00"), V2: D("949999.99"), V3: D("0.00")}}
    assert plain(sum_refusals(amounts, short, (2025, 2026, 2027))) == [
        "Volet 2 : les tranches annuelles font 2 849 999,99 €, le montant de la convention 2 850 000,00 € (R-FIN-01)."
    ]
    assert sum_refusals(amounts, {**even, 2028: even[2025]}, (2025, 2026, 2027))[0] == (
        "Tranches hors de la période de la convention : 2028 (R-FIN-01)."
    )


def test_a_year_s_advance_stays_within_its_tranche():
    assert year_breaches(V2, 2026, D("950000.00"), D("950000.00")) == []
    (breach,) = year_breaches(V2, 2026, D("950000.00"), D("950000.01"))
    assert (breach.rule, plain([str(breach)])[0]) == (
        "R-FIN-07",
        "Volet 2 : l'avance 2026 (950 000,01 €) dépasserait la tranche 2026 (950 000,00 €) (R-FIN-07)",
    )


def test_a_later_year_awaits_its_advances_from_its_1_january_until_each_volet_with_a_tranche_has_one():
    tranches = {year: {V1: D("180000.00"), V2: D("950000.00"), V3: D("0.00")} for year in (2025, 2026, 2027)}
    first_year_paid = {(2025, V1), (2025, V2)}
    assert years_awaiting_advances(tranches, first_year_paid, 2025, date(2025, 12, 31)) == []
    assert years_awaiting_advances(tranches, first_year_paid, 2025, date(2026, 1, 1)) == [2026]
    assert years_awaiting_advances(tranches, set(), 2025, date(2027, 6, 1)) == [2026, 2027]  # never the first year's
    assert years_awaiting_advances(tranches, first_year_paid | {(2026, V1)}, 2025, date(2026, 1, 1)) == [2026]
    assert years_awaiting_advances(tranches, first_year_paid | {(2026, V1), (2026, V2)}, 2025, date(2026, 1, 1)) == []
    nothing_in_2026 = {**tranches, 2026: {V1: D("0.00"), V2: D("0.00"), V3: D("0.00")}}
    assert years_awaiting_advances(nothing_in_2026, first_year_paid, 2025, date(2026, 3, 1)) == []


def test_an_engaged_year_s_tranche_no_longer_changes():
    before = {2025: {V1: D("1.00")}, 2026: {V1: D("2.00")}}
    after = {2025: {V1: D("0.00")}, 2026: {V1: D("3.00")}}
    assert change_refusals(before, after, {2026}) == [
        "La tranche 2026 ne change plus : son avance est engagée (annulez-la d'abord)."
    ]
    assert change_refusals(before, after, set()) == []


def test_an_avenant_s_change_goes_to_the_latest_years_not_engaged():
    tranches = {year: {V1: D("100.00"), V2: D("300.00"), V3: D("0.00")} for year in (2025, 2026, 2027)}
    # 2025 engaged: volet 2 reduced by 400 € empties 2027, then takes 100 € from 2026; volet 1 up by 50 € → 2027
    result, refusals = rebalanced({V1: D("350.00"), V2: D("500.00"), V3: D("0.00")}, tranches, {2025})
    assert refusals == []
    assert result == {
        2025: {V1: D("100.00"), V2: D("300.00"), V3: D("0.00")},
        2026: {V1: D("100.00"), V2: D("200.00"), V3: D("0.00")},
        2027: {V1: D("150.00"), V2: D("0.00"), V3: D("0.00")},
    }
    # every year engaged: an increase goes to the last year (paid by the balance), a reduction is refused
    result, refusals = rebalanced({V1: D("310.00"), V2: D("899.00"), V3: D("0.00")}, tranches, {2025, 2026, 2027})
    assert result[2027][V1] == D("110.00") and result[2027][V2] == D("300.00")
    assert plain(refusals) == [
        "Volet 2 : l'avenant retire 1,00 € ; les tranches des années dont l'avance n'est pas engagée n'en portent "
        "que 0,00 € (R-FIN-07)."
    ]


@pytest.fixture
def agent(make_user):
    return make_user(Role.DDETS, "01")


def take(convention, agent, *names, on=date(2025, 3, 20)):
    for name in names:
        values = {}
        if name == "approve":
            values = {"deliberation_date": on}
        if name == "sign":
            values = {f: on for f in ("prefect_signed_on", "president_signed_on", "regional_prefect_signed_on")}
        convention = lifecycle.apply_transition(
            name, convention=convention, by=agent, on=on, lock_version=convention.lock_version, **values
        )
    return convention


@pytest.mark.django_db
def test_a_triennial_convention_covers_its_campaign_and_sums_its_years_ceilings():
    convention = triennial()
    assert (convention.start_date, convention.end_date) == (date(2025, 1, 1), date(2027, 12, 31))
    assert str(convention) == "Convention 2025–2027 – Ain"
    assert ceilings_of(convention) == {V1: D("600000.00"), V2: D("3000000.00"), V3: None}
    with pytest.raises(TransitionRefused) as refusal:
        services.convention_create(collectivity=convention.collectivity, year=2026)
    assert refusal.value.reasons == [
        "2026 relève de « Campagne 2025–2027 », dont les conventions couvrent 2025 à 2027 : créez la convention "
        "de 2025."
    ]


def test_finalisation_waits_for_tranches_adding_up_then_signature_pays_the_first_year(agent):
    convention = triennial()
    convention = take(convention, agent, "open_negotiation")
    with pytest.raises(TransitionRefused) as refusal:
        take(convention, agent, "finalise")
    assert "Volet 1 : les tranches annuelles font 0,00 €, le montant de la convention 540 000,00 € (R-FIN-01)." in (
        plain(refusal.value.reasons)
    )
    tranches = {year: {V1: D("180000.00"), V2: D("950000.00"), V3: D("0.00")} for year in (2025, 2026, 2027)}
    tranches[2025][V2], tranches[2027][V2] = D("1000000.00"), D("900000.00")
    funding_services.tranches_save(convention_id=convention.pk, tranches=tranches, by=agent)
    convention.refresh_from_db()
    convention = take(convention, agent, "finalise", "approve", "sign")
    advances = {(p.year, Volet(p.volet)): p.amount for p in Payment.objects.filter(convention=convention)}
    assert advances == {(2025, V1): D("108000.00"), (2025, V2): D("600000.00")}  # 60 % of the 2025 tranche

    with pytest.raises(TransitionRefused) as early:
        payments.propose_year_advances(convention_id=convention.pk, year=2026, today=date(2025, 12, 31))
    assert early.value.reasons == ["L'avance 2026 se propose à partir du 1er janvier 2026."]
    payments.propose_year_advances(convention_id=convention.pk, year=2026, today=date(2026, 1, 2))
    later = Payment.objects.filter(convention=convention, year=2026, kind=PaymentKind.ADVANCE)
    assert sorted(p.amount for p in later) == [D("108000.00"), D("570000.00")]
    with pytest.raises(TransitionRefused) as twice:
        payments.propose_year_advances(convention_id=convention.pk, year=2026, today=date(2026, 1, 3))
    assert twice.value.reasons == ["Aucune avance 2026 à proposer : déjà proposée, ou tranche nulle."]

    # the 2026 tranche is engaged: it no longer moves; 2027's may still, if the sums hold
    moved = {**tranches, 2026: {**tranches[2026], V2: D("900000.00")}, 2027: {**tranches[2027], V2: D("950000.00")}}
    with pytest.raises(TransitionRefused) as engaged:
        funding_services.tranches_save(convention_id=convention.pk, tranches=moved, by=agent)
    assert engaged.value.reasons == ["La tranche 2026 ne change plus : son avance est engagée (annulez-la d'abord)."]


def test_an_advance_beyond_its_tranche_is_not_approved_whatever_changed_the_tranche(agent):
    """The services keep an engaged year's tranche (above); should a row change behind them (a database edit),
    approving or paying the advance checks it again against its year's tranche (R-FIN-07)."""
    convention = take(triennial(even_tranches=True), agent, "open_negotiation", "finalise", "approve", "sign")
    advance = Payment.objects.get(convention=convention, volet=V1, year=2025)
    assert advance.amount == D("108000.00")
    AnnualTranche.objects.filter(convention=convention, year=2025).update(amount_volet1=D("100000.00"))
    with pytest.raises(TransitionRefused) as refusal:
        payments.approve_payment(payment_id=advance.pk, by=agent)
    assert refusal.value.reasons == [
        "Volet 1 : l'avance 2025 (108\u00a0000,00\u00a0€) dépasserait la tranche 2025 (100\u00a0000,00\u00a0€) "
        "(R-FIN-07)."
    ]
    assert Payment.objects.get(pk=advance.pk).status == PaymentStatus.PROPOSED


def test_the_payments_are_listed_volet_by_volet_year_by_year_whatever_order_they_were_made_in(agent):
    """A 2025 advance cancelled then proposed again after the 2026 ones: listed before them, after the one it
    replaces (PostgreSQL returns rows of equal sort keys in any order: the year and the creation break the ties)."""
    convention = triennial(even_tranches=True)
    convention = take(convention, agent, "open_negotiation", "finalise", "approve", "sign")
    payments.propose_year_advances(convention_id=convention.pk, year=2026, today=date(2026, 1, 2))
    first = Payment.objects.get(convention=convention, volet=V1, year=2025)
    payments.cancel_payment(payment_id=first.pk, reason="Montant à revoir")
    payments.propose_year_advances(convention_id=convention.pk, year=2025, today=date(2026, 1, 5))
    listed = [(Volet(p.volet), p.year, p.status) for p in convention.payments.all()]
    assert listed == [
        (V1, 2025, "annulee"),
        (V1, 2025, "proposee"),
        (V1, 2026, "proposee"),
        (V2, 2025, "proposee"),
        (V2, 2026, "proposee"),
    ]


def test_the_pages_prefill_amounts_the_french_way_and_take_them_back_unchanged(client, agent):
    """An amount pre-filled in a field reads as typed (`180 000,00`, not `180000.00`); sent back as the page shows
    it, it is read as the same amount: the tranches of the execution page and the amounts of an avenant."""
    convention = triennial(even_tranches=True)
    client.force_login(agent)
    page = client.get(reverse("funding:execution", args=[convention.pk])).content.decode()
    shown = form_of(page)
    assert shown["tranche-2026-1"] == "180\u00a0000,00" and shown["tranche-2025-2"] == "950\u00a0000,00"
    # shown as they are, but 2026 and 2027 of volet 2 retyped: the unchanged fields are read back as they were
    typed = {**shown, "tranche-2026-2": "900 000,00", "tranche-2027-2": "1\u00a0000\u00a0000,00"}
    page = client.post(reverse("funding:tranches_update", args=[convention.pk]), typed, follow=True).content.decode()
    assert "Tranches annuelles enregistrées." in page
    assert {(t.year, volet): amount for t in convention.tranches.all() for volet, amount in t.amounts.items()} == {
        (2025, V1): D("180000.00"), (2025, V2): D("950000.00"), (2025, V3): D("0.00"),
        (2026, V1): D("180000.00"), (2026, V2): D("900000.00"), (2026, V3): D("0.00"),
        (2027, V1): D("180000.00"), (2027, V2): D("1000000.00"), (2027, V3): D("0.00"),
    }  # fmt: skip
    page = client.get(reverse("conventions:edit", args=[convention.pk])).content.decode()
    assert re.search(r'name="amount_volet2"[^>]*value="2\u00a0850\u00a0000,00"', page)


def test_the_execution_page_offers_a_year_s_advances_only_while_some_are_to_propose(client, agent):
    convention = take(triennial(even_tranches=True), agent, "open_negotiation", "finalise", "approve", "sign")
    client.force_login(agent)
    url = reverse("funding:execution", args=[convention.pk])
    assert "Proposer les avances 2026</button>" in client.get(url).content.decode()  # run from 2026 on
    payments.propose_year_advances(convention_id=convention.pk, year=2026, today=date(2026, 1, 5))
    page = client.get(url).content.decode()
    assert "Proposer les avances 2026</button>" not in page and 'id="avances-2026"' not in page
    assert "Proposer les avances 2025</button>" not in page  # the first year's are proposed at signature


def test_an_engaged_year_is_shown_locked_and_the_page_still_saves_the_others(client, agent):
    """Once a year's advance is proposed, its tranche is no longer a field (it would be refused) but travels with
    the form unchanged, so that the other years still save from the same page."""
    convention = take(triennial(even_tranches=True), agent, "open_negotiation", "finalise", "approve", "sign")
    client.force_login(agent)
    url = reverse("funding:execution", args=[convention.pk])
    page = client.get(url).content.decode()
    editable = set(re.findall(r'<input class="fr-input" type="text" inputmode="decimal" id="(tranche-\d{4}-\d)"', page))
    assert editable == {f"tranche-{year}-{volet.value}" for year in (2026, 2027) for volet in Volet}
    assert page.count('<span class="fr-text--xs fr-text--regular">arrêtée</span>') == 1
    sent = form_of(page)
    assert sent["tranche-2025-2"] == "950\u00a0000,00"  # hidden, as it is
    sent |= {"tranche-2026-2": "900 000,00", "tranche-2027-2": "1 000 000,00"}
    page = client.post(reverse("funding:tranches_update", args=[convention.pk]), sent, follow=True).content.decode()
    assert "Tranches annuelles enregistrées." in page
    assert [t.amounts[V2] for t in convention.tranches.all()] == [D("950000.00"), D("900000.00"), D("1000000.00")]


def test_a_page_loaded_before_another_agent_saved_the_tranches_is_refused_naming_who(client, agent):
    convention = triennial(even_tranches=True)
    departement = convention.collectivity.departements.get()
    other = UserFactory(role=Role.DDETS, departement=departement, first_name="Ariane", last_name="Fictive")
    url = reverse("funding:execution", args=[convention.pk])
    save = reverse("funding:tranches_update", args=[convention.pk])
    client.force_login(agent)
    mine = form_of(client.get(url).content.decode())
    client.force_login(other)
    theirs = form_of(client.get(url).content.decode())
    client.post(save, {**theirs, "tranche-2026-2": "900 000,00", "tranche-2027-2": "1 000 000,00"})
    client.force_login(agent)
    page = client.post(save, {**mine, "tranche-2026-1": "200 000,00", "tranche-2027-1": "160 000,00"}, follow=True)
    text = html.unescape(page.content.decode())
    assert re.search(
        r"Les tranches ont changé depuis l'ouverture de la page "
        r"\(par Ariane Fictive, le \d\d/\d\d/\d{4} à \d\d:\d\d\) : rechargez la page pour partir des tranches "
        r"actuelles\.",
        text,
    )
    kept = {(t.year, volet): amount for t in convention.tranches.all() for volet, amount in t.amounts.items()}
    assert (kept[2026, V1], kept[2026, V2], kept[2027, V2]) == (D("180000.00"), D("900000.00"), D("1000000.00"))
    without = {k: v for k, v in form_of(client.get(url).content.decode()).items() if k != "tranches_vues"}
    text = html.unescape(client.post(save, without, follow=True).content.decode())
    assert "Les tranches ont changé depuis l'ouverture de la page" in text  # a form without what it saw: refused


def test_an_avenant_ending_a_triennial_a_year_early_cannot_take_from_the_engaged_year_s_tranche(agent):
    """An avenant may end a triennial convention after two years: its tranches are then 2025 and 2026, and a
    reduction that 2026, the one year whose advance is not engaged, cannot carry is refused as over three years
    (R-FIN-07), as soon as it is proposed; nothing changes."""
    convention = take(triennial(even_tranches=True), agent, "open_negotiation", "finalise", "approve", "sign")
    assert proposal_refusal(
        convention, agent, date(2026, 12, 31), volet1="150000.00", volet2="1900000.00", volet3="0"
    ) == [
        "Avenant refusé :",
        "Volet 1 : l'avenant retire 210 000,00 € ; les tranches des années dont l'avance n'est pas engagée n'en "
        "portent que 180 000,00 € (R-FIN-07).",
    ]
    convention.refresh_from_db()
    assert (convention.end_date, convention.amount_volet1) == (date(2027, 12, 31), D("540000.00"))
    assert not convention.amendments.exists()
    assert sorted(AnnualTranche.objects.filter(convention=convention).values_list("year", "amount_volet1")) == [
        (2025, D("180000.00")),
        (2026, D("180000.00")),
        (2027, D("180000.00")),
    ]


def test_an_avenant_s_change_goes_to_the_last_year_and_the_tranches_still_add_up(agent):
    convention = take(triennial(even_tranches=True), agent, "open_negotiation", "finalise", "approve", "sign")
    amend(convention, agent, date(2027, 12, 31), date(2025, 6, 2), volet1="570000.00", volet2="2750000.00", volet3="0")
    assert stored_tranches(convention) == [
        (2025, D("180000.00"), D("950000.00"), D("0.00")),
        (2026, D("180000.00"), D("950000.00"), D("0.00")),
        (2027, D("210000.00"), D("850000.00"), D("0.00")),
    ]


def propose(convention, agent, end: date, **amounts):
    """An avenant ending the convention on `end` with `amounts`, proposed, its plan following them."""
    amendment = services.amendment_propose(
        convention=convention,
        by=agent,
        purpose="Fin anticipée",
        amounts={f"amount_{volet}": D(amount) for volet, amount in amounts.items()},
        end_date=end,
    )
    PlanLine.objects.filter(convention=convention, volet=V1).update(state_amount=D(amounts["volet1"]))
    PlanLine.objects.filter(convention=convention, volet=V2).update(
        state_amount=D(amounts["volet2"]), collectivity_amount=D(amounts["volet2"])
    )
    return amendment


def agree(amendment, on: date):
    services.amendment_agree(amendment=amendment, party="etat", on=on)
    return services.amendment_agree(amendment=amendment, party="departement", on=on)


def proposal_refusal(convention, agent, end: date, **amounts) -> list[str]:
    """The reasons an avenant is refused for as soon as it is proposed."""
    with pytest.raises(TransitionRefused) as refusal:
        propose(convention, agent, end, **amounts)
    return plain(refusal.value.reasons)


def amend(convention, agent, end: date, on: date, **amounts):
    """An avenant proposed, then agreed by both parties on `on`."""
    return agree(propose(convention, agent, end, **amounts), on)


def stored_tranches(convention) -> list[tuple]:
    return sorted(
        AnnualTranche.objects.filter(convention=convention).values_list(
            "year", *(volet.amount_field for volet in Volet)
        )
    )


def test_an_avenant_ending_a_triennial_after_two_years_removes_the_third_year_s_tranche(agent):
    """The 2027 tranche of a convention now ending in 2026 is removed, and the history says so; a later avenant
    bringing 2027 back starts it from nothing, so that its refusal names what it really takes away."""
    convention = take(triennial(even_tranches=True), agent, "open_negotiation", "finalise", "approve", "sign")
    amend(convention, agent, date(2026, 12, 31), date(2025, 6, 2), volet1="360000.00", volet2="1900000.00", volet3="0")
    assert stored_tranches(convention) == [
        (2025, D("180000.00"), D("950000.00"), D("0.00")),
        (2026, D("180000.00"), D("950000.00"), D("0.00")),
    ]
    removed = AnnualTranche.history.filter(convention_id=convention.pk, year=2027).latest("history_date")
    assert (removed.history_type, removed.history_change_reason) == ("-", "Avenant")
    # two years are still tranches to share: 2025's advances cancelled, its tranche moves, then they are proposed again
    for advance in Payment.objects.filter(convention=convention, year=2025):
        payments.cancel_payment(payment_id=advance.pk, reason="Tranches revues")
    moved = {2025: {V1: D("180000.00"), V2: D("900000.00"), V3: D("0")}}
    moved[2026] = {V1: D("180000.00"), V2: D("1000000.00"), V3: D("0")}
    funding_services.tranches_save(convention_id=convention.pk, tranches=moved, by=agent)
    assert [row[2] for row in stored_tranches(convention)] == [D("900000.00"), D("1000000.00")]
    payments.propose_year_advances(convention_id=convention.pk, year=2025, today=date(2025, 7, 1))
    payments.propose_year_advances(convention_id=convention.pk, year=2026, today=date(2026, 1, 2))
    assert proposal_refusal(
        convention, agent, date(2027, 12, 31), volet1="300000.00", volet2="1900000.00", volet3="0"
    ) == [
        "Avenant refusé :",
        "Volet 1 : l'avenant retire 60 000,00 € ; les tranches des années dont l'avance n'est pas engagée n'en "
        "portent que 0,00 € (R-FIN-07).",
    ]


def test_an_avenant_ending_a_triennial_after_its_first_year_makes_its_amounts_that_year_s_tranche(client, agent):
    """A triennial convention ended by avenant on 31 December 2025 is a convention of one year: its amounts are
    its tranche, and the proposed advances follow them (60 % of 150 000 €, not of the former 180 000 € tranche)."""
    convention = take(triennial(even_tranches=True), agent, "open_negotiation", "finalise", "approve", "sign")
    amend(convention, agent, date(2025, 12, 31), date(2025, 6, 2), volet1="150000.00", volet2="900000.00", volet3="0")
    convention.refresh_from_db()
    assert tranches_of(convention) == {2025: {V1: D("150000.00"), V2: D("900000.00"), V3: D("0.00")}}
    assert stored_tranches(convention) == [(2025, D("150000.00"), D("900000.00"), D("0.00"))]
    proposed = Payment.objects.filter(convention=convention, status=PaymentStatus.PROPOSED)
    assert sorted(proposed.values_list("volet", "year", "amount")) == [
        (V1, 2025, D("90000.00")),
        (V2, 2025, D("540000.00")),
    ]
    client.force_login(agent)
    page = client.get(reverse("funding:execution", args=[convention.pk])).content.decode()
    assert "90\u00a0000,00" in page and 'name="tranche-' not in page  # one year: no tranches to share


def test_an_avenant_ending_a_triennial_earlier_keeps_within_the_ceilings_of_the_years_it_still_covers(agent):
    """R-FIN-03: ended on 31 December 2025, the convention's ceiling is 2025's (200 000 € on volet 1), not the sum
    of the campaign's three years: 540 000 € in one year is refused as soon as it is proposed."""
    convention = take(triennial(even_tranches=True), agent, "open_negotiation", "finalise", "approve", "sign")
    assert ceilings_of(convention)[V1] == D("600000.00")
    assert proposal_refusal(
        convention, agent, date(2025, 12, 31), volet1="540000.00", volet2="950000.00", volet3="0"
    ) == [
        "Avenant refusé :",
        "Volet 1 : 540 000,00 € dépasse le plafond de 200 000,00 € de 340 000,00 € (R-FIN-03).",
    ]
    amend(convention, agent, date(2026, 12, 31), date(2025, 6, 2), volet1="360000.00", volet2="1900000.00", volet3="0")
    convention.refresh_from_db()
    assert ceilings_of(convention) == {V1: D("400000.00"), V2: D("2000000.00"), V3: None}


def test_an_avenant_cannot_end_a_convention_before_a_year_whose_advance_is_approved(agent):
    """The 2027 advance approved: an avenant ending the convention in 2026 is refused (that advance would be
    within no tranche), when proposed or, approved meanwhile, when both parties agree. Only proposed, it is
    cancelled as the avenant applies, and not proposed again."""
    convention = take(triennial(even_tranches=True), agent, "open_negotiation", "finalise", "approve", "sign")
    created = payments.propose_year_advances(convention_id=convention.pk, year=2027, today=date(2027, 1, 4))
    v1_2027 = next(p for p in created if p.volet == V1)
    payments.approve_payment(payment_id=v1_2027.pk, by=agent)
    reason = (
        "Volet 1 : l'avance 2027 (108 000,00 €) est approuvée ; la convention ne peut pas finir avant 2027 (R-FIN-07)."
    )
    assert proposal_refusal(
        convention, agent, date(2026, 12, 31), volet1="360000.00", volet2="1900000.00", volet3="0"
    ) == ["Avenant refusé :", reason]
    payments.cancel_payment(payment_id=v1_2027.pk, reason="Erreur de saisie")
    amendment = propose(convention, agent, date(2026, 12, 31), volet1="360000.00", volet2="1900000.00", volet3="0")
    (again,) = payments.propose_year_advances(convention_id=convention.pk, year=2027, today=date(2027, 1, 5))
    payments.approve_payment(payment_id=again.pk, by=agent)
    with pytest.raises(TransitionRefused) as refusal:
        agree(amendment, date(2027, 1, 6))
    assert plain(refusal.value.reasons) == ["L'avenant n° 1 ne peut pas être appliqué :", reason]
    convention.refresh_from_db()
    assert convention.end_date == date(2027, 12, 31) and len(stored_tranches(convention)) == 3
    payments.cancel_payment(payment_id=again.pk, reason="Erreur de saisie")
    agree(amendment, date(2027, 1, 6))
    v2_2027 = Payment.objects.get(convention=convention, volet=V2, year=2027)
    assert (v2_2027.status, v2_2027.cancelled_reason) == (PaymentStatus.CANCELLED, "Année retirée par avenant")
    assert not Payment.objects.filter(convention=convention, year=2027).exclude(status=PaymentStatus.CANCELLED).exists()


def test_an_avenant_bringing_years_back_keeps_each_paid_advance_within_its_year_s_tranche(agent, make_user):
    """Ended after 2025 and brought below the 2025 advance already paid (the difference is to recover), the
    convention cannot be given back its later years while that advance would exceed the 2025 tranche (R-FIN-07):
    an increase goes to the years not engaged."""
    convention = take(triennial(even_tranches=True), agent, "open_negotiation", "finalise", "approve", "sign")
    advance = Payment.objects.get(convention=convention, volet=V1, year=2025)
    payments.approve_payment(payment_id=advance.pk, by=agent)
    recorder = make_user(Role.DREETS, "84", username="dreets-paiements")
    payments.mark_paid(payment_id=advance.pk, paid_on=date(2025, 4, 1), chorus_reference="FICTIF", by=recorder)
    amend(convention, agent, date(2025, 12, 31), date(2025, 6, 2), volet1="100000.00", volet2="950000.00", volet3="0")
    convention.refresh_from_db()
    assert tranches_of(convention)[2025][V1] == D("100000.00")  # below the 108 000 € paid: to recover
    assert proposal_refusal(
        convention, agent, date(2026, 12, 31), volet1="300000.00", volet2="1900000.00", volet3="0"
    ) == [
        "Avenant refusé :",
        "Volet 1 : l'avance 2025 (108 000,00 €) dépasserait la tranche 2025 (100 000,00 €) (R-FIN-07).",
    ]
