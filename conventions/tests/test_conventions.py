"""Conventions in the database and through the pages: lifecycle, locking, uniqueness, permissions."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from conventions import lifecycle, services
from conventions.models import Convention, ConventionEvent, ConventionState, Volet3Selection
from funding.settlement import settle_balances
from territories.models import Collectivity
from tests.factories import filled, financeable, signed, step, triennial

pytestmark = pytest.mark.django_db


@pytest.fixture
def ain():
    return Collectivity.objects.get(code="01D")


@pytest.fixture
def draft(ain):
    convention = services.convention_create(collectivity=ain, year=2024)
    return financeable(
        services.convention_update(
            convention=convention,
            lock_version=convention.lock_version,
            values={
                "amount_volet1": Decimal("250000.00"),
                "amount_volet2": Decimal("1000000.00"),
                "prefect_name": "Préfète fictive",
                "president_name": "Président fictif",
                "regional_prefect_name": "Préfet de région fictif",
            },
        )
    )


def test_r_conv_03_from_draft_to_closed(draft, make_user):
    agent = make_user(Role.DDETS, "01")
    step(draft, "open_negotiation", agent, date(2024, 1, 5))
    step(draft, "finalise", agent, date(2024, 1, 25))
    step(draft, "approve", agent, date(2024, 2, 20), deliberation_date=date(2024, 2, 20))
    step(
        draft,
        "sign",
        agent,
        date(2024, 3, 15),
        prefect_signed_on=date(2024, 3, 1),
        president_signed_on=date(2024, 3, 5),
        regional_prefect_signed_on=date(2024, 3, 15),
    )
    step(draft, "start_execution", agent, date(2024, 3, 16))
    step(draft, "receive_final_report", agent, date(2025, 2, 10))
    # The balance is settled by the funding app, volet by volet; never by the bare step (R-FIN-08).
    with pytest.raises(lifecycle.TransitionRefused, match="depuis la page « Exécution »"):
        step(draft, "settle_balance", agent, date(2025, 4, 1))
    draft.refresh_from_db()
    settle_balances(convention=draft, by=agent, on=date(2025, 4, 1))
    step(draft, "close", agent, date(2025, 5, 1))
    draft.refresh_from_db()
    assert draft.state == ConventionState.CLOSED
    events = list(
        ConventionEvent.objects.filter(convention=draft).values_list("to_state", "occurred_on", "recorded_by")
    )
    assert events[3] == (ConventionState.SIGNED, date(2024, 3, 15), agent.pk)
    assert len(events) == 8


def in_execution(convention, agent):
    step(signed(convention, agent), "start_execution", agent, date(2024, 3, 9))
    convention.refresh_from_db()
    return convention


def test_the_steps_no_date_lets_through_yet_say_why(draft, make_user):
    """The final report is received after the end of the convention, the termination two months after a formal
    notice: before, no date up to today would do, so the page says why instead of offering a button."""
    convention = in_execution(draft, make_user(Role.DDETS, "01"))
    assert lifecycle.not_yet(convention, date(2024, 12, 31)) == {
        "receive_final_report": ["Le bilan final se remet après la fin de la convention (31/12/2024)."],
        "terminate": ["Aucune mise en demeure en cours : enregistrez d'abord la dénonciation."],
    }
    assert list(lifecycle.not_yet(convention, date(2025, 1, 2))) == ["terminate"]
    # in negotiation, the finalisation without amounts nor signatories
    empty = services.convention_create(collectivity=Collectivity.objects.get(code="38D"), year=2024)
    step(empty, "open_negotiation", make_user(Role.DDETS, "38"), date(2024, 1, 5))
    empty.refresh_from_db()
    assert lifecycle.not_yet(empty, date(2024, 1, 6)) == {
        "finalise": [
            "La convention doit porter un montant sur le volet 1 ou le volet 2.",
            "Renseignez le nom du signataire : le préfet de département, le président du conseil départemental, "
            "le préfet de région.",
        ]
    }


def test_the_page_says_why_a_step_cannot_be_recorded_yet(client, draft, make_user):
    agent = make_user(Role.DDETS, "01")
    convention = in_execution(draft, agent)
    client.force_login(agent)
    page = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert 'data-testid="not-yet-terminate"' in page
    assert "Constater la résiliation : pas encore possible." in page
    assert 'data-testid="step-terminate"' not in page
    # the convention of 2024 has ended: its final report can be recorded
    assert 'data-testid="step-receive_final_report"' in page
    assert 'data-testid="not-yet-receive_final_report"' not in page


def test_refused_step_changes_nothing(draft, make_user):
    agent = make_user(Role.DDETS, "01")
    with pytest.raises(lifecycle.TransitionRefused):
        step(draft, "approve", agent, date(2024, 2, 1), deliberation_date=date(2024, 2, 1))
    draft.refresh_from_db()
    assert (draft.state, draft.deliberation_date) == (ConventionState.DRAFT, None)
    assert not ConventionEvent.objects.exists()


def test_r_conv_01_one_convention_per_collectivity_and_year(draft, ain):
    with pytest.raises(lifecycle.TransitionRefused, match="Une convention existe déjà pour Ain en 2024"):
        services.convention_create(collectivity=ain, year=2024)
    assert services.convention_create(collectivity=ain, year=2025).year == 2025


def test_r_conv_05_a_finalised_convention_changes_only_by_avenant(draft, make_user):
    agent = make_user(Role.DDETS, "01")
    step(draft, "open_negotiation", agent, date(2024, 1, 5))
    step(draft, "finalise", agent, date(2024, 1, 25))
    draft.refresh_from_db()
    with pytest.raises(lifecycle.TransitionRefused, match="ne se modifie plus que par avenant"):
        services.convention_update(
            convention=draft, lock_version=draft.lock_version, values={"amount_volet1": Decimal("1")}
        )
    draft.refresh_from_db()
    assert draft.amount_volet1 == Decimal("250000.00")


def test_concurrent_edit_is_refused_not_overwritten(draft):
    stale = draft.lock_version
    services.convention_update(convention=draft, lock_version=stale, values={"amount_volet2": Decimal("900000")})
    with pytest.raises(lifecycle.ConcurrentEdit):
        services.convention_update(convention=draft, lock_version=stale, values={"amount_volet2": Decimal("1")})
    draft.refresh_from_db()
    assert draft.amount_volet2 == Decimal("900000.00")


def test_r_conv_04_volet3_selection(draft, make_user, ain):
    agent = make_user(Role.DDETS, "01")
    services.convention_update(
        convention=draft, lock_version=draft.lock_version, values={"amount_volet3": Decimal("5")}
    )
    step(draft, "open_negotiation", agent, date(2024, 1, 5))
    with pytest.raises(lifecycle.TransitionRefused, match="R-CONV-04"):
        step(draft, "finalise", agent, date(2024, 1, 25))
    Volet3Selection.objects.create(collectivity=ain, year=2024)
    draft.refresh_from_db()
    with pytest.raises(lifecycle.TransitionRefused, match="Volet 3 : 5,00\u00a0€ sans plafond notifié"):
        step(draft, "finalise", agent, date(2024, 1, 25))
    financeable(draft)
    assert step(draft, "finalise", agent, date(2024, 1, 25)).state == ConventionState.FINALISED


def test_amount_changes_are_attributable(client, draft, make_user):
    agent = make_user(Role.DEPARTMENTAL_COUNCIL, "01D", first_name="Jules", last_name="Fictif")
    client.force_login(agent)
    data = {
        "lock_version": draft.lock_version,
        "start_date": "2024-01-01",
        "end_date": "2024-12-31",
        "amount_volet1": "300 000,00",
        "amount_volet2": "1 000 000,00",
        "amount_volet3": "",
        "prefect_name": "Préfète fictive",
        "president_name": "Président fictif",
        "regional_prefect_name": "Préfet de région fictif",
        "iban": "FR76 3000 6000 0112 3456 7890 189",
        "bic": "BDFEFRPPCCT",
    }
    response = client.post(reverse("conventions:edit", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.amount_volet1 == Decimal("300000.00")
    assert draft.iban == "FR7630006000011234567890189"
    history = client.get(reverse("conventions:history", args=[draft.pk])).content.decode()
    assert (
        "<td>Jules Fictif</td><td>Modification</td><td>volet 1 – chefferie de projet (€)</td>"
        "<td>250\u00a0000,00\u00a0€</td><td>300\u00a0000,00\u00a0€</td>" in history
    )
    amounts = client.get(reverse("conventions:detail", args=[draft.pk]), {"format": "csv", "tableau": "montants"})
    assert amounts.content.decode("utf-8-sig").splitlines()[1] == (
        "Volet 1 – chefferie de projet;300000,00;300\u00a0000,00\u00a0€ (trois cent mille euros)"
    )
    export = client.get(reverse("conventions:history", args=[draft.pk]), {"format": "csv"})
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "date;auteur;opération;champ;avant;après"
    assert any(
        line.endswith(
            ";Jules Fictif;Modification;volet 1 – chefferie de projet (€);250\u00a0000,00\u00a0€;300\u00a0000,00\u00a0€"
        )
        for line in lines
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount_volet1", "-10", "Montant refusé : un montant ne peut pas être négatif."),
        ("amount_volet2", "10,123", "Montant refusé : un montant a au plus deux décimales (centimes)."),
        ("iban", "FR7630006000011234567890188", "IBAN invalide : la clé de contrôle ne correspond pas"),
        ("end_date", "2023-12-31", "La fin de la convention précède son début."),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_changes(client, draft, make_user, field, value, message):
    client.force_login(make_user(Role.DDETS, "01"))
    period = {"start_date": "2024-01-01", "end_date": "2024-12-31"}
    data = {"lock_version": draft.lock_version, "amount_volet1": "1", "amount_volet2": "1", **period, field: value}
    response = client.post(reverse("conventions:edit", args=[draft.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert draft.amount_volet1 == Decimal("250000.00")


def test_stale_form_is_refused(client, draft, make_user):
    client.force_login(make_user(Role.DDETS, "01"))
    data = {
        "lock_version": draft.lock_version - 1,
        "amount_volet1": "1",
        "amount_volet2": "1",
        "start_date": "2024-01-01",
        "end_date": "2024-12-31",
    }
    response = client.post(reverse("conventions:edit", args=[draft.pk]), data)
    assert "modifiée par quelqu&#x27;un d&#x27;autre entre-temps" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "territory", "view", "step_allowed"),
    [
        (Role.DDETS, "01", 200, True),
        (Role.DEPARTMENTAL_COUNCIL, "01D", 200, True),
        (Role.DREETS, "84", 200, False),
        (Role.FRANCE_TRAVAIL, "01", 200, False),
        (Role.DDETS, "38", 404, False),
        (Role.DEPARTMENTAL_COUNCIL, "38D", 404, False),
        (Role.DREETS, "32", 404, False),
    ],
)
def test_permission_matrix(client, draft, make_user, role, territory, view, step_allowed):
    client.force_login(make_user(role, territory))
    assert client.get(reverse("conventions:detail", args=[draft.pk])).status_code == view
    response = client.post(
        reverse("conventions:step", args=[draft.pk, "open_negotiation"]),
        {"lock_version": draft.lock_version, "occurred_on": "2024-01-05"},
    )
    draft.refresh_from_db()
    if step_allowed:
        assert draft.state == ConventionState.NEGOTIATION
    else:
        assert response.status_code == 404
        assert draft.state == ConventionState.DRAFT


def test_dreets_sees_every_convention_of_its_region_and_which_are_late(client, draft, make_user):
    other = services.convention_create(collectivity=Collectivity.objects.get(code="38D"), year=2024)
    services.convention_create(collectivity=Collectivity.objects.get(code="59D"), year=2024)
    client.force_login(make_user(Role.DREETS, "84"))
    page = client.get(reverse("conventions:list")).content.decode()
    assert "Ain" in page and "Isère" in page and "Nord" not in page
    late = client.get(reverse("conventions:list"), {"late": "on", "year": "2024"}).content.decode()
    assert "en retard" in late  # 2024 drafts are past their finalisation deadline today
    assert Convention.objects.filter(pk__in=[draft.pk, other.pk]).count() == 2
    exported = client.get(reverse("conventions:list"), {"year": "2024", "format": "csv"})
    assert exported["Content-Disposition"] == 'attachment; filename="conventions.csv"'
    header, *lines = exported.content.decode("utf-8-sig").splitlines()
    assert header == "année;code collectivité;collectivité;région;état;montant total (€);échéances"
    assert sorted(line.split(";")[1] for line in lines) == ["01D", "38D"]  # the same filter and scope as the page
    page = client.get(reverse("conventions:list"), {"year": "2024"}).content.decode()
    assert 'href="?year=2024&amp;format=csv"' in page


def test_the_list_of_a_year_holds_the_multi_year_conventions_running_that_year(client, make_user):
    triennial()
    client.force_login(make_user(Role.DDETS, "01"))
    listed = client.get(reverse("conventions:list"), {"year": "2026"}).content.decode()
    assert "<td>2025–2027</td>" in listed and "1 convention<" in listed
    assert "0 conventions<" in client.get(reverse("conventions:list"), {"year": "2024"}).content.decode()
    assert "0 conventions<" in client.get(reverse("conventions:list"), {"year": "2028"}).content.decode()
    beyond = client.get(reverse("conventions:list"), {"year": "99999"})  # no date has that year: refused, not a 500
    assert beyond.status_code == 200 and "inférieure ou égale à 9999" in beyond.content.decode()


def test_history_shows_labels_not_codes(client, draft, make_user):
    agent = make_user(Role.DDETS, "01")
    step(draft, "open_negotiation", agent, date(2024, 1, 5))
    client.force_login(agent)
    history = client.get(reverse("conventions:history", args=[draft.pk])).content.decode()
    assert "<td>état</td><td>Brouillon</td><td>En négociation</td>" in history
    assert "lock" not in history and "negociation<" not in history


def test_the_rib_is_checked_against_its_key_and_the_iban(client, draft, make_user):
    client.force_login(make_user(Role.DDETS, "01"))
    base = {"lock_version": draft.lock_version, "amount_volet1": "1", "amount_volet2": "1",
            "start_date": "2024-01-01", "end_date": "2024-12-31", "iban": "FR76 3000 1007 9412 3456 7890 185",
            "bank_code": "30001", "branch_code": "00794", "account_number": "12345678901"}  # fmt: skip
    page = client.post(reverse("conventions:edit", args=[draft.pk]), {**base, "rib_key": "84"}).content.decode()
    assert "Clé RIB 84 incohérente avec le code établissement, le code guichet et le numéro de compte" in page
    other = {**base, "rib_key": "85", "iban": "FR14 2004 1010 0505 0001 3M02 606"}
    page = client.post(reverse("conventions:edit", args=[draft.pk]), other).content.decode()
    assert "Le RIB ne correspond pas à l&#x27;IBAN" in page
    draft.refresh_from_db()
    assert (draft.rib_key, draft.amount_volet1) == ("", Decimal("250000.00"))
    response = client.post(reverse("conventions:edit", args=[draft.pk]), {**base, "rib_key": "85"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.bank_code, draft.rib_key, draft.iban) == ("30001", "85", "FR7630001007941234567890185")


def test_the_page_says_beforehand_what_a_step_would_refuse_and_where_the_balance_is_settled(client, draft, make_user):
    """A step whose preconditions do not hold yet (the plan, fixed on its own page) keeps its button, with what it
    would refuse above it; the balance is settled from the execution page, which the convention's page links."""
    agent = make_user(Role.DDETS, "01")
    step(draft, "open_negotiation", agent, date(2024, 1, 5))
    client.force_login(agent)
    url = reverse("conventions:detail", args=[draft.pk])
    assert lifecycle.pending(draft, date(2024, 1, 6)) == {}
    page = client.get(url).content.decode()
    assert 'data-testid="step-finalise"' in page and 'data-testid="pending-finalise"' not in page
    draft.plan_lines.filter(volet=2).delete()
    draft.refresh_from_db()
    reasons = lifecycle.pending(draft, date(2024, 1, 6))["finalise"]
    assert reasons == [
        "Plan de financement : la part de l'État du volet 2 (0,00\u00a0€) doit être égale au montant de la convention "
        "(1\u00a0000\u00a0000,00\u00a0€) (R-FIN-01)."
    ]
    page = client.get(url).content.decode()
    assert 'data-testid="step-finalise"' in page
    assert "Cette étape sera refusée tant que 1 point reste à régler :" in page
    assert "la part de l&#x27;État du volet 2 (0,00\u00a0€) doit être égale" in page
    with pytest.raises(lifecycle.TransitionRefused) as refused:
        step(draft, "finalise", agent, date(2024, 1, 25))
    assert refused.value.reasons == reasons
    # the balance: from the execution page
    isere_agent = make_user(Role.DDETS, "38")
    isere = filled("38D", 2024, amount_volet1=Decimal("100000.00"), prefect_name="P", president_name="P",
                   regional_prefect_name="P")  # fmt: skip
    convention = in_execution(isere, isere_agent)
    step(convention, "receive_final_report", isere_agent, date(2025, 2, 15))
    client.force_login(isere_agent)
    page = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert 'data-testid="step-settle_balance"' not in page
    assert (
        f'<strong>Arrêter le solde</strong> : depuis la page <a href="/financement/conventions/{convention.pk}'
        '/execution/">Exécution et solde</a>.' in page
    )
