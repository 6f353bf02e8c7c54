"""The money rules a campaign sets, as plain functions: the natures of expense the State does not finance, the
département's minimum share of volet 2 (in the plan and at the balance), the advance rate. The 2024 campaign's
values are the instruction's."""

import json
from decimal import Decimal

from campaigns.loading import DATA
from funding import rules
from funding.execution import Expense, advance_amount, eligible, volet_balance
from funding.rules import Line
from funding.structure import INSTRUCTION_INELIGIBLE

D = Decimal
LIFTED_AND_ADDED = frozenset(set(INSTRUCTION_INELIGIBLE) - {"formation_agents"} | {"developpement_si"})


def test_the_2024_campaign_refuses_the_instruction_s_natures():
    (campaign_2024,) = json.loads(DATA.read_text(encoding="utf-8"))
    assert tuple(campaign_2024["ineligible_natures"]) == INSTRUCTION_INELIGIBLE
    assert (campaign_2024["advance_rate"], campaign_2024["volet2_collectivity_share"]) == ("0.6000", "0.5000")


def test_a_campaign_lifts_or_adds_an_ineligible_nature_in_the_plan_and_at_the_balance():
    lines = [
        Line(1, 1, "si", "developpement_si", D("1000.00"), D("0")),
        Line(2, 1, "equipes_cd", "formation_agents", D("500.00"), D("0")),
        Line(3, 1, "equipes_cd", "iae", D("700.00"), D("0")),  # R-FIN-05: volet 2 only
    ]
    by_instruction = {c.rule: (c.ok, c.lines) for c in rules.check_natures(lines)}
    assert by_instruction == {"R-FIN-05": (True, ()), "R-FIN-06": (False, (2,))}
    checks = rules.check_natures(lines, LIFTED_AND_ADDED)
    assert {c.rule: (c.ok, c.lines) for c in checks} == {"R-FIN-05": (True, ()), "R-FIN-06": (False, (1,))}
    assert checks[1].message == "Dépense non finançable par l'État : développement informatique pour le projet."
    assert eligible(Expense(1, "formation_agents", D("1")), LIFTED_AND_ADDED)
    assert not eligible(Expense(1, "developpement_si", D("1")), LIFTED_AND_ADDED)
    assert eligible(Expense(1, "iae", D("1")), LIFTED_AND_ADDED) and not eligible(Expense(2, "iae", D("1")))


def test_the_volet2_share_of_the_campaign_sets_the_plan_check_and_the_state_s_part_at_the_balance():
    lines = [Line(1, 2, "remobilisation", "prestation_accompagnement", D("450.00"), D("550.00"))]
    assert rules.check_cofinancing(lines).ok  # 55 % ≥ 50 %
    check = rules.check_cofinancing(lines, D("0.6"))
    assert not check.ok and "il faut au moins 60 %" in check.message
    expenses = [Expense(2, "prestation_accompagnement", D("1000.00"))]
    assert volet_balance(volet=2, allocated=D("900.00"), expenses=expenses, paid=D("0")).due == D("500.00")
    share_60 = volet_balance(volet=2, allocated=D("900.00"), expenses=expenses, paid=D("0"), volet2_share=D("0.6"))
    assert share_60.due == D("400.00")


def test_the_advance_is_the_campaign_s_rate_of_the_tranche():
    assert advance_amount(D("1000.00")) == D("600.00")
    assert advance_amount(D("1000.00"), D("0.5")) == D("500.00")
    assert advance_amount(D("0.05"), D("0.3333")) == D("0.02")  # 0.016665 → 0.02, half up
