"""R-FIN-12 under concurrency: two ceilings of the same volet saved at the same moment, each alone within the volet's
envelope, both beyond it together. Each save is held open until the other has checked the envelope (as two DGEFP
agents' requests can be): without the year's lock, each found room the other took and both were saved (PostgreSQL;
SQLite serialises its writers anyway)."""

import contextlib
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from conventions.volets import Volet
from funding import services
from funding.models import Ceiling, NationalEnvelope
from territories.models import Collectivity

D = Decimal


@pytest.mark.django_db(transaction=True)
def test_two_ceilings_saved_at_once_never_pass_the_envelope_together(territories):
    NationalEnvelope.objects.create(
        year=2031, total=D("3000.00"), volet1=D("1000.00"), volet2=D("1000.00"), volet3=D("1000.00")
    )
    both_checked, outcomes = threading.Barrier(2), {}

    def save(code):
        try:
            with transaction.atomic():  # committed only once the other save has checked too (or after 2 s)
                services.ceiling_save(
                    collectivity=Collectivity.objects.get(code=code),
                    year=2031,
                    volet=Volet.PROJECT_LEAD,
                    amount=D("600.00"),
                    prenotified_on=None,
                )
                # with the lock, the other save waits for this one: the barrier breaks and this one commits first
                with contextlib.suppress(threading.BrokenBarrierError):
                    both_checked.wait(timeout=2)
            outcomes[code] = "enregistré"
        except services.CeilingImportError as refusal:
            outcomes[code] = " ".join(refusal.errors)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(code,)) for code in ("01D", "38D")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values())[0].startswith("Volet 1 : les plafonds notifiés font 1\u00a0200,00\u00a0€")
    assert sorted(outcomes.values())[1] == "enregistré"
    assert list(Ceiling.objects.filter(year=2031).values_list("amount", flat=True)) == [D("600.00")]
