"""Permission matrix: role × territory (own, neighbour in the same region, another region) × action.

The target is the collectivité of the Ain (01D, Auvergne-Rhône-Alpes). A refusal answers 404,
as if the object did not exist, and changes nothing in the database.
"""

import pytest
from django.urls import reverse

from accounts import permissions
from accounts.models import Role
from conventions.models import ConventionState
from territories.models import Collectivity
from tests.factories import ConventionFactory, UserFactory

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


# What each role may do on the Ain's conventions and data, besides viewing (the matrix above), one column per rule:
# open a convention, manage its payments, record one paid, report, view the ceilings, reference the offer, share
# the indicators, upload a delivery, see the work list of persons to orient.
RIGHTS = ("create", "payments", "paid", "report", "ceilings", "offer", "share", "upload", "worklist")
RIGHTS_MATRIX = [
    (Role.DGEFP, None, {"create", "payments", "paid", "report", "ceilings", "offer", "share", "upload"}),
    (Role.DREETS, "84", {"paid", "ceilings", "share"}),
    (Role.DREETS, "32", {"ceilings"}),
    (Role.DDETS, "01", {"create", "payments", "paid", "offer", "share"}),
    (Role.DDETS, "38", {"offer"}),
    (Role.DEPARTMENTAL_COUNCIL, "01D", {"report", "offer", "share", "upload", "worklist"}),
    (Role.DEPARTMENTAL_COUNCIL, "59D", {"offer"}),
    (Role.FRANCE_TRAVAIL, "01", set()),
    (Role.FRANCE_TRAVAIL, None, set()),
]


@pytest.mark.parametrize(
    ("role", "territory", "allowed"),
    [pytest.param(*case, id=f"{case[0]}-{case[1] or 'national'}") for case in RIGHTS_MATRIX],
)
def test_each_right_on_the_ain_belongs_to_the_roles_the_rules_name(make_user, role, territory, allowed):
    user = make_user(role, territory)
    ain = Collectivity.objects.get(code="01D")
    convention = ConventionFactory(collectivity=ain)
    found = {
        "create": permissions.may_create_convention(user, ain),
        "payments": permissions.may_manage_payments(user, convention),
        "paid": permissions.may_record_paid(user, convention),
        "report": permissions.may_report(user, convention),
        "ceilings": permissions.may_view_ceilings(user),
        "offer": permissions.may_reference_offer(user),
        "share": permissions.may_share(user, ain),
        "upload": permissions.may_upload_delivery(user, ain),
        "worklist": permissions.may_view_worklist(user, ain),
    }
    assert {right for right in RIGHTS if found[right]} == allowed
    assert not permissions.may_administer(user)  # the Django administration: superusers only


def test_the_financing_plan_changes_only_while_negotiated_and_by_the_negotiating_parties(make_user):
    ain = Collectivity.objects.get(code="01D")
    draft = ConventionFactory(collectivity=ain)
    signed = ConventionFactory(collectivity=ain, year=2025, state=ConventionState.SIGNED)
    for role, territory, negotiates in [
        (Role.DDETS, "01", True), (Role.DEPARTMENTAL_COUNCIL, "01D", True), (Role.DGEFP, None, True),
        (Role.DREETS, "84", False), (Role.FRANCE_TRAVAIL, "01", False), (Role.DDETS, "38", False),
    ]:  # fmt: skip
        user = make_user(role, territory)
        assert permissions.may_edit_financing_plan(user, draft) is negotiates, (role, territory)
        assert permissions.may_edit_financing_plan(user, signed) is False, (role, territory)


def test_a_superuser_with_a_role_keeps_that_roles_scope(make_user):
    """Administering accounts gives no territorial rights: a superuser who is also the Ain's DDETS agent sees and
    manages the Ain only; a superuser without a role (the operator's account) is national."""
    agent = make_user(Role.DDETS, "01", is_superuser=True)
    operator = UserFactory(username="exploitant", role="", is_superuser=True)
    nord = Collectivity.objects.get(code="59D")

    assert not permissions.is_national(agent)
    assert set(permissions.visible_collectivities(agent).values_list("code", flat=True)) == {"01D"}
    assert not permissions.may_view_collectivity(agent, nord)
    assert not permissions.may_set_ceilings(agent)
    assert not permissions.visible_regions(agent).exists()
    assert permissions.may_administer(agent)

    assert permissions.is_national(operator)
    assert permissions.may_view_collectivity(operator, nord)
    assert permissions.may_set_ceilings(operator)
