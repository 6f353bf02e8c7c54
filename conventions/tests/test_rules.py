"""Plain rules of conventions, without a database: amounts, bank details, transitions, deadlines."""

from datetime import date
from decimal import Decimal

import pytest

from conventions import deadlines, execution_reports, lifecycle
from conventions.amounts import amount_in_figures_and_words, amount_in_words, parse_amount
from conventions.banking import bic_errors, iban_errors
from conventions.models import Convention, ConventionState
from territories.models import Collectivity


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1", "un euro"),
        ("21", "vingt et un euros"),
        ("80", "quatre-vingts euros"),
        ("200", "deux cents euros"),
        ("1100", "mille cent euros"),
        ("1000000", "un million d'euros"),
        ("2000000.50", "deux millions d'euros et cinquante centimes"),
        ("0.01", "un centime"),
        ("1250000", "un million deux cent cinquante mille euros"),
    ],
)
def test_r_conv_07_amounts_in_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_r_conv_07_amount_in_figures_and_words_as_in_the_instruction():
    assert amount_in_figures_and_words(Decimal("1250000")) == (
        "1\u00a0250\u00a0000,00\u00a0€ (un million deux cent cinquante mille euros)"
    )


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("-5", "un montant ne peut pas être négatif"),
        ("12,345", "un montant a au plus deux décimales"),
        ("abc", "montant invalide"),
    ],
)
def test_amounts_refused(text, error):
    with pytest.raises(ValueError, match=error):
        parse_amount(text)


def test_amounts_typed_the_french_way():
    assert parse_amount("1 250 000,50 €") == Decimal("1250000.50")


def test_iban_checksum_and_bic():
    assert iban_errors("FR76 3000 6000 0112 3456 7890 189") == []
    assert iban_errors("FR76 3000 6000 0112 3456 7890 188") == [
        "IBAN invalide : la clé de contrôle ne correspond pas (erreur de saisie ?)"
    ]
    assert iban_errors("FR76300060000112345678901") == ["IBAN invalide : 25 caractères au lieu de 27 pour le pays FR"]
    assert bic_errors("BDFEFRPPCCT") == []
    assert bic_errors("BDFE") != []


def convention(**values) -> Convention:
    base = {
        "collectivity": Collectivity(code="01D", name="Ain"),
        "year": 2024,
        "start_date": date(2024, 1, 1),
        "end_date": date(2024, 12, 31),
        "state": ConventionState.NEGOTIATION,
        "amount_volet1": Decimal("250000"),
        "prefect_name": "Préfète fictive",
        "president_name": "Président fictif",
        "regional_prefect_name": "Préfet de région fictif",
    }
    return Convention(**{**base, **values})


def refusals(name, c, on=date(2024, 1, 20), selected=False):
    return lifecycle.refusals(lifecycle.TRANSITIONS[name], c, on, volet3_selected=selected)


def test_r_conv_03_steps_only_in_order():
    assert refusals("sign", convention()) == [
        "« Enregistrer les signatures » n'est pas possible pour une convention à l'état « En négociation »."
    ]
    assert refusals("finalise", convention()) == []


def test_r_conv_02_three_signatories_named_before_finalising():
    assert refusals("finalise", convention(regional_prefect_name=" ")) == [
        "Renseignez le nom du signataire : le préfet de région."
    ]


def test_r_conv_04_volet3_only_for_selected_territories():
    c = convention(amount_volet3=Decimal("1"))
    assert "Le volet 3 est réservé aux territoires retenus par la DGEFP (R-CONV-04)" in refusals("finalise", c)[0]
    assert refusals("finalise", c, selected=True) == []


def test_r_fin_01_a_convention_carries_an_amount():
    assert refusals("finalise", convention(amount_volet1=0)) == [
        "La convention doit porter un montant sur le volet 1 ou le volet 2."
    ]


def test_signatures_after_the_deliberation_and_not_in_the_future():
    c = convention(
        state=ConventionState.APPROVED,
        deliberation_date=date(2024, 3, 10),
        prefect_signed_on=date(2024, 3, 9),
        president_signed_on=date(2024, 3, 12),
        regional_prefect_signed_on=date(2024, 4, 2),
    )
    assert refusals("sign", c, on=date(2024, 3, 20)) == [
        "La date de signature du préfet de département précède la délibération du 10/03/2024.",
        "La date de signature du préfet de région (02/04/2024) ne peut pas être dans le futur.",
    ]


def test_final_report_after_the_end():
    c = convention(state=ConventionState.IN_EXECUTION)
    assert refusals("receive_final_report", c, on=date(2024, 12, 31)) == [
        "Le bilan final se remet après la fin de la convention (31/12/2024)."
    ]
    assert refusals("receive_final_report", c, on=date(2025, 1, 15)) == []


def test_r_conv_08_an_execution_report_is_dated_between_the_signature_and_today():
    today = date(2024, 9, 1)
    assert execution_reports.refusals(convention(), date(2024, 1, 20), today) == [
        "Un signalement d'exécution (article 7) porte sur une convention signée dont le solde n'est pas arrêté ; "
        "celle-ci est à l'état « En négociation »."
    ]
    signed = convention(
        state=ConventionState.IN_EXECUTION,
        prefect_signed_on=date(2024, 3, 1),
        president_signed_on=date(2024, 3, 12),
        regional_prefect_signed_on=date(2024, 3, 5),
    )
    assert execution_reports.refusals(signed, date(2024, 3, 11), today) == [
        "La date du signalement (11/03/2024) précède la signature de la convention (12/03/2024)."
    ]
    assert execution_reports.refusals(signed, date(2024, 9, 2), today) == [
        "La date du signalement (02/09/2024) ne peut pas être dans le futur."
    ]
    assert execution_reports.refusals(signed, date(2024, 3, 12), today) == []
    assert execution_reports.refusals(signed, today, today) == []
    for state in (ConventionState.REPORT_RECEIVED, ConventionState.SIGNED):
        signed.state = state
        assert execution_reports.refusals(signed, today, today) == []
    for state in (ConventionState.BALANCE_SETTLED, ConventionState.CLOSED, ConventionState.TERMINATED):
        signed.state = state
        assert execution_reports.refusals(signed, today, today) != []


