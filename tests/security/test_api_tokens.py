"""Finding 9 of the security audit (continued): API tokens could be neither revoked (not in the admin, no
command) nor expire."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role
from api.models import ApiToken

pytestmark = pytest.mark.django_db


def calls(client, key: str) -> int:
    return client.get("/api/v1/conventions", HTTP_AUTHORIZATION=f"Bearer {key}").status_code


def test_a_token_expires(client, make_user):
    token, key = ApiToken.issue(user=make_user(Role.DEPARTMENTAL_COUNCIL, "01D"), name="SI du département")
    assert calls(client, key) == 200
    assert token.expires_at - timezone.now() > timedelta(days=364)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert calls(client, key) == 401


def test_a_token_is_revoked_by_command_and_by_the_admin(client, make_user, admin_client, capsys):
    user = make_user(Role.DEPARTMENTAL_COUNCIL, "01D")
    _, first = ApiToken.issue(user=user, name="SI du département")
    second_token, second = ApiToken.issue(user=user, name="entrepôt")
    call_command("revoke_api_token", user.username, "--nom", "SI du département")
    assert "Jeton révoqué : SI du département" in capsys.readouterr().out
    assert (calls(client, first), calls(client, second)) == (401, 200)
    page = admin_client.get("/admin/api/apitoken/")
    assert page.status_code == 200 and "entrepôt" in page.content.decode()
    admin_client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [second_token.pk]}, follow=True)
    assert calls(client, second) == 401
