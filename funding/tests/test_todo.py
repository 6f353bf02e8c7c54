"""« À faire » computed from the state: who is expected to act, at which step, by when, and what blocks it
(issue: everyone knows what to do next)."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.template.loader import render_to_string

from accounts.models import Role
from conventions import lifecycle
from conventions.volets import Volet
from funding import mid_year, payments, reports, todo
from funding.models import Payment, PlanLine
from territories.models import Collectivity
from tests.factories import (
    CeilingFactory,
    ConventionFactory,
    UserFactory,
    VoletBalanceFactory,
    signed,
    triennial,
)

pytestmark = pytest.mark.django_db


def labels(user, today):
    return [task.label for task in todo.tasks_for(user, today)]


def test_a_negotiation_whose_plan_breaks_rules_is_on_both_sides_lists_late_with_its_reasons():
    """The issue's Isère: in negotiation after the finalisation deadline, its plan breaking blocking rules;
    both sides read « Rien en attente » before."""
    isere = Collectivity.objects.get(code="38D")
    convention = ConventionFactory(collectivity=isere, amount_volet2=D("1000000.00"), state="negociation")
    CeilingFactory(collectivity=isere, volet=2, amount=D("2000000.00"))
    PlanLine.objects.create(
        convention=convention, volet=2, section="remobilisation", nature="prestation_accompagnement",
        purpose="Ateliers", state_amount=D("900000.00"), collectivity_amount=D("500000.00"),
    )  # fmt: skip
    council = UserFactory(role=Role.DEPARTMENTAL_COUNCIL, collectivity=isere)
    ddets = UserFactory(role=Role.DDETS, departement=isere.departements.get())

    (task,) = todo.tasks_for(council, date(2024, 2, 5))
    assert task.label == "Compléter le plan de financement : Convention 2024 – Isère"
    assert (task.step, task.due, task.late) == ("Finalisation", date(2024, 1, 31), True)
    assert task.why == "3 points bloquant la finalisation :"
    assert "la part de l'État du volet 2 (900\u00a0000,00\u00a0€) doit être égale" in task.reasons[0]
    assert "(R-FIN-03)" in task.reasons[1] and "au moins une fiche action est attendue" in task.reasons[2]
    (task,) = todo.tasks_for(ddets, date(2024, 1, 15))
    assert task.label == "Négocier le plan de financement : Convention 2024 – Isère"
    assert not task.late


def test_after_the_council_uploads_its_report_the_ddets_is_asked_to_record_it_not_told_it_is_late():
    ain = Collectivity.objects.get(code="01D")
    ddets = UserFactory(role=Role.DDETS, departement=ain.departements.get())
    convention = signed(ConventionFactory(collectivity=ain, amount_volet1=D("200000.00")), ddets)
    lifecycle.apply_transition(
        "start_execution", convention=convention, by=ddets, on=date(2024, 3, 9), lock_version=convention.lock_version
    )
    assert "Bilan final attendu le 31/03/2025 (en retard) : Convention 2024 – Ain" in labels(ddets, date(2025, 4, 2))
    convention.refresh_from_db()
    reports.report_replace(
        convention=convention,
        lines=[{"volet": 1, "section": "equipes_cd", "nature": "chefferie_projet", "purpose": "Chef de projet",
                "amount": D("150000.00"), "position": 5}],
    )  # fmt: skip
    found = labels(ddets, date(2025, 4, 2))
    assert not [label for label in found if label.startswith("Bilan final attendu")]
    assert "Enregistrer la remise du bilan final déposé par le département : Convention 2024 – Ain" in found


def test_an_approved_payment_is_to_be_recorded_by_another_agent_than_its_approver():
    ain = Collectivity.objects.get(code="01D")
    approver = UserFactory(role=Role.DDETS, departement=ain.departements.get())
    regional = UserFactory(role=Role.DREETS, region=ain.region)
    convention = signed(ConventionFactory(collectivity=ain, amount_volet1=D("200000.00")), approver)
    (advance,) = Payment.objects.filter(convention=convention)
    assert f"Approuver : {advance}" in labels(approver, date(2024, 3, 9))
    payments.approve_payment(payment_id=advance.pk, by=approver)
    assert not [label for label in labels(approver, date(2024, 3, 9)) if "paiement" in label]
    assert f"Enregistrer le paiement : {advance}" in labels(regional, date(2024, 3, 9))


def test_readers_have_nothing_to_do():
    assert todo.tasks_for(UserFactory(role=Role.FRANCE_TRAVAIL), date(2024, 3, 9)) == []


def test_the_council_is_asked_for_each_mid_year_remontee_due_until_it_is_sent():
    convention = triennial(even_tranches=True)
    ain = convention.collectivity
    ddets = UserFactory(role=Role.DDETS, departement=ain.departements.get())
    council = UserFactory(role=Role.DEPARTMENTAL_COUNCIL, collectivity=ain)
    convention = signed(convention, ddets, on=date(2025, 3, 8))

    def mid_year_tasks(user, today):
        return [task for task in todo.tasks_for(user, today) if task.step == "Remontée à mi-année"]

    assert mid_year_tasks(council, date(2025, 6, 29)) == []
    assert [task.label for task in mid_year_tasks(council, date(2025, 7, 1))] == [
        "Transmettre la synthèse à mi-année 2025 du volet 1 : Convention 2025–2027 – Ain",
        "Transmettre la synthèse à mi-année 2025 du volet 2 : Convention 2025–2027 – Ain",
    ]
    due = mid_year_tasks(council, date(2026, 12, 31))  # 2025's is past: the year's own only
    assert [task.label for task in due] == [
        "Transmettre la synthèse à mi-année 2026 du volet 1 : Convention 2025–2027 – Ain",
        "Transmettre la synthèse à mi-année 2026 du volet 2 : Convention 2025–2027 – Ain",
    ]
    assert (due[0].due, due[0].late) == (date(2026, 6, 30), False)
    # 30 June is the date the synthesis describes, not a deadline: the page reads « situation au », never « avant le »
    # in December; the deadline is the end of the year
    assert due[0].why.endswith("à transmettre d'ici le 31/12/2026.")
    badge = render_to_string("partials/tasks.html", {"tasks": due[:1]})
    assert "situation au 30/06/2026" in badge and "avant le" not in badge
    assert due[1].url.endswith("/mi-annee/volet-2/?annee=2026")
    assert mid_year_tasks(council, date(2027, 1, 2)) == []
    mid_year.send(
        convention=convention, volet=Volet.LOCAL_SOLUTIONS, year=2026, by=council, actions_engaged="Ateliers",
        difficulties="", credits_committed=D("100000.00"),
    )  # fmt: skip
    assert [task.label for task in mid_year_tasks(council, date(2026, 7, 1))] == [
        "Transmettre la synthèse à mi-année 2026 du volet 1 : Convention 2025–2027 – Ain"
    ]
    assert mid_year_tasks(ddets, date(2026, 7, 1)) == []
    lifecycle.apply_transition(
        "start_execution", convention=convention, by=ddets, on=date(2025, 3, 10), lock_version=convention.lock_version
    )
    assert len(mid_year_tasks(council, date(2026, 7, 1))) == 1


def test_the_state_is_asked_for_each_later_year_s_advances_from_its_1_january_until_they_are_proposed():
    convention = triennial(even_tranches=True)
    ain = convention.collectivity
    ddets = UserFactory(role=Role.DDETS, departement=ain.departements.get())
    council = UserFactory(role=Role.DEPARTMENTAL_COUNCIL, collectivity=ain)
    signed(convention, ddets, on=date(2025, 3, 8))  # the 2025 advances proposed at signature

    def advance_tasks(user, today):
        return [task for task in todo.tasks_for(user, today) if task.label.startswith("Proposer les avances")]

    assert advance_tasks(ddets, date(2025, 12, 31)) == []
    (task,) = advance_tasks(ddets, date(2026, 1, 1))
    assert task.label == "Proposer les avances 2026 : Convention 2025–2027 – Ain"
    assert (task.due, task.late, task.url) == (None, False, f"/financement/conventions/{convention.pk}/execution/")
    assert task.why == "À proposer depuis le 1er janvier 2026 : 60 % de la tranche 2026 de chaque volet (R-FIN-07)."
    assert advance_tasks(council, date(2026, 1, 1)) == []  # the State proposes its advances
    assert [t.label[:31] for t in advance_tasks(ddets, date(2027, 1, 4))] == [
        "Proposer les avances 2026 : Con",
        "Proposer les avances 2027 : Con",
    ]
    created = payments.propose_year_advances(convention_id=convention.pk, year=2026, today=date(2026, 1, 5))
    assert advance_tasks(ddets, date(2026, 1, 5)) == []
    payments.cancel_payment(payment_id=created[0].pk, reason="Montant à revoir")
    assert [t.label for t in advance_tasks(ddets, date(2026, 1, 6))] == [
        "Proposer les avances 2026 : Convention 2025–2027 – Ain"
    ]


def test_an_ended_convention_asks_for_its_final_report_not_its_mid_year_remontee():
    ain = Collectivity.objects.get(code="01D")
    ddets = UserFactory(role=Role.DDETS, departement=ain.departements.get())
    council = UserFactory(role=Role.DEPARTMENTAL_COUNCIL, collectivity=ain)
    convention = signed(ConventionFactory(collectivity=ain, amount_volet1=D("200000.00")), ddets)
    assert "Transmettre la synthèse à mi-année 2024 du volet 1 : Convention 2024 – Ain" in labels(
        council, date(2024, 7, 1)
    )
    assert not [label for label in labels(council, date(2025, 1, 2)) if "mi-année" in label]
    assert convention.end_date == date(2024, 12, 31)


def test_the_dgefp_takes_the_state_steps_only_where_no_ddets_agent_is_there_to():
    """The DGEFP may act on every convention; listing a hundred départements' steps on its home page read every
    plan at each page (1 112 queries, 0.6 s, with every convention in negotiation) and buried its own tasks."""
    ain, savoie = Collectivity.objects.get(code="01D"), Collectivity.objects.get(code="73D")
    dgefp = UserFactory(role=Role.DGEFP)
    ddets = UserFactory(role=Role.DDETS, departement=ain.departements.get())
    UserFactory(role=Role.DDETS, departement=savoie.departements.get(), is_active=False)
    for collectivity in (ain, savoie):
        ConventionFactory(collectivity=collectivity, amount_volet1=D("100000.00"), state="negociation")
    assert labels(dgefp, date(2024, 1, 15)) == ["Négocier le plan de financement : Convention 2024 – Savoie"]
    assert labels(ddets, date(2024, 1, 15)) == ["Négocier le plan de financement : Convention 2024 – Ain"]


def test_the_dgefp_approves_the_payments_only_where_no_ddets_agent_is_there_to():
    """Approving is the ordonnateur's act, the préfet de département's: in April a hundred signed conventions put two
    hundred advances on the DGEFP's list."""
    ain, savoie = Collectivity.objects.get(code="01D"), Collectivity.objects.get(code="73D")
    dgefp = UserFactory(role=Role.DGEFP)
    ddets = UserFactory(role=Role.DDETS, departement=ain.departements.get())
    for collectivity in (ain, savoie):
        signed(ConventionFactory(collectivity=collectivity, amount_volet1=D("100000.00")), dgefp)
    approve = [label for label in labels(dgefp, date(2024, 3, 9)) if label.startswith("Approuver")]
    assert len(approve) == 1 and approve[0].endswith("Savoie")
    assert [label for label in labels(ddets, date(2024, 3, 9)) if label.startswith("Approuver")] == [
        approve[0].replace("Savoie", "Ain")
    ]