def test_each_step_declares_its_checks_preconditions_and_effects_in_one_place():
    from django.utils.module_loading import import_string

    steps = [*lifecycle.TRANSITIONS.values(), *lifecycle.AMENDMENT_STEPS.values()]
    for step in steps:
        for path in (*step.preconditions, *step.effects):
            assert callable(import_string(path)), path
    declared = {step.name: step.preconditions for step in steps}
    # The amounts, their plan and their fiches hold before finalisation, signature and an avenant.
    for name in ("finalise", "sign", "amend"):
        assert lifecycle.AMOUNTS_HOLD in declared[name]
    assert declared["settle_balance"] == ("funding.payments.balances_stored_refusals",)
    assert lifecycle.TRANSITIONS["sign"].effects == (
        "conventions.services.record_signed_version",
        "funding.payments.propose_advances_at",
    )


@pytest.mark.parametrize(
    ("finalised", "signed", "today", "late_labels"),
    [
        (date(2024, 1, 31), date(2024, 3, 31), date(2024, 6, 1), []),
        (date(2024, 2, 1), None, date(2024, 3, 15), ["Finalisation"]),
        (date(2024, 1, 20), None, date(2024, 4, 1), ["Signature par les trois parties"]),
        (date(2024, 1, 20), date(2024, 3, 1), date(2025, 4, 1), ["Remise du bilan final"]),
        (date(2024, 1, 20), date(2024, 3, 1), date(2025, 3, 31), []),
    ],
)
def test_r_conv_03_r_suivi_02_late_steps(finalised, signed, today, late_labels):
    reached = {ConventionState.FINALISED: finalised}
    if signed:
        reached[ConventionState.SIGNED] = signed
    result = deadlines.deadlines(start=date(2024, 1, 1), end=date(2024, 12, 31), reached=reached, today=today)
    assert [d.label for d in result if d.late] == late_labels
    assert result[2].due == date(2025, 3, 31)


def test_r_conv_03_the_first_step_overdue_and_not_done_is_the_one_shown():
    """A step done late is late but no longer overdue; a closed or résiliée convention has nothing overdue."""
    on_time = {ConventionState.FINALISED: date(2024, 1, 20)}
    late_done = {ConventionState.FINALISED: date(2024, 2, 10)}
    found = deadlines.overdue(
        start=date(2024, 1, 1), end=date(2024, 12, 31), reached=late_done, today=date(2024, 4, 2), state="finalisee"
    )
    assert (found.label, found.due) == ("Signature par les trois parties", date(2024, 3, 31))
    assert (
        deadlines.overdue(
            start=date(2024, 1, 1), end=date(2024, 12, 31), reached=on_time, today=date(2024, 3, 31), state="finalisee"
        )
        is None
    )
    for closed in (ConventionState.CLOSED, ConventionState.TERMINATED):
        assert (
            deadlines.overdue(
                start=date(2024, 1, 1), end=date(2024, 12, 31), reached={}, today=date(2026, 1, 1), state=closed
            )
            is None
        )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 15), 1, date(2024, 2, 15)),
        (date(2024, 12, 31), 2, date(2025, 2, 28)),  # a denunciation's two months' notice ends on the month's last day
        (date(2023, 12, 31), 2, date(2024, 2, 29)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 12, 31), 3, date(2025, 3, 31)),
        (date(2025, 12, 31), 16, date(2027, 4, 30)),
    ],
)
def test_months_are_added_to_the_same_day_or_the_month_s_last(day, months, expected):
    assert deadlines.add_months(day, months) == expected


def test_a_step_is_dated_after_the_step_before_it():
    """The issue's case: a délibération of 15/02/2024 recorded after a finalisation dated 28/11/2026."""
    c = convention(state=ConventionState.FINALISED, deliberation_date=date(2024, 2, 15))
    found = lifecycle.refusals(
        lifecycle.TRANSITIONS["approve"],
        c,
        date(2024, 2, 15),
        volet3_selected=False,
        previous_step=("Finaliser", date(2026, 11, 28)),
        today=date(2026, 11, 28),
    )
    assert found == [
        "La date de l'étape (15/02/2024) précède l'étape précédente « Finaliser » du 28/11/2026 : "
        "les étapes se datent dans leur ordre."
    ]
    same_day = lifecycle.refusals(
        lifecycle.TRANSITIONS["approve"],
        convention(state=ConventionState.FINALISED, deliberation_date=date(2026, 11, 28)),
        date(2026, 11, 28),
        volet3_selected=False,
        previous_step=("Finaliser", date(2026, 11, 28)),
        today=date(2026, 11, 28),
    )
    assert same_day == []


def test_no_step_is_dated_in_the_future():
    found = lifecycle.refusals(
        lifecycle.TRANSITIONS["open_negotiation"],
        convention(state=ConventionState.DRAFT),
        date(2024, 1, 21),
        volet3_selected=False,
        today=date(2024, 1, 20),
    )
    assert found == ["La date de l'étape (21/01/2024) ne peut pas être dans le futur."]
