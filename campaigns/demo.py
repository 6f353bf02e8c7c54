"""The demo's second campaign: three years from the year after the reference campaign (2025–2027), created
through the DGEFP's service, with one triennial convention (Ain) signed, its tranches and its first-year advances
paid. Its values are fictitious where the public sources do not give them (deadlines, shares), and its model
text is the reference model taken up again, named as such: the DGEFP uploads the campaign's own."""

from decimal import Decimal

from accounts.models import User
from campaigns import services
from campaigns.loading import reference_campaigns, shipped_text
from campaigns.models import Campaign
from conventions.volets import Volet

YEARS = 3
# collectivité → (volet 1, volet 2, volet 3) for the three years (the 2024 demo amounts each year), the steps
DEMO = {"01D": ("540000.00", "2850000.00", "0", ["open_negotiation", "finalise", "approve", "sign", "start_execution"])}


def seed_demo_campaign():
    """Create the multi-year campaign and its convention (idempotent); returns the convention."""
    from conventions.demo import seed_demo_conventions
    from funding.demo import add_demo_plan, pay_demo_advances, seed_demo_funding

    first = reference_campaigns()[-1]["last_year"] + 1
    campaign = Campaign.objects.filter(first_year=first).first()
    if campaign is None:
        dgefp = User.objects.get(username="dgefp")
        source = reference_campaigns()[0]["model_text"]["source_file"]
        campaign = services.campaign_create(
            values={
                "name": f"Campagne {first}–{first + YEARS - 1} (démonstration)",
                "instruction": "Instruction de la campagne pluriannuelle (Bulletin officiel Travail du 31 mars "
                f"{first}) — valeurs de démonstration",
                "first_year": first,
                "last_year": first + YEARS - 1,
                "announced_envelope": Decimal("168000000.00"),
                "advance_rate": Decimal("0.6000"),
                "volet2_collectivity_share": Decimal("0.5000"),
                "finalisation_month": 1, "finalisation_day": 31, "signature_month": 3, "signature_day": 31,
                "report_months": 3,
                "finance_laws": {str(first): f"n° {first}-127 du 14 février {first}"},
                "indicator_tables": ["volet2", "volet3", "plein_emploi"],
                "ineligible_natures": list(reference_campaigns()[0]["ineligible_natures"]),
                "intensive_pathways_target": 360000,
            },
            model_text=None,
            upload=(f"modele-{first}-demonstration.txt", shipped_text(source)),
            by=dgefp,
        )  # fmt: skip
    seed_demo_funding(first, total="168000000.00")

    def prepare(convention):
        add_demo_plan(convention, years=YEARS)
        _equal_tranches(convention)

    (convention,) = seed_demo_conventions(first, prepare=prepare, demo=DEMO)
    if convention.state == "en_execution":
        pay_demo_advances(convention)
    return convention


def _equal_tranches(convention) -> None:
    from funding.services import tranches_save

    years = range(convention.start_date.year, convention.end_date.year + 1)
    per_year = {volet: (amount / len(years)).quantize(Decimal("0.01")) for volet, amount in convention.amounts.items()}
    tranches = {year: dict(per_year) for year in years}
    last = max(years)
    for volet in Volet:  # the cents left by the division go to the last year
        tranches[last][volet] = convention.amounts[volet] - per_year[volet] * (len(years) - 1)
    tranches_save(convention_id=convention.pk, tranches=tranches, by=None)