def test_the_dgefp_records_a_payment_paid_only_where_no_other_territorial_agent_may():
    """Separation of duties: an advance approved by the Ain's only DDETS agent waits for another agent; the DGEFP is
    that agent until the region has a DREETS agent, who then records it."""
    ain = Collectivity.objects.get(code="01D")
    dgefp = UserFactory(role=Role.DGEFP)
    ddets = UserFactory(role=Role.DDETS, departement=ain.departements.get())
    convention = signed(ConventionFactory(collectivity=ain, amount_volet1=D("100000.00")), ddets)
    (advance,) = Payment.objects.filter(convention=convention)
    payments.approve_payment(payment_id=advance.pk, by=ddets)
    record = f"Enregistrer le paiement : {advance}"
    assert record in labels(dgefp, date(2024, 3, 12))
    dreets = UserFactory(role=Role.DREETS, region=ain.region)
    assert record not in labels(dgefp, date(2024, 3, 12))
    assert record in labels(dreets, date(2024, 3, 12)) and record not in labels(ddets, date(2024, 3, 12))


def test_the_dgefp_issues_a_titre_de_perception_only_where_no_territorial_agent_is_there_to():
    """R-FIN-08: the titre is the ordonnateur's, as the approvals; the DGEFP's list carries it only for a collectivité
    with no DDETS agent nor DREETS agent of its region, until one is there."""
    ain, savoie = Collectivity.objects.get(code="01D"), Collectivity.objects.get(code="73D")
    dgefp = UserFactory(role=Role.DGEFP)
    ddets = UserFactory(role=Role.DDETS, departement=ain.departements.get())
    for collectivity in (ain, savoie):
        VoletBalanceFactory(convention=ConventionFactory(collectivity=collectivity, state="close"))
    issue = "Émettre le titre de perception : 30\u00a0000,00\u00a0€ sur le volet 1 – Convention 2024 – "
    assert labels(dgefp, date(2025, 3, 2)) == [f"{issue}Savoie"]
    assert labels(ddets, date(2025, 3, 2)) == [f"{issue}Ain"]
    dreets = UserFactory(role=Role.DREETS, region=savoie.region)
    assert labels(dgefp, date(2025, 3, 2)) == []
    assert sorted(labels(dreets, date(2025, 3, 2))) == [f"{issue}Ain", f"{issue}Savoie"]
