"""Financing plan rules and ceilings, without a database."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from funding import rules
from funding.ceilings import Volet1Formula, allocate_volet1, volet1_amount
from funding.rules import Line

D = Decimal


def line(number, volet, state, collectivity, nature="prestation_accompagnement", section=None):
    section = section or {1: "equipes_cd", 2: "remobilisation", 3: "solutions_locales"}[volet]
    return Line(number, volet, section, nature, D(state), D(collectivity))


def failing(checks, rule):
    return [c for c in checks if c.rule == rule and not c.ok]


def test_r_fin_03_state_amount_within_the_ceiling():
    lines = [line(1, 1, "100000.00", "0"), line(2, 1, "50000.01", "0")]
    [check] = failing(rules.check_ceilings(lines, {1: D("150000.00"), 2: None, 3: None}), "R-FIN-03")
    assert check.message == (
        "Volet 1 : la part de l'État (150\u00a0000,01\u00a0€) dépasse le plafond (150\u00a0000,00\u00a0€) "
        "de 0,01\u00a0€."
    )
    assert check.lines == (1, 2)
    assert not failing(rules.check_ceilings(lines[:1], {1: D("150000.00")}), "R-FIN-03")


def test_r_fin_03_a_breach_names_the_counted_lines_of_its_volet_only():
    lines = [
        line(1, 1, "90000.00", "0"),
        line(2, 2, "10.00", "10.00"),
        line(3, 3, "5000.00", "0", section="france_travail"),  # information only: not counted
        line(4, 3, "70000.00", "0"),
    ]
    [check] = failing(rules.check_ceilings(lines, {1: D("100000.00"), 2: D("100000.00"), 3: D("60000.00")}), "R-FIN-03")
    assert check.lines == (4,)


def test_r_fin_03_cofinancing_exactly_half_passes_one_cent_less_fails():
    assert rules.check_cofinancing([line(1, 2, "500000.00", "500000.00")]).ok
    check = rules.check_cofinancing([line(1, 2, "500000.00", "499999.99")])
    assert not check.ok and check.blocking
    assert check.message == (
        "Volet 2 : le département finance 50,00\u00a0% du coût total, il faut au moins 50 % (il manque "
        "0,01\u00a0€ de part départementale, ou 0,01\u00a0€ de part État en moins)."
    )


def test_r_fin_03_cofinancing_says_what_would_make_the_plan_pass():
    """State 80 000 €, département 40 000 €: the département must add 40 000 € (adding 20 000 € gives 60 000 € of
    140 000 €, 42.9 %), or the State's share must lose 40 000 €. The lines named are the counted volet 2 lines."""
    lines = [
        line(1, 2, "60000.00", "40000.00"),
        line(2, 1, "1000.00", "0"),
        line(3, 3, "9000.00", "0", section="france_travail"),
        line(4, 2, "20000.00", "0"),
    ]
    check = rules.check_cofinancing(lines)
    assert check.lines == (1, 4)
    assert check.message == (
        "Volet 2 : le département finance 33,33\u00a0% du coût total, il faut au moins 50 % (il manque "
        "40\u00a0000,00\u00a0€ de part départementale, ou 40\u00a0000,00\u00a0€ de part État en moins)."
    )
    assert not rules.check_cofinancing([line(1, 2, "80000.00", "60000.00")]).ok
    assert rules.check_cofinancing([line(1, 2, "80000.00", "80000.00")]).ok
    assert rules.check_cofinancing([line(1, 2, "40000.00", "40000.00")]).ok
    # a campaign asking 30 %: 12 857,15 € more (42 857,15 € of 142 857,15 €), or a State share of 70 000 €
    check = rules.check_cofinancing([line(1, 2, "100000.00", "30000.00")], D("0.30"))
    assert check.message.endswith(
        "(il manque 12\u00a0857,15\u00a0€ de part départementale, ou 30\u00a0000,00\u00a0€ de part État en moins)."
    )
    # a campaign asking the département to finance it all: the State's share must be nil
    check = rules.check_cofinancing([line(1, 2, "100.00", "900.00")], D("1"))
    assert check.message.endswith("(la part de l'État doit être nulle : 100,00\u00a0€ en trop).")


@given(
    state=st.decimals(min_value=D("0.01"), max_value=10**9, places=2),
    collectivity=st.decimals(min_value=0, max_value=10**9, places=2),
    share=st.decimals(min_value=D("0.0001"), max_value=D("0.9999"), places=4),
)
def test_r_fin_03_cofinancing_what_is_missing_is_just_enough(state, collectivity, share):
    """The amounts the message gives make the plan pass, and a cent less does not."""
    check = rules.check_cofinancing([line(1, 2, state, collectivity)], share)
    if check.ok:
        return
    more, less = rules.cofinancing_missing(state, collectivity, share)
    assert rules.check_cofinancing([line(1, 2, state, collectivity + more)], share).ok
    assert not rules.check_cofinancing([line(1, 2, state, collectivity + more - D("0.01"))], share).ok
    assert rules.check_cofinancing([line(1, 2, state - less, collectivity)], share).ok
    assert less == state or not rules.check_cofinancing([line(1, 2, state - less + D("0.01"), collectivity)], share).ok


@given(state=st.decimals(min_value=0, max_value=10**9, places=2), share=st.integers(0, 100))
def test_r_fin_03_cofinancing_property(state, share):
    collectivity = (state * share / (100 - share)).quantize(D("0.01")) if share < 100 else state * 3
    check = rules.check_cofinancing([line(1, 2, state, collectivity)])
    assert check.ok == (collectivity * 2 >= state + collectivity)


