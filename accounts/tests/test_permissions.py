"""Permission matrix: role × territory (own, neighbour in the same region, another region) × action.

The target is the collectivité of the Ain (01D, Auvergne-Rhône-Alpes). A refusal answers 404,
as if the object did not exist, and changes nothing in the database.
"""

import pytest
from django.urls import reverse

from accounts import permissions
from accounts.models import Role
from territories.models import Collectivity

pytestmark = pytest.mark.django_db

ACTIONS = ("view", "edit", "history", "region")

# (role, territory, relation to the Ain) → allowed actions
MATRIX = [
    (Role.DGEFP, None, "national", {"view", "edit", "history", "region"}),
    (Role.DREETS, "84", "own", {"view", "history", "region"}),
    (Role.DREETS, "32", "other region", set()),
    (Role.DDETS, "01", "own", {"view", "edit", "history"}),
    (Role.DDETS, "38", "neighbour", set()),
    (Role.DDETS, "59", "other region", set()),
    (Role.DEPARTMENTAL_COUNCIL, "01D", "own", {"view", "edit", "history"}),
    (Role.DEPARTMENTAL_COUNCIL, "38D", "neighbour", set()),
    (Role.DEPARTMENTAL_COUNCIL, "59D", "other region", set()),
    (Role.FRANCE_TRAVAIL, "01", "own", {"view"}),
    (Role.FRANCE_TRAVAIL, "38", "neighbour", set()),
    (Role.FRANCE_TRAVAIL, None, "national", {"view", "region"}),
]

CASES = [
    pytest.param(role, territory, action, action in allowed, id=f"{role}-{relation}-{action}")
    for role, territory, relation, allowed in MATRIX
    for action in ACTIONS
]


def perform(client, action):
    if action == "view":
        return client.get(reverse("territories:collectivity_detail", args=["01D"]))
    if action == "history":
        return client.get(reverse("territories:collectivity_history", args=["01D"]))
    if action == "region":
        return client.get(reverse("territories:region_detail", args=["84"]))
    return client.post(
        reverse("territories:collectivity_edit", args=["01D"]),
        {"president_name": "Président fictif", "prefect_name": "Préfète fictive", "contact_email": "",
         "lock_version": Collectivity.objects.get(code="01D").lock_version},
    )  # fmt: skip


@pytest.mark.parametrize(("role", "territory", "action", "allowed"), CASES)
def test_permission_matrix(client, make_user, role, territory, action, allowed):
    client.force_login(make_user(role, territory))
    history_before = Collectivity.history.count()

    response = perform(client, action)

    ain = Collectivity.objects.get(code="01D")
    if not allowed:
        assert response.status_code == 404
        assert ain.president_name == ""
        assert Collectivity.history.count() == history_before
    elif action == "edit":
        assert response.status_code == 302
        assert ain.president_name == "Président fictif"
        assert Collectivity.history.count() == history_before + 1
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(("role", "territory", "relation", "allowed"), MATRIX)
def test_lists_agree_with_object_checks(make_user, role, territory, relation, allowed):
    user = make_user(role, territory)
    ain = Collectivity.objects.get(code="01D")
    assert permissions.may_view_collectivity(user, ain) == ("view" in allowed)
    assert (ain in permissions.visible_collectivities(user)) == ("view" in allowed)
    assert permissions.may_edit_collectivity(user, ain) == ("edit" in allowed)


def test_rhone_ddets_sees_the_rhone_and_the_metropole_de_lyon(make_user):
    user = make_user(Role.DDETS, "69")
    codes = set(permissions.visible_collectivities(user).values_list("code", flat=True))
    assert codes == {"69D", "69M"}


def test_dreets_sees_exactly_its_region(make_user):
    user = make_user(Role.DREETS, "32")
    codes = set(permissions.visible_collectivities(user).values_list("code", flat=True))
    assert codes == {"02D", "59D", "60D", "62D", "80D"}


def test_anonymous_sees_nothing(client):
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.visible_collectivities(AnonymousUser()).exists()
    assert not permissions.visible_regions(AnonymousUser()).exists()
