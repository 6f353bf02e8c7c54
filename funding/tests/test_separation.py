"""Separation of duties for payments (décret 2012-1246 GBCP, art. 9): the agent who approved a payment never
records it paid; the payment date is not in the future. Pure rule, no database."""

from datetime import date
from types import SimpleNamespace

from funding.payments import separation_refusals

TODAY = date(2024, 6, 1)
APPROVER = SimpleNamespace(pk=7)
OTHER = SimpleNamespace(pk=8)
APPROVED = SimpleNamespace(approved_by_id=7)


def test_another_agent_records_the_payment():
    assert separation_refusals(APPROVED, OTHER, date(2024, 5, 31), TODAY) == []


def test_the_approver_may_not_record_it_paid():
    assert separation_refusals(APPROVED, APPROVER, date(2024, 5, 31), TODAY) == [
        "Séparation des fonctions : vous avez approuvé ce versement, un autre agent de l'État "
        "(DDETS, DREETS ou DGEFP) enregistre son paiement."
    ]


def test_a_payment_recorded_by_nobody_is_refused():
    assert separation_refusals(APPROVED, None, TODAY, TODAY) == [
        "Le paiement doit être enregistré par un agent identifié."
    ]


def test_a_payment_dated_in_the_future_is_refused():
    assert separation_refusals(APPROVED, OTHER, date(2024, 6, 2), TODAY) == [
        "La date de paiement (02/06/2024) ne peut pas être dans le futur."
    ]
