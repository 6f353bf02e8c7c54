"""Demo conventions (fictitious) in several states, taken through the real lifecycle functions."""

from datetime import date
from decimal import Decimal

from accounts.models import User
from conventions import lifecycle, services
from conventions.models import Convention, Volet3Selection
from territories.models import Collectivity

# collectivité → (volet 1, volet 2, volet 3, steps to take)
DEMO = {
    "01D": ("180000.00", "950000.00", "0", ["open_negotiation", "finalise", "approve", "sign", "start_execution"]),
    "38D": ("260000.00", "1400000.00", "0", ["open_negotiation"]),
    "59D": ("420000.00", "3900000.00", "1500000.00", ["open_negotiation", "finalise"]),
    "02D": ("190000.00", "1100000.00", "0", []),
}
# Fictitious signatories, the place of signature and the budget and bank fields of article 6.
PEOPLE = {
    "01D": ("Claire Fontaine", "Jean Morel", "Bourg-en-Bresse"),
    "38D": ("Sophie Garnier", "Luc Bernard", "Grenoble"),
    "59D": ("Anne Lefebvre", "Paul Dumont", "Lille"),
    "02D": ("Marc Girard", "Hélène Roux", "Laon"),
}
REGIONAL_PREFECTS = {"84": "Isabelle Perrin", "32": "Thomas Lambert"}
# A fictitious account at the Banque de France (RIB key and IBAN checksum consistent).
BANK = {
    "bank_code": "30001",
    "branch_code": "00794",
    "account_number": "12345678901",
    "rib_key": "85",
    "iban": "FR7630001007941234567890185",
    "bic": "BDFEFRPPCCT",
}
# step → (month, day) of the convention's first year
DATES = {
    "open_negotiation": (1, 8),
    "finalise": (1, 29),
    "approve": (2, 23),
    "sign": (3, 22),
    "start_execution": (3, 25),
}


def first_reference_year() -> int:
    """The demo's conventions are of the first campaign of the reference data (2024)."""
    from campaigns.loading import reference_campaigns

    return reference_campaigns()[0]["first_year"]


def demo_values(collectivity, code: str, amounts: tuple[str, str, str]) -> dict:
    """The amounts, signatories, place, imputation and bank fields of a demo convention."""
    prefect, president, place = PEOPLE[code]
    number = collectivity.code[:-1]
    return {
        **{f"amount_volet{v}": Decimal(amount) for v, amount in enumerate(amounts, 1)},
        "prefect_name": prefect,
        "president_name": president,
        "regional_prefect_name": REGIONAL_PREFECTS.get(collectivity.region.code, ""),
        "signing_place": place,
        "budget_action": "01",
        "budget_sub_action": "03",
        "budget_activity": "010201010101",
        "financial_centre": f"0102-CDIE-D{number}",
        "functional_domain": "0102-01-03",
        "goods_group": "10.01.01",
        "chorus_third_party": f"1000{number.zfill(3)}",
        "account_holder": f"Paierie départementale {collectivity.of_name}",
        **BANK,
        "authorising_officer": f"le préfet {collectivity.of_name}",
        "assigning_accountant": f"le directeur régional des finances publiques {collectivity.region.of_name}",
    }


def seed_demo_conventions(year: int | None = None, prepare=None, demo=None) -> list[Convention]:
    """prepare(convention): called before the steps are taken (the funding app adds the plan); demo: the
    conventions to create (`DEMO` by default)."""
    year = year or first_reference_year()
    agent = User.objects.get(username="dgefp")
    Volet3Selection.objects.get_or_create(collectivity=Collectivity.objects.get(code="59D"), year=year)
    conventions = []
    for code, (volet1, volet2, volet3, steps) in (demo or DEMO).items():
        collectivity = Collectivity.objects.get(code=code)
        existing = Convention.objects.filter(collectivity=collectivity, year=year).first()
        if existing:
            conventions.append(existing)
            continue
        convention = services.convention_create(collectivity=collectivity, year=year)
        convention = services.convention_update(
            convention=convention,
            lock_version=convention.lock_version,
            values=demo_values(collectivity, code, (volet1, volet2, volet3)),
        )
        if prepare:
            prepare(convention)
        for name in steps:
            on = date(year, *DATES[name])
            values = {}
            if name == "approve":
                values = {"deliberation_date": on}
            if name == "sign":
                values = {f: on for f in ("prefect_signed_on", "president_signed_on", "regional_prefect_signed_on")}
            convention = lifecycle.apply_transition(
                name, convention=convention, by=agent, on=on, lock_version=convention.lock_version, **values
            )
        if convention.state == "en_execution":
            services.generate_documents(convention=convention, by=agent)
        conventions.append(convention)
    return conventions