def test_r_fin_01_no_credit_moved_between_volets():
    lines = [line(1, 1, "120000.00", "0"), line(2, 2, "80000.00", "80000.00")]
    checks = rules.check_volet_amounts(lines, {1: D("100000.00"), 2: D("100000.00"), 3: D("0")})
    assert [(c.rule, c.blocking) for c in checks] == [("R-FIN-01", True), ("R-FIN-01", False)]
    assert checks[0].message.startswith("Volet 1 : la part de l'État du plan (120\u00a0000,00\u00a0€) diffère")


def test_r_fin_05_volet2_exclusions_only_in_volet2():
    lines = [line(1, 2, "1000", "1000", nature="iae"), line(2, 1, "1000", "0", nature="iae")]
    [check] = failing(rules.check_natures(lines), "R-FIN-05")
    assert check.lines == (1,)
    assert check.message == "Dépense non finançable par l'État : le volet 2 ne finance pas l'IAE."


def test_r_fin_06_ineligible_natures_but_it_developments_are_fine():
    lines = [
        line(1, 1, "5000", "0", nature="frais_mission"),
        line(2, 1, "90000", "0", nature="developpement_si", section="si"),
        line(3, 2, "2000", "2000", nature="investissement"),
        line(4, 2, "0", "3000", nature="frais_generaux"),  # paid by the collectivité alone: allowed
    ]
    [check] = failing(rules.check_natures(lines), "R-FIN-06")
    assert check.lines == (1, 3)
    assert check.message == "Dépense non finançable par l'État : frais de mission, investissement."


def test_r_fin_02_project_lead_at_100_percent_is_a_warning():
    check = rules.check_project_lead([line(1, 1, "60000", "10000", nature="chefferie_projet")])
    assert (check.ok, check.blocking, check.lines) == (False, False, (1,))
    # at 100 % by the State, or another nature of volet 1 with a départemental share: nothing to report
    lines = [line(1, 1, "60000", "0", nature="chefferie_projet"), line(2, 1, "30000", "5000")]
    assert rules.check_project_lead(lines).ok


def test_r_suivi_03_a_sheet_budget_within_the_volet2_ceiling_and_as_its_plan_lines():
    within = rules.SheetBudget(number=1, budget_state=D("300000.00"), planned_state=D("300000.00"))
    assert [c.ok for c in rules.check_action_budgets([within], D("300000.00"))] == [True]
    above = rules.SheetBudget(number=2, budget_state=D("300000.01"), planned_state=D("300000.01"))
    [check] = rules.check_action_budgets([within, above], D("300000.00"))
    assert (check.rule, check.ok, check.blocking) == ("R-SUIVI-03", False, True)
    assert check.message == (
        "Fiche action 2 : sa part État (300\u00a0000,01\u00a0€) dépasse le plafond du volet 2 (300\u00a0000,00\u00a0€)."
    )
    # without a notified ceiling, only the agreement with the plan lines is checked
    assert [c.ok for c in rules.check_action_budgets([above], None)] == [True]
    apart = rules.SheetBudget(number=3, budget_state=D("1000.00"), planned_state=D("900.00"))
    [check] = rules.check_action_budgets([apart], None)
    assert check.message == (
        "Fiche action 3 : son budget prévoit 1\u00a0000,00\u00a0€ de part État, les lignes du plan qui s'y "
        "rattachent 900,00\u00a0€."
    )


def test_r_fin_11_valorisation_and_information_lines_not_counted():
    lines = [
        line(1, 3, "100000", "40000"),
        line(2, 3, "999999", "999999", section="france_travail"),
        line(3, 1, "50000", "12000"),
    ]
    assert rules.valorisation(lines) == {1: D("12000"), 2: D("0.00"), 3: D("40000")}
    assert rules.totals(lines, 3) == (D("100000"), D("40000"))


FORMULA = Volet1Formula(base=D("100000"), per_tranche=D("5000"), tranche_size=1000)


def test_r_fin_02_volet1_forfait_modulated_by_households():
    assert volet1_amount(7690, FORMULA) == D("140000.00")  # 8 started tranches
    assert volet1_amount(8000, FORMULA) == D("140000.00")
    assert volet1_amount(8001, FORMULA) == D("145000.00")
    assert volet1_amount(None, FORMULA) == D("100000.00")


def test_r_fin_12_allocation_is_scaled_down_to_the_envelope():
    allocation = allocate_volet1({"01D": 7690, "59D": 101234, "2A": None}, FORMULA, D("500000.00"))
    assert allocation.scaled
    assert allocation.formula_total == D("850000.00")  # 140 000 + 610 000 + 100 000
    assert allocation.amounts == {"01D": D("82352.94"), "59D": D("358823.52"), "2A": D("58823.52")}
    assert allocation.total == D("499999.98")
    exact = allocate_volet1({"01D": 7690, "59D": 101234, "2A": None}, FORMULA, D("850000.00"))
    assert not exact.scaled  # an envelope just large enough pays each collectivité its formula's amount
    assert exact.amounts == {"01D": D("140000.00"), "59D": D("610000.00"), "2A": D("100000.00")}


@given(
    households=st.dictionaries(
        st.text(min_size=1, max_size=4), st.one_of(st.none(), st.integers(0, 500_000)), max_size=120
    ),
    envelope=st.decimals(min_value=0, max_value=10**9, places=2),
    base=st.decimals(min_value=0, max_value=10**6, places=2),
    per_tranche=st.decimals(min_value=0, max_value=10**5, places=2),
    tranche=st.integers(1, 50_000),
)
def test_r_fin_12_sum_of_ceilings_never_exceeds_the_envelope(households, envelope, base, per_tranche, tranche):
    allocation = allocate_volet1(households, Volet1Formula(base, per_tranche, tranche), envelope)
    assert allocation.total <= envelope
    assert all(amount >= 0 for amount in allocation.amounts.values())
