"""R-FIN-12 and R-FIN-03 under concurrency: writes of a year's ceilings and envelope, or a ceiling lowered while
a convention is finalised, made at the same moment, each alone within the rules, together beyond them. Each write
is held open until the other has checked (as two DGEFP agents' requests can be): without the locks, each found the
room the other took and both were saved (PostgreSQL; SQLite serialises its writers anyway)."""

import contextlib
import threading
from decimal import Decimal

import pytest
from django.db import transaction

from accounts.models import Role
from conventions.lifecycle import TransitionRefused
from conventions.models import Convention, ConventionState
from conventions.volets import Volet
from funding import services
from funding.models import Ceiling, NationalEnvelope
from territories.models import Collectivity
from tests.concurrency import at_the_same_moment
from tests.factories import ConventionFactory, financeable, step

D = Decimal


def at_once(*writes) -> list[str]:
    """Each write at the same moment (`at_the_same_moment`), committed only once the others have checked too (or after
    two seconds: with the lock, a write waits for the other's commit and the barrier breaks); « enregistré » or the
    refusal, in the order of the writes."""
    all_checked = threading.Barrier(len(writes))

    def held_open(write):
        def run():
            with transaction.atomic():
                write()
                with contextlib.suppress(threading.BrokenBarrierError):
                    all_checked.wait(timeout=2)
            return "enregistré"

        return run

    outcomes = at_the_same_moment(*(held_open(write) for write in writes))
    return [
        " ".join(o.errors) if isinstance(o, services.CeilingImportError)
        else " ".join(o.reasons) if isinstance(o, TransitionRefused)
        else o
        for o in outcomes
    ]  # fmt: skip


def ceiling(code: str, amount: str):
    return lambda: services.ceiling_save(
        collectivity=Collectivity.objects.get(code=code),
        year=2031,
        volet=Volet.PROJECT_LEAD,
        amount=D(amount),
        prenotified_on=None,
    )


@pytest.mark.django_db(transaction=True)
def test_two_ceilings_saved_at_once_never_pass_the_envelope_together(territories):
    NationalEnvelope.objects.create(
        year=2031, total=D("3000.00"), volet1=D("1000.00"), volet2=D("1000.00"), volet3=D("1000.00")
    )
    outcomes = sorted(at_once(ceiling("01D", "600.00"), ceiling("38D", "600.00")))
    assert outcomes[0].startswith("Volet 1 : les plafonds notifiés font 1\u00a0200,00\u00a0€")
    assert outcomes[1] == "enregistré"
    assert list(Ceiling.objects.filter(year=2031).values_list("amount", flat=True)) == [D("600.00")]


@pytest.mark.django_db(transaction=True)
def test_a_ceiling_saved_while_the_envelope_is_first_set_never_passes_it(territories):
    def envelope():
        services.envelope_save(
            year=2031,
            total=D("3000.00"),
            parts={Volet.PROJECT_LEAD: D("1000.00"), Volet.LOCAL_SOLUTIONS: D("1000.00"),
                   Volet.TERRITORIAL_DEPLOYMENT: D("1000.00")},
            reserve=D("0.00"),
        )  # fmt: skip

    outcomes = at_once(ceiling("01D", "1200.00"), envelope)
    assert "enregistré" in outcomes and any(o.startswith("Volet 1 : les plafonds notifiés font") for o in outcomes)
    envelope_set = NationalEnvelope.objects.filter(year=2031).exists()
    ceilings = sum(Ceiling.objects.filter(year=2031).values_list("amount", flat=True), D("0"))
    assert not envelope_set or ceilings <= D("1000.00")


@pytest.mark.django_db(transaction=True)
def test_a_convention_finalised_while_its_ceiling_is_lowered_never_passes_it(make_user, territories):
    agent = make_user(Role.DDETS, "01")
    convention = financeable(
        ConventionFactory(collectivity=Collectivity.objects.get(code="01D"), amount_volet2=D("950000.00"))
    )
    Ceiling.objects.filter(collectivity=convention.collectivity, volet=Volet.LOCAL_SOLUTIONS).update(
        amount=D("1100000.00")
    )
    step(convention, "open_negotiation", agent, convention.start_date)

    def lower():
        services.ceiling_save(
            collectivity=convention.collectivity,
            year=2024,
            volet=Volet.LOCAL_SOLUTIONS,
            amount=D("900000.00"),
            prenotified_on=None,
        )

    outcomes = at_once(lower, lambda: step(convention, "finalise", agent, convention.start_date))
    assert outcomes.count("enregistré") == 1, outcomes
    finalised = Convention.objects.get(pk=convention.pk).state == ConventionState.FINALISED
    ceiling = Ceiling.objects.get(collectivity=convention.collectivity, volet=Volet.LOCAL_SOLUTIONS).amount
    assert ceiling == (D("1100000.00") if finalised else D("900000.00"))
