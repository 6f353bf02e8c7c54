"""The campaign of a year, the years a new campaign may take, the year a convention may start, the deadlines a
campaign sets, and the check of an uploaded model text: plain functions, no database."""

from dataclasses import dataclass
from datetime import date

import pytest

from campaigns import model_texts, rules
from campaigns.loading import shipped_text


@dataclass
class C:
    name: str
    first_year: int
    last_year: int


Y2024, TRIENNIAL = C("Campagne 2024", 2024, 2024), C("Campagne 2025–2027", 2025, 2027)


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2024, Y2024), (2025, TRIENNIAL), (2027, TRIENNIAL), (2028, TRIENNIAL), (2031, TRIENNIAL), (2023, Y2024)],
)
def test_the_rules_of_a_year_are_its_campaign_s_else_the_latest_before_it(year, expected):
    assert rules.applicable([TRIENNIAL, Y2024], year) is expected
    assert rules.covering([TRIENNIAL, Y2024], year) is (expected if 2024 <= year <= 2027 else None)


def test_without_any_campaign_there_are_no_rules():
    assert rules.applicable([], 2024) is None


def test_a_new_campaign_takes_years_no_other_has():
    assert rules.overlap_refusals(2028, 2030, [Y2024, TRIENNIAL]) == []
    assert rules.overlap_refusals(2027, 2029, [Y2024, TRIENNIAL]) == [
        "Les années 2027 à 2027 relèvent déjà de « Campagne 2025–2027 »."
    ]
    assert rules.overlap_refusals(2030, 2029, []) == ["La dernière année (2029) précède la première (2030)."]
    assert rules.overlap_refusals(2028, 2028, [Y2024, TRIENNIAL]) == []  # a campaign of one year
    assert rules.overlap_refusals(2022, 2025, [Y2024, TRIENNIAL]) == [
        "Les années 2024 à 2024 relèvent déjà de « Campagne 2024 ».",
        "Les années 2025 à 2025 relèvent déjà de « Campagne 2025–2027 ».",
    ]


def test_a_multi_year_campaign_s_conventions_start_with_its_first_year():
    assert rules.convention_year_refusals(2025, TRIENNIAL) == []
    assert rules.convention_year_refusals(2026, TRIENNIAL) == [
        "2026 relève de « Campagne 2025–2027 », dont les conventions couvrent 2025 à 2027 : créez la convention "
        "de 2025."
    ]
    assert rules.convention_year_refusals(2027, TRIENNIAL)[0].startswith("2027 relève de « Campagne 2025–2027 »")
    assert rules.convention_year_refusals(2028, TRIENNIAL) == []
    assert rules.convention_year_refusals(2031, None) == []


def test_the_deadlines_are_the_campaign_s():
    schedule = rules.Schedule(finalisation=(6, 30), signature=(9, 30), report_months=4)
    assert schedule.due_dates(date(2025, 1, 1), date(2027, 12, 31)) == {
        "finalisation": date(2025, 6, 30),
        "signature": date(2025, 9, 30),
        "bilan": date(2028, 4, 30),
    }


def test_the_shipped_2024_model_passes_the_model_check():
    assert model_texts.refusals(shipped_text("annexe7.txt"), "annexe7.txt") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ["modele.txt : le fichier est vide."]),
        ("# {{ year }}\nMontant : {{ montant }}", ["modele.txt, ligne 2 : champ inconnu « montant »."]),
        ("{{ f.password }}", ["modele.txt, ligne 1 : champ inconnu « f.password »."]),
        (
            "{{ total|upper }}",
            ["modele.txt, ligne 1 : « {{ total|upper }} » : les filtres ne sont pas admis dans un modèle."],
        ),
        (
            "a\n{% load static %}",
            ["modele.txt, ligne 2 : balise « {% load %} » non admise (conditions et commentaires seulement)."],
        ),
        (
            "{% include 'base.html' %}",
            ["modele.txt, ligne 1 : balise « {% include %} » non admise (conditions et commentaires seulement)."],
        ),
        ("{% if secret %}x{% endif %}", ["modele.txt, ligne 1 : champ inconnu « secret » dans la condition."]),
        (
            "{% if volet3 %}x",
            ["modele.txt, ligne 1 : « {% if %} » sans « {% endif %} »."],
        ),
        ("Du {{ start }} au {{ end }}, {% if volet3 and not volet3_pilot %}{{ volet3 }}{% endif %}", []),
    ],
)
def test_an_uploaded_model_uses_only_the_convention_s_fields_and_conditions(text, expected):
    assert model_texts.refusals(text, "modele.txt") == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2024, 6, 1), 2024),
        (date(2025, 3, 1), 2025),
        (date(2026, 12, 7), 2026),  # the second year of the triennial: its figures, not the campaign's first year
        (date(2027, 12, 31), 2027),
        (date(2028, 2, 1), 2025),  # no campaign yet: the latest one's pages, as for a new convention
        (date(2023, 9, 1), 2024),
    ],
)
def test_the_pages_of_a_year_s_figures_open_on_the_year_under_way_when_a_campaign_covers_it(today, expected):
    assert rules.year_under_way([TRIENNIAL, Y2024], today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [(date(2026, 12, 7), 2025), (date(2025, 1, 1), 2025), (date(2024, 6, 1), 2024), (date(2023, 9, 1), 2024)],
)
def test_a_new_convention_opens_on_the_first_year_of_the_campaign_under_way(today, expected):
    assert rules.campaign_year([TRIENNIAL, Y2024], today) == expected
