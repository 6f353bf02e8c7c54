"""Notices in the inbox and by e-mail: addressed by role and territory, never to the person who acted,
per each person's preferences; reminders of deadlines once each."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from conventions import lifecycle
from funding import payments
from funding.models import Payment
from notifications.events import send_reminders
from notifications.models import Notification, NotificationKind, Preference
from territories.models import Collectivity
from tests.factories import ConventionFactory, UserFactory, signed, triennial

pytestmark = pytest.mark.django_db


@pytest.fixture
def ain():
    collectivity = Collectivity.objects.get(code="01D")
    return {
        "collectivity": collectivity,
        "ddets": UserFactory(role=Role.DDETS, departement=collectivity.departements.get(), email="ddets@ain.invalid"),
        "council": UserFactory(role=Role.DEPARTMENTAL_COUNCIL, collectivity=collectivity, email="cd@ain.invalid"),
        "dreets": UserFactory(role=Role.DREETS, region=collectivity.region, email="dreets@ara.invalid"),
        "elsewhere": UserFactory(role=Role.DDETS, departement=Collectivity.objects.get(code="38D").departements.get()),
    }


def subjects(user):
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


def test_a_step_is_told_to_the_other_side_of_that_convention_only(ain, mailoutbox, django_capture_on_commit_callbacks):
    convention = ConventionFactory(collectivity=ain["collectivity"], amount_volet1=D("100000.00"))
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.apply_transition(
            "open_negotiation", convention=convention, by=ain["ddets"], on=date(2024, 1, 5), lock_version=0
        )
    assert subjects(ain["council"]) == ["Convention 2024 – Ain : ouvrir la négociation"]
    assert subjects(ain["ddets"]) == [] and subjects(ain["elsewhere"]) == [] and subjects(ain["dreets"]) == []
    assert [m.to for m in mailoutbox] == [["cd@ain.invalid"]]


def test_an_approved_payment_is_told_to_the_agents_who_may_record_it(
    ain, django_capture_on_commit_callbacks, mailoutbox
):
    convention = signed(ConventionFactory(collectivity=ain["collectivity"], amount_volet1=D("100000.00")), ain["ddets"])
    (advance,) = Payment.objects.filter(convention=convention)
    with django_capture_on_commit_callbacks(execute=True):
        payments.approve_payment(payment_id=advance.pk, by=ain["ddets"])
    assert subjects(ain["dreets"]) == [f"Paiement à enregistrer : {advance}"]
    payments.mark_paid(payment_id=advance.pk, paid_on=date(2024, 4, 2), chorus_reference="CH-1", by=ain["dreets"])
    assert f"Versement effectué : {advance}" in subjects(ain["council"])


def test_without_the_kind_in_the_preferences_no_mail_but_still_the_inbox(
    ain, mailoutbox, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=ain["council"], emailed_kinds=[NotificationKind.DEADLINE])
    convention = ConventionFactory(collectivity=ain["collectivity"], amount_volet1=D("100000.00"))
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.apply_transition(
            "open_negotiation", convention=convention, by=ain["ddets"], on=date(2024, 1, 5), lock_version=0
        )
    assert len(subjects(ain["council"])) == 1 and mailoutbox == []


def test_reminders_seven_days_ahead_then_when_passed_each_once(ain):
    ConventionFactory(collectivity=ain["collectivity"], amount_volet1=D("100000.00"))  # a draft: to open
    assert send_reminders(date(2024, 1, 10)) == 0  # the finalisation is due on 31/01, more than 7 days away
    assert send_reminders(date(2024, 1, 25)) == 1
    assert subjects(ain["ddets"]) == ["Échéance le 31/01/2024 : Ouvrir la négociation : Convention 2024 – Ain"]
    assert send_reminders(date(2024, 1, 26)) == 0  # told once
    call_command("send_reminders", "--date", "2024-02-01")
    assert (
        subjects(ain["ddets"])[0] == "Échéance dépassée le 31/01/2024 : Ouvrir la négociation : Convention 2024 – Ain"
    )
    assert send_reminders(date(2024, 2, 2)) == 0


def test_a_new_years_advances_are_announced_once_to_the_state_side_until_proposed(ain):
    convention = signed(triennial(even_tranches=True), ain["ddets"], on=date(2025, 3, 10))
    send_reminders(date(2025, 12, 30))
    assert not [s for s in subjects(ain["ddets"]) if s.startswith("À faire")]  # 2026 not begun
    send_reminders(date(2026, 1, 2))
    announced = "À faire : Proposer les avances 2026 : Convention 2025–2027 – Ain"
    assert [s for s in subjects(ain["ddets"]) if s.startswith("À faire")] == [announced]
    assert announced not in subjects(ain["council"]) + subjects(ain["elsewhere"])
    send_reminders(date(2026, 1, 3))
    assert subjects(ain["ddets"]).count(announced) == 1  # told once
    payments.propose_year_advances(convention_id=convention.pk, year=2026, today=date(2026, 1, 5))
    send_reminders(date(2027, 1, 4))
    assert [s for s in subjects(ain["ddets"]) if s.startswith("À faire")] == [
        "À faire : Proposer les avances 2027 : Convention 2025–2027 – Ain",
        announced,
    ]


def test_the_mid_year_remontee_is_told_when_it_opens_then_before_its_real_deadline_never_as_due_on_30_june(ain):
    """30 June is the date the synthesis describes: told on 30 June « Échéance le 30/06/2026 », the council read a
    deadline of that very day; the remontée is announced when it opens and reminded before 31 December."""
    from conventions.volets import Volet
    from funding import mid_year

    convention = signed(triennial(even_tranches=True), ain["ddets"], on=date(2025, 3, 10))
    send_reminders(date(2026, 7, 1))
    told = subjects(ain["council"])
    assert sorted(s for s in told if "mi-année 2026" in s) == [
        "À faire : Transmettre la synthèse à mi-année 2026 du volet 1 : Convention 2025–2027 – Ain",
        "À faire : Transmettre la synthèse à mi-année 2026 du volet 2 : Convention 2025–2027 – Ain",
    ]
    assert not [s for s in told if "30/06/2026" in s]
    mid_year.send(
        convention=convention, volet=Volet.LOCAL_SOLUTIONS, year=2026, by=ain["council"], actions_engaged="Ateliers",
        difficulties="", credits_committed=D("100000.00"),
    )  # fmt: skip
    send_reminders(date(2026, 12, 1))
    assert len(subjects(ain["council"])) == len(told)  # told once, and 31 December is still far
    send_reminders(date(2026, 12, 26))
    assert [s for s in subjects(ain["council"]) if s.startswith("Échéance") and "mi-année 2026" in s] == [
        "Échéance le 31/12/2026 : Transmettre la synthèse à mi-année 2026 du volet 1 : Convention 2025–2027 – Ain"
    ]


def test_the_inbox_is_ones_own_and_opening_a_notice_marks_it_read(client, ain):
    mine = Notification.objects.create(
        recipient=ain["council"], kind=NotificationKind.STEP, subject="Étape", body="…", url="/conventions/"
    )
    theirs = Notification.objects.create(recipient=ain["ddets"], kind=NotificationKind.STEP, subject="Autre", body="…")
    client.force_login(ain["council"])
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Étape" in page and "Autre" not in page and "Notifications (1 non lue)" in page
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    response = client.get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response.url == "/conventions/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_preferences_are_saved(client, ain):
    client.force_login(ain["council"])
    client.post(reverse("notifications:preferences"), {"emailed_kinds": ["echeance", "versement"]})
    assert set(Preference.objects.get(user=ain["council"]).emailed_kinds) == {"echeance", "versement"}


def test_the_dgefp_is_reminded_only_of_what_no_ddets_agent_is_told(ain):
    """The DGEFP may act on every convention, but reminding it of each département's deadlines would bury its inbox
    under a hundred conventions' steps: a deadline is its to tell only where no active DDETS agent is there to act."""
    dgefp = UserFactory(role=Role.DGEFP)
    ConventionFactory(collectivity=ain["collectivity"], amount_volet1=D("100000.00"))
    ConventionFactory(collectivity=Collectivity.objects.get(code="73D"), amount_volet1=D("100000.00"))
    gone = UserFactory(role=Role.DDETS, departement=Collectivity.objects.get(code="73D").departements.get())
    gone.is_active = False
    gone.save()
    send_reminders(date(2024, 1, 25))
    assert subjects(ain["ddets"]) == ["Échéance le 31/01/2024 : Ouvrir la négociation : Convention 2024 – Ain"]
    assert subjects(dgefp) == ["Échéance le 31/01/2024 : Ouvrir la négociation : Convention 2024 – Savoie"]
