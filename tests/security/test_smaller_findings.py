"""Finding 9 of the security audit (the smaller ones fixed so far): the open redirect after linking a funding,
a 500 on a non-numeric duration of a shared link, and error pages in English."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from accounts.models import Role
from offer.sample_data import BASES, service, structure
from offer.services import save_offer
from territories.models import Collectivity
from tests.factories import ConventionFactory

pytestmark = pytest.mark.django_db


def test_linking_a_funding_never_redirects_to_another_site(client, make_user):
    ain = structure(0, *BASES[0])
    save_offer([ain], [service(1, ain, "Aide aux démarches", ["mobilite--preparer-un-permis"])])
    convention = ConventionFactory(collectivity=Collectivity.objects.get(code="01D"))
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    url = reverse("offer:link_funding", args=["fixture-service--1"])
    response = client.post(url, {"convention": convention.pk, "next": "https://exemple.invalid/vol"})
    assert response.status_code == 302 and response["Location"] == reverse("offer:search")
    inside = client.post(url, {"convention": convention.pk, "next": "/offre/?territoire=01D"})
    assert inside["Location"] == "/offre/?territoire=01D"


def test_a_non_numeric_duration_of_a_shared_link_is_refused_in_french(client, make_user):
    client.force_login(make_user(Role.DDETS, "01"))
    page = client.post(reverse("steering:share", args=["01D"]), {"jours": "abc"}, follow=True)
    assert page.status_code == 200
    assert "Durée du lien invalide : un nombre de jours entre 1 et 365." in page.content.decode()


def test_error_pages_are_in_french(client, make_user):
    client.force_login(make_user(Role.DDETS, "01"))
    missing = client.get("/cette-page-n-existe-pas/")
    assert missing.status_code == 404 and "Page introuvable" in missing.content.decode()
    api = client.get("/api/v1/conventions/999999")
    assert (api.status_code, api.json()) == (404, {"detail": "Introuvable (ou hors de votre périmètre)."})
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user(Role.DGEFP))
    refused = strict.post(reverse("steering:share", args=["01D"]), {"jours": "30"})
    assert refused.status_code == 403 and "Formulaire expiré" in refused.content.decode()
    crash = server_error(RequestFactory().get("/"))
    assert crash.status_code == 500 and "Erreur du serveur" in crash.content.decode()
