"""Finding 9 of the security audit (continued): the lockout was per (address, username) only: 48 failures over
12 accounts from one address locked nothing, and behind a proxy 5 bad attempts locked a real user out for
everyone."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Role
from accounts.throttling import ADDRESS_FAILURE_LIMIT, client_ip

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def test_an_address_spraying_many_accounts_is_blocked(client, make_user):
    make_user(Role.DDETS, "01", username="ddets-ain")
    for attempt in range(ADDRESS_FAILURE_LIMIT):
        client.post(LOGIN, {"username": f"compte-{attempt % 12}", "password": "faux"})
    response = client.post(LOGIN, {"username": "ddets-ain", "password": "mot-de-passe-de-test-1"})
    assert response.status_code == 429
    assert "Trop de tentatives de connexion ont échoué depuis votre adresse" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_behind_a_proxy_each_client_has_its_own_address(client, make_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user(Role.DDETS, "01", username="ddets-ain")
    for _ in range(5):  # someone else, behind the same proxy, fails five times on this username
        client.post(LOGIN, {"username": "ddets-ain", "password": "faux"}, HTTP_X_FORWARDED_FOR="198.51.100.7")
    response = client.post(
        LOGIN, {"username": "ddets-ain", "password": "mot-de-passe-de-test-1"}, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert response.status_code == 302  # the real user, from another address, still logs in


def test_the_client_address_is_read_from_the_trusted_proxies_only(settings):
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.9", REMOTE_ADDR="192.0.2.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "192.0.2.1"  # no proxy: a forged header is ignored
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # what our proxy saw, not what the client claimed before it
