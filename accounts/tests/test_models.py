import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role, User
from territories.models import Collectivity, Departement, Region

pytestmark = pytest.mark.django_db


def test_database_refuses_a_scope_that_does_not_match_the_role():
    with pytest.raises(IntegrityError):
        User.objects.create(username="dreets-sans-region", role=Role.DREETS)


def test_database_refuses_a_council_agent_with_a_region():
    with pytest.raises(IntegrityError):
        User.objects.create(
            username="cd",
            role=Role.DEPARTMENTAL_COUNCIL,
            collectivity=Collectivity.objects.get(code="01D"),
            region=Region.objects.get(code="84"),
        )


def test_only_a_council_agent_holds_a_collectivite():
    """The rights of a conseil départemental's agent (upload, report, work list) test its role and its collectivité
    together; the database keeps the collectivité for that role alone, so no other agent carries one."""
    ain = Collectivity.objects.get(code="01D")
    for role, scope in [
        (Role.DDETS, {"departement": Departement.objects.get(code="01")}),
        (Role.FRANCE_TRAVAIL, {"departement": Departement.objects.get(code="01")}),
        (Role.DGEFP, {}),
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(username=f"{role}-avec-collectivite", role=role, collectivity=ain, **scope)


def test_form_validation_explains_the_missing_territory_in_french():
    user = User(username="ddets", role=Role.DDETS)
    with pytest.raises(ValidationError) as error:
        user.clean()
    assert error.value.message_dict == {"departement": ["Ce rôle est rattaché à un territoire : renseignez-le."]}


def test_scope_labels(make_user):
    assert make_user(Role.DGEFP).scope_label == "National"
    assert make_user(Role.FRANCE_TRAVAIL).scope_label == "National (lecture seule)"
    assert make_user(Role.DDETS, "38").scope_label == "38 – Isère"
