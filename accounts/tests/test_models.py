import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import Role, User
from territories.models import Collectivity, Region

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


def test_form_validation_explains_the_missing_territory_in_french():
    user = User(username="ddets", role=Role.DDETS)
    with pytest.raises(ValidationError) as error:
        user.clean()
    assert error.value.message_dict == {"departement": ["Ce rôle est rattaché à un territoire : renseignez-le."]}


def test_scope_labels(make_user):
    assert make_user(Role.DGEFP).scope_label == "National"
    assert make_user(Role.FRANCE_TRAVAIL).scope_label == "National (lecture seule)"
    assert make_user(Role.DDETS, "38").scope_label == "38 – Isère"
