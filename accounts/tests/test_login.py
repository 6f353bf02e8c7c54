import pytest
from django.urls import reverse

from accounts.models import Role

pytestmark = pytest.mark.django_db

LOGIN = "/compte/connexion/"


def test_local_login_leads_to_the_role_home_page(client, make_user):
    make_user(Role.DEPARTMENTAL_COUNCIL, "01D", username="agent-ain", first_name="Jules")
    response = client.post(LOGIN, {"username": "agent-ain", "password": "mot-de-passe-de-test-1"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/"
    assert "Bonjour Jules" in page
    assert "Vous préparez et exécutez la convention de votre collectivité." in page
    assert 'href="/territoires/collectivites/01D/"' in page
    assert "/territoires/collectivites/38D/" not in page


def test_wrong_password_is_refused_in_french(client, make_user):
    make_user(Role.DDETS, "01", username="ddets-ain")
    response = client.post(LOGIN, {"username": "ddets-ain", "password": "faux"})
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_axes_locks_an_account_after_five_failures(client, make_user):
    make_user(Role.DDETS, "01", username="ddets-ain")
    for _ in range(5):
        client.post(LOGIN, {"username": "ddets-ain", "password": "faux"})
    # Even the right password is refused while the lock holds.
    response = client.post(LOGIN, {"username": "ddets-ain", "password": "mot-de-passe-de-test-1"})
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(client, make_user):
    client.force_login(make_user(Role.DGEFP))
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_public_home_invites_to_log_in(client):
    page = client.get("/").content.decode()
    assert "Se connecter" in page
    assert "Accessibilité : non conforme" in page


def test_pages_carry_a_content_security_policy_with_a_nonce(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()
