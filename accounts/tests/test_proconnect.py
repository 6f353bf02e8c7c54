"""ProConnect login against a local stand-in provider: the real HTTP exchanges, keys and JWTs."""

from urllib.parse import parse_qs, urlparse

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from accounts.models import Role
from accounts.tests.oidc_provider import StandInProvider

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    with StandInProvider(client_id="plateforme-test") as stand_in:
        for name, value in stand_in.settings().items():
            setattr(settings, name, value)
        yield stand_in


def start_login(client):
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 302
    query = parse_qs(urlparse(response["Location"]).query)
    assert response["Location"].startswith("http://127.0.0.1:")
    assert query["acr_values"] == ["eidas1"]
    return query["state"][0], query["nonce"][0]


def logged_in(client):
    return "_auth_user_id" in client.session


@pytest.fixture
def agent(make_user):
    return make_user(Role.DDETS, "01", username="agent-oidc", email="agent.ddets@ain.gouv.fr")


def test_login_with_proconnect(client, provider, agent):
    state, nonce = start_login(client)
    code = provider.grant(
        nonce=nonce,
        userinfo={"sub": "abc", "email": "Agent.DDETS@ain.gouv.fr", "given_name": "Alex", "usual_name": "Fictif"},
    )
    response = client.get("/oidc/callback/", {"code": code, "state": state})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(agent.pk)
    agent.refresh_from_db()
    assert (agent.first_name, agent.last_name) == ("Alex", "Fictif")


def test_logout_also_ends_the_provider_session(client, provider, agent):
    state, nonce = start_login(client)
    code = provider.grant(nonce=nonce, userinfo={"email": agent.email})
    client.get("/oidc/callback/", {"code": code, "state": state})
    response = client.post("/compte/deconnexion/")
    assert response["Location"].startswith(f"{provider.base_url}/session/end?id_token_hint=")
    assert not logged_in(client)


def refused(client, response):
    assert response.status_code == 302
    assert response["Location"] == "/compte/connexion/"
    assert not logged_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "La connexion avec ProConnect a été refusée." in page


def test_wrong_state_is_refused(client, provider, agent):
    _, nonce = start_login(client)
    code = provider.grant(nonce=nonce, userinfo={"email": agent.email})
    refused(client, client.get("/oidc/callback/", {"code": code, "state": "etat-forge"}))


def test_wrong_nonce_is_refused(client, provider, agent):
    state, _ = start_login(client)
    code = provider.grant(nonce="nonce-rejoue", userinfo={"email": agent.email})
    refused(client, client.get("/oidc/callback/", {"code": code, "state": state}))


def test_missing_email_is_refused(client, provider, agent):
    state, nonce = start_login(client)
    code = provider.grant(nonce=nonce, userinfo={"sub": "abc", "given_name": "Sans"})
    refused(client, client.get("/oidc/callback/", {"code": code, "state": state}))


def test_unknown_email_is_refused_no_account_is_created(client, provider, agent, django_user_model):
    state, nonce = start_login(client)
    code = provider.grant(nonce=nonce, userinfo={"email": "inconnu@exemple.gouv.fr"})
    users = django_user_model.objects.count()
    refused(client, client.get("/oidc/callback/", {"code": code, "state": state}))
    assert django_user_model.objects.count() == users


def test_token_signed_by_another_key_is_refused(client, provider, agent):
    state, nonce = start_login(client)
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    code = provider.grant(nonce=nonce, userinfo={"email": agent.email}, signing_key=forger)
    refused(client, client.get("/oidc/callback/", {"code": code, "state": state}))


def test_proconnect_button_only_when_configured(client, settings):
    settings.PROCONNECT_ENABLED = False
    assert "ProConnect" not in client.get("/compte/connexion/").content.decode()
    settings.PROCONNECT_ENABLED = True
    assert "S'identifier avec" in client.get("/compte/connexion/").content.decode()
