"""What may be paid, as plain functions (funding/money.py, funding/envelope.py) and the strict amount parser:
each invariant by its rule id, without a database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conventions.amounts import checked_amount, parse_amount
from conventions.volets import Volet
from funding.envelope import ceilings_refusals, split_refusals
from funding.money import (
    PaymentRow,
    VoletMoney,
    allocation_breaches,
    new_payment_breaches,
    payment_breaches,
    volet_money,
)

D = Decimal
V1, V2, V3 = Volet


def rules_of(breaches) -> list[str]:
    return [breach.rule for breach in breaches]


def test_r_fin_03_allocation_within_the_ceiling():
    assert allocation_breaches(VoletMoney(V2, allocated=D("1300000.00"), ceiling=D("1300000.00"))) == []
    (breach,) = allocation_breaches(VoletMoney(V2, allocated=D("5000000.00"), ceiling=D("1300000.00")))
    assert breach.rule == "R-FIN-03"
    assert breach.message == (
        "Volet 2 : 5\u00a0000\u00a0000,00\u00a0€ dépasse le plafond de 1\u00a0300\u00a0000,00\u00a0€ "
        "de 3\u00a0700\u00a0000,00\u00a0€"
    )
    assert rules_of(allocation_breaches(VoletMoney(V1, allocated=D("1.00"), ceiling=None))) == ["R-FIN-03"]
    assert allocation_breaches(VoletMoney(V1, allocated=D("0.00"), ceiling=None)) == []


def test_r_conv_04_volet3_only_for_selected_territories():
    assert rules_of(allocation_breaches(VoletMoney(V3, D("1000000.00"), D("2000000.00"), selected=False))) == [
        "R-CONV-04"
    ]
    assert allocation_breaches(VoletMoney(V3, D("1000000.00"), D("2000000.00"), selected=True)) == []


def test_r_fin_07_proposed_approved_and_paid_within_the_allocation():
    money = VoletMoney(V1, D("180000.00"), D("280000.00"), proposed=D("108000.00"))
    assert payment_breaches(money) == []
    assert money.room == D("72000.00")
    assert new_payment_breaches(money, D("72000.00"), settled=False, balance=False) == []
    (over,) = new_payment_breaches(money, D("72000.01"), settled=False, balance=False)
    assert over.rule == "R-FIN-07"
    assert over.message == (
        "Volet 1 : les versements proposés, approuvés ou payés (180\u00a0000,01\u00a0€) dépasseraient le montant "
        "alloué (180\u00a0000,00\u00a0€)"
    )


def test_r_fin_07_r_fin_08_a_reduction_below_what_was_paid_is_to_recover_and_stops_every_open_payment():
    reduced = VoletMoney(V1, D("0.00"), D("280000.00"), paid=D("108000.00"))
    assert payment_breaches(reduced) == []
    assert (reduced.to_recover, reduced.room) == (D("108000.00"), D("0.00"))
    assert rules_of(new_payment_breaches(reduced, D("0.01"), settled=False, balance=False)) == ["R-FIN-07"]


def test_r_fin_08_after_settlement_only_the_balance_within_the_contribution_due():
    settled = VoletMoney(V2, D("3900000.00"), D("4200000.00"), paid=D("2340000.00"), due=D("3000000.00"))
    assert settled.room == D("660000.00")
    assert rules_of(new_payment_breaches(settled, D("1.00"), settled=True, balance=False)) == ["R-FIN-08"]
    assert new_payment_breaches(settled, D("660000.00"), settled=True, balance=True) == []
    (over,) = new_payment_breaches(settled, D("660000.01"), settled=True, balance=True)
    assert over.rule == "R-FIN-07"
    assert over.message == (
        "Volet 2 : les versements proposés, approuvés ou payés (3\u00a0000\u00a0000,01\u00a0€) dépasseraient la "
        "contribution due (3\u00a0000\u00a0000,00\u00a0€)"
    )
    assert rules_of(new_payment_breaches(settled, D("1.00"), settled=False, balance=True)) == ["R-FIN-08"]


def test_the_money_of_each_volet_is_its_own():
    money = volet_money(
        allocated={V1: D("100.00"), V2: D("200.00"), V3: D("0.00")},
        ceilings={V1: D("100.00"), V2: D("300.00")},
        volet3_selected=False,
        payments=[
            PaymentRow(V1, "payee", D("60.00")),
            PaymentRow(V2, "approuvee", D("120.00")),
            PaymentRow(V2, "annulee", D("999.00")),
        ],
        due={V1: D("50.00")},
    )
    assert (money[V1].paid, money[V1].to_recover, money[V1].payable) == (D("60.00"), D("10.00"), D("50.00"))
    assert (money[V2].approved, money[V2].room, money[V2].to_recover) == (D("120.00"), D("80.00"), D("0.00"))
    assert money[V3].ceiling is None and money[V3].committed == 0
    assert [money[volet].selected for volet in Volet] == [True, True, False]


def test_r_conv_04_volet3_money_follows_the_territory_selection():
    """Volets 1 and 2 are open to every collectivité; volet 3 only where the DGEFP selected it (R-CONV-04)."""
    amounts, ceilings = {V1: D("1.00"), V2: D("1.00"), V3: D("1.00")}, {V1: D("1.00"), V2: D("1.00"), V3: D("1.00")}
    selected = volet_money(allocated=amounts, ceilings=ceilings, volet3_selected=True)
    assert [allocation_breaches(selected[volet]) for volet in Volet] == [[], [], []]
    not_selected = volet_money(allocated=amounts, ceilings=ceilings, volet3_selected=False)
    assert [rules_of(allocation_breaches(not_selected[volet])) for volet in Volet] == [[], [], ["R-CONV-04"]]


def test_r_fin_12_the_envelope_split_adds_up_with_its_reserve():
    parts = {V1: D("40000000.00"), V2: D("110000000.00"), V3: D("25000000.00")}
    (refusal,) = split_refusals(D("180000000.00"), parts, D("0.00"))
    assert refusal.endswith("il reste 5\u00a0000\u00a0000,00\u00a0€ à répartir (volets ou réserve) (R-FIN-12).")
    assert split_refusals(D("180000000.00"), parts, D("5000000.00")) == []
    (over,) = split_refusals(D("170000000.00"), parts, D("0.00"))
    assert "la répartition dépasse l'enveloppe de 5\u00a0000\u00a0000,00\u00a0€" in over
    assert ceilings_refusals(parts, {V1: D("40000000.00")}) == []
    assert ceilings_refusals(parts, {V3: D("25000000.01")}) == [
        "Volet 3 : les plafonds notifiés font 25\u00a0000\u00a0000,01\u00a0€, au-delà de l'enveloppe du volet "
        "(25\u00a0000\u00a0000,00\u00a0€) (R-FIN-12)."
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1 234 567,89", D("1234567.89")),
        ("1234567.89", D("1234567.89")),
        ("1\u00a0234\u00a0567,89", D("1234567.89")),
        ("1\u202f234\u202f567,89 €", D("1234567.89")),
        ("999 999 999 999,99", D("999999999999.99")),
        ("0", D("0.00")),
    ],
)
def test_amount_french_amounts_are_read(typed, expected):
    assert parse_amount(typed) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("1e30", "notation scientifique refusée"),
        ("1E+20", "notation scientifique refusée"),
        ("1e-2", "notation scientifique refusée"),
        ("9e9", "notation scientifique refusée"),
        ("0E5", "notation scientifique refusée"),
        ("99999999999999999", "au plus 12 chiffres avant la virgule"),
        ("1 000 000 000 000", "au plus 12 chiffres avant la virgule"),
        ("１２３", "seuls les chiffres de 0 à 9"),
        ("٣٠٠", "seuls les chiffres de 0 à 9"),
        ("1_000", "montant invalide"),
        ("-5", "ne peut pas être négatif"),
        ("12,345", "au plus deux décimales"),
        ("NaN", "montant invalide"),
        ("Infinity", "montant invalide"),
        ("1 23", "montant invalide"),
    ],
)
def test_amount_hostile_amounts_are_refused_with_the_reason(typed, reason):
    with pytest.raises(ValueError, match=reason):
        parse_amount(typed)


@pytest.mark.parametrize("number", [D("1E+20"), D("1e30"), D("-1"), D("0.001"), D("NaN"), D("Infinity")])
def test_amount_numbers_from_excel_or_the_api_are_checked_the_same_way(number):
    with pytest.raises(ValueError):
        checked_amount(number)


@given(st.decimals(min_value=0, max_value=D("999999999999.99"), places=2))
def test_amount_every_amount_written_the_french_way_reads_back(amount):
    from config.formats import format_euros

    assert parse_amount(format_euros(amount)) == amount
