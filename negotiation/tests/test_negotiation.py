"""The negotiation loop through the pages: the council submits, the DDETS asks for changes on a plan line, the
council fixes and resubmits, the DDETS accepts; each step told to the other side (inbox and e-mail) and kept
in the convention's history."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from accounts.models import Role
from negotiation.models import NegotiationMessage, NegotiationStatus
from negotiation.services import status
from notifications.models import Notification
from territories.models import Collectivity
from tests.factories import CeilingFactory, ConventionFactory, PlanLineFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def isere():
    collectivity = Collectivity.objects.get(code="38D")
    convention = ConventionFactory(collectivity=collectivity, amount_volet1=D("100000.00"), state="negociation")
    CeilingFactory(collectivity=collectivity, volet=1, amount=D("300000.00"))
    line = PlanLineFactory(convention=convention, volet=1, state_amount=D("90000.00"), purpose="Chef de projet")
    council = UserFactory(role=Role.DEPARTMENTAL_COUNCIL, collectivity=collectivity, email="cd@isere.invalid")
    ddets = UserFactory(role=Role.DDETS, departement=collectivity.departements.get(), email="ddets@isere.invalid")
    return convention, line, council, ddets


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """Posts a message; the e-mails leave once the request's transaction is committed."""

    def posting(_client, convention, **data):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("negotiation:post", args=[convention.pk]), data, follow=True)
        return response.content.decode()

    return posting


def test_submit_changes_fixed_accepted(client, isere, mailoutbox, post):
    convention, line, council, ddets = isere
    client.force_login(council)
    post(client, convention, kind="soumission", text="Notre plan pour 2024.")
    assert status(convention) == NegotiationStatus.SUBMITTED
    (notice,) = Notification.objects.filter(recipient=ddets)
    assert notice.subject == "Plan soumis à la DDETS : Convention 2024 – Isère"
    assert [m.to for m in mailoutbox] == [["ddets@isere.invalid"]]
    assert (
        "Notre plan pour 2024." in mailoutbox[0].body
        and f"/conventions/{convention.pk}/#negociation" in mailoutbox[0].body
    )

    client.force_login(ddets)
    page = post(client, convention, kind="acceptation")
    assert "Le plan ne peut pas être accepté tant qu&#x27;il enfreint une règle bloquante" in page  # 90 000 ≠ 100 000
    post(
        client,
        convention,
        kind="modifications",
        text="La part de l'État doit être de 100 000 €.",
        about=f"ligne-{line.pk}",
    )
    assert status(convention) == NegotiationStatus.CHANGES_REQUESTED
    notice = Notification.objects.filter(recipient=council).latest("pk")
    assert notice.subject == "Modifications demandées : Convention 2024 – Isère"
    assert "(ligne du plan : Volet 1 – Chef de projet) : La part de l'État doit être de 100 000 €." in notice.body

    client.force_login(council)
    home = client.get("/").content.decode()
    assert "Modifier le plan : modifications demandées par la DDETS" in home
    line.state_amount = D("100000.00")
    line.save()
    post(client, convention, kind="soumission", text="Corrigé.")
    client.force_login(ddets)
    assert "Examiner le plan soumis par le département" in client.get("/").content.decode()
    post(client, convention, kind="acceptation", text="Plan accepté.")
    assert status(convention) == NegotiationStatus.ACCEPTED
    assert "Finaliser : Convention 2024 – Isère" in client.get("/").content.decode()

    kinds = list(NegotiationMessage.objects.filter(convention=convention).values_list("kind", flat=True))
    assert kinds == ["soumission", "modifications", "soumission", "acceptation"]
    history = client.get(reverse("conventions:history", args=[convention.pk])).content.decode()
    assert (
        "Négociation : modifications demandées" in history
        and "La part de l&#x27;État doit être de 100 000 €." in history
    )
    assert len(mailoutbox) == 4  # each message told to the other side, never to its author


def test_a_party_outside_the_convention_cannot_write(client, isere):
    convention, *_ = isere
    client.force_login(UserFactory(role=Role.DEPARTMENTAL_COUNCIL, collectivity=Collectivity.objects.get(code="01D")))
    response = client.post(reverse("negotiation:post", args=[convention.pk]), {"kind": "commentaire", "text": "x"})
    assert response.status_code == 404
    assert not NegotiationMessage.objects.exists()


def test_a_line_of_another_convention_is_not_a_subject(client, isere, post):
    convention, _, council, _ = isere
    other = PlanLineFactory(convention=ConventionFactory(collectivity=Collectivity.objects.get(code="01D")), volet=1)
    client.force_login(council)
    page = post(client, convention, kind="commentaire", text="Hors sujet", about=f"ligne-{other.pk}")
    assert "Message refusé : À propos de : Sélectionnez un choix valide." in page
    assert not NegotiationMessage.objects.exists()


def test_a_convention_in_execution_shows_its_negotiation_closed_and_may_still_be_commented(client, isere, post):
    convention, _, council, _ = isere
    convention.state = "en_execution"
    convention.save()
    client.force_login(council)
    page = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert "Négociation close : le plan est arrêté, un changement passe par un avenant" in page
    assert "En préparation par le département" not in page and "Soumettre le plan" not in page
    assert "Merci pour le suivi" in post(client, convention, kind="commentaire", text="Merci pour le suivi", about="")
