"""Who may write what in a negotiation, and when (pure rules)."""

import pytest

from negotiation.models import MessageKind as K
from negotiation.models import NegotiationStatus as St
from negotiation.models import status_of
from negotiation.rules import refusals, shown_status


def check(kind, side="departement", status=St.IN_PREPARATION, state="negociation", text="", plan_refusals=()):
    return refusals(kind, side=side, status=status, state=state, text=text, plan_refusals=list(plan_refusals))


def test_the_loop_submit_changes_fixed_accepted():
    assert status_of([]) == St.IN_PREPARATION
    assert status_of([K.SUBMITTED]) == St.SUBMITTED
    assert status_of([K.SUBMITTED, K.COMMENT, K.CHANGES_REQUESTED, K.COMMENT]) == St.CHANGES_REQUESTED
    assert status_of([K.SUBMITTED, K.CHANGES_REQUESTED, K.SUBMITTED, K.ACCEPTED]) == St.ACCEPTED


def test_each_side_does_its_own_part():
    assert check(K.SUBMITTED, side="etat") == [
        "« Plan soumis à la DDETS » : c'est le conseil départemental qui le fait."
    ]
    assert check(K.ACCEPTED, side="departement", status=St.SUBMITTED) == [
        "« Plan accepté par la DDETS » : c'est la DDETS ou la DGEFP qui le fait."
    ]
    assert check(K.COMMENT, side=None, text="Bonjour") == [
        "Seules les deux parties qui négocient la convention écrivent dans sa négociation."
    ]
    assert check(K.COMMENT, side="etat", text="Bonjour") == []


def test_an_answer_answers_a_submitted_plan():
    assert check(K.CHANGES_REQUESTED, side="etat", text="Revoir") == [
        "« Modifications demandées » répond à un plan soumis ; il est « en préparation par le département »."
    ]
    assert check(K.SUBMITTED, status=St.SUBMITTED) == ["Le plan est déjà soumis à la DDETS : attendez sa réponse."]
    assert check(K.SUBMITTED, status=St.CHANGES_REQUESTED) == []


def test_a_change_request_says_what_to_change_and_a_comment_is_not_empty():
    assert check(K.CHANGES_REQUESTED, side="etat", status=St.SUBMITTED, text="  ") == [
        "Dites au département ce qu'il doit modifier."
    ]
    assert check(K.COMMENT, text="") == ["Écrivez votre commentaire."]


def test_a_plan_that_breaks_a_rule_cannot_be_accepted():
    assert check(
        K.ACCEPTED, side="etat", status=St.SUBMITTED, plan_refusals=["Volet 2 : cofinancement (R-FIN-05)."]
    ) == [
        "Le plan ne peut pas être accepté tant qu'il enfreint une règle bloquante :",
        "Volet 2 : cofinancement (R-FIN-05).",
    ]
    assert check(K.ACCEPTED, side="etat", status=St.SUBMITTED) == []


def test_a_signed_convention_is_no_longer_negotiated_but_may_be_commented():
    assert check(K.SUBMITTED, state="signee") == [
        "La convention est « Signée » : son plan ne se négocie plus (un changement passe par un avenant)."
    ]
    assert check(K.COMMENT, state="signee", text="Merci") == []


@pytest.mark.parametrize(
    ("state", "shown"),
    [
        ("brouillon", St.SUBMITTED),
        ("negociation", St.SUBMITTED),
        ("finalisee", St.CLOSED),
        ("signee", St.CLOSED),
        ("en_execution", St.CLOSED),
        ("resiliee", St.CLOSED),
    ],
)
def test_the_page_shows_the_negotiation_closed_from_the_finalisation_on(state, shown):
    assert shown_status(St.SUBMITTED, state) == shown
