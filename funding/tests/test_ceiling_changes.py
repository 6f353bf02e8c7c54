"""R-FIN-03 when a ceiling changes: a convention whose amounts are fixed (finalised and after) stays within its
ceilings, so a ceiling is not lowered under it (an avenant lowers the amount first); a convention still negotiated
is checked at its finalisation."""

from decimal import Decimal

import pytest

from accounts.models import Role
from conventions.models import ConventionState
from conventions.volets import Volet
from funding import services
from funding.models import Ceiling
from territories.models import Collectivity
from tests.factories import CeilingFactory, ConventionFactory, signed

pytestmark = pytest.mark.django_db
D = Decimal


def lower(collectivity, amount: str):
    return services.ceiling_save(
        collectivity=collectivity, year=2024, volet=Volet.LOCAL_SOLUTIONS, amount=D(amount), prenotified_on=None
    )


def test_a_ceiling_is_not_lowered_under_a_signed_convention(make_user):
    ain = Collectivity.objects.get(code="01D")
    CeilingFactory(collectivity=ain, volet=Volet.LOCAL_SOLUTIONS, amount=D("1100000.00"))
    convention = signed(ConventionFactory(collectivity=ain, amount_volet2=D("950000.00")), make_user(Role.DDETS, "01"))
    with pytest.raises(services.CeilingImportError) as refused:
        lower(ain, "900000.00")
    assert refused.value.errors == [
        f"{convention} (signée) : Volet 2 : 950\u00a0000,00\u00a0€ dépasse le plafond de 900\u00a0000,00\u00a0€ de "
        "50\u00a0000,00\u00a0€ ; un avenant doit d'abord réduire ce montant (R-FIN-03)."
    ]
    assert Ceiling.objects.get(collectivity=ain, volet=Volet.LOCAL_SOLUTIONS).amount == D("1100000.00")
    assert lower(ain, "950000.00").amount == D("950000.00")  # down to the amount itself


def test_a_ceiling_is_lowered_under_a_convention_still_negotiated():
    isere = Collectivity.objects.get(code="38D")
    CeilingFactory(collectivity=isere, volet=Volet.LOCAL_SOLUTIONS, amount=D("1100000.00"))
    ConventionFactory(collectivity=isere, state=ConventionState.NEGOTIATION, amount_volet2=D("950000.00"))
    assert lower(isere, "900000.00").amount == D("900000.00")
