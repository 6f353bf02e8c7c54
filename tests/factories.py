"""factory-boy factories of the funding loop: ceilings, plan lines, fiches action, feuille de route items.

`financeable(convention)` gives a convention what finalisation requires (R-FIN-01, R-FIN-03, R-SUIVI-03,
R-SUIVI-04): a ceiling covering each financed volet, a financing plan whose State totals are the
convention's amounts (volet 2 co-financed at 50 %), a fiche action for volet 2 and a feuille de route
item for volet 3.
"""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.db.models import Max
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from action_plans.models import ActionSheet, RoadmapAxis, RoadmapItem
from campaigns.models import Campaign, ModelText
from conventions.models import Convention
from conventions.volets import Volet
from funding.models import ActionOutcome, Ceiling, PlanLine, VoletBalance
from indicators.engine import volet2
from indicators.models import Delivery, IndicatorResult, IndicatorTable
from steering.models import SharedLink
from territories.models import Collectivity

# volet → (section, nature) of a line that breaks no rule
ELIGIBLE_LINE = {
    Volet.PROJECT_LEAD: ("equipes_cd", "chefferie_projet"),
    Volet.LOCAL_SOLUTIONS: ("remobilisation", "prestation_accompagnement"),
    Volet.TERRITORIAL_DEPLOYMENT: ("solutions_locales", "subvention_operateur"),
}


class UserFactory(DjangoModelFactory):
    """An agent (pass `role` and its scope: `region`, `departement` or `collectivity`); a DGEFP agent by
    default."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"agent-{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@agents.invalid")
    role = Role.DGEFP


class ConventionFactory(DjangoModelFactory):
    """A 2024 convention of a collectivité (pass `collectivity`), its three signatories named."""

    class Meta:
        model = Convention

    year = 2024
    start_date = factory.LazyAttribute(lambda c: date(c.year, 1, 1))
    end_date = factory.LazyAttribute(lambda c: date(c.year, 12, 31))
    amount_volet1 = Decimal("0.00")
    amount_volet2 = Decimal("0.00")
    amount_volet3 = Decimal("0.00")
    prefect_name = "Préfète fictive"
    president_name = "Président fictif"
    regional_prefect_name = "Préfet de région fictif"


class CeilingFactory(DjangoModelFactory):
    class Meta:
        model = Ceiling
        django_get_or_create = ("collectivity", "year", "volet")

    year = 2024
    volet = Volet.PROJECT_LEAD
    amount = Decimal("300000.00")
    source = Ceiling.Source.MANUAL


class VoletBalanceFactory(DjangoModelFactory):
    """A volet's final balance as settled (pass `convention`): by default 100 000 € allocated and paid, 70 000 € due,
    30 000 € to recover."""

    class Meta:
        model = VoletBalance

    volet = Volet.PROJECT_LEAD
    allocated = Decimal("100000.00")
    eligible_cost = Decimal("70000.00")
    due = Decimal("70000.00")
    paid = Decimal("100000.00")
    balance = Decimal("0.00")
    to_recover = Decimal("30000.00")


class PlanLineFactory(DjangoModelFactory):
    class Meta:
        model = PlanLine

    volet = Volet.PROJECT_LEAD
    section = factory.LazyAttribute(lambda line: ELIGIBLE_LINE[Volet(line.volet)][0])
    nature = factory.LazyAttribute(lambda line: ELIGIBLE_LINE[Volet(line.volet)][1])
    purpose = factory.Sequence(lambda n: f"Action fictive {n}")
    state_amount = Decimal("0.00")
    collectivity_amount = factory.LazyAttribute(
        lambda line: line.state_amount if line.volet == Volet.LOCAL_SOLUTIONS else Decimal("0.00")
    )


class ActionSheetFactory(DjangoModelFactory):
    class Meta:
        model = ActionSheet

    # the next number of its convention (numbers are unique per convention), whatever ran before
    number = factory.LazyAttribute(
        lambda sheet: (sheet.convention.action_sheets.aggregate(last=Max("number"))["last"] or 0) + 1
    )
    title = factory.Sequence(lambda n: f"Fiche action fictive {n}")
    context = "Contexte fictif"
    objectives = "Objectifs fictifs"
    description = "Description fictive"
    start_date = date(2024, 1, 1)
    duration_months = 12


class ActionOutcomeFactory(DjangoModelFactory):
    """A fiche action's synthesis at 30 June (pass `sheet`; `stage` and `progress` as the test needs)."""

    class Meta:
        model = ActionOutcome

    stage = ActionOutcome.Stage.MID_YEAR
    progress = ActionOutcome.Progress.STARTED


class DeliveryFactory(DjangoModelFactory):
    """A delivery of beneficiary data received from a collectivité (pass `collectivity`), its files not kept."""

    class Meta:
        model = Delivery

    source_name = factory.Sequence(lambda n: f"livraison-{n}.zip")
    checksum = "0" * 64
    size_bytes = 1


class IndicatorResultFactory(DjangoModelFactory):
    """One month of a collectivité's volet 2 table (pass `collectivity`, `month` and `values`), from a delivery of
    its own."""

    class Meta:
        model = IndicatorResult

    delivery = factory.SubFactory(DeliveryFactory, collectivity=factory.SelfAttribute("..collectivity"))
    table = IndicatorTable.VOLET2
    version = volet2.VERSION


class RoadmapItemFactory(DjangoModelFactory):
    class Meta:
        model = RoadmapItem
        django_get_or_create = ("convention", "axis")

    axis = RoadmapAxis.ENTRY
    commitments = "Engagements fictifs"


def financeable(convention):
    """What finalisation requires, for the convention's current amounts (what is there already is kept)."""
    for volet, amount in convention.amounts.items():
        if amount <= 0:
            continue
        ceiling = CeilingFactory(collectivity=convention.collectivity, year=convention.year, volet=volet)
        if ceiling.amount < amount:
            ceiling.amount = amount
            ceiling.save()
        planned = sum(
            PlanLine.objects.filter(convention=convention, volet=volet).values_list("state_amount", flat=True)
        )
        if amount > planned:
            PlanLineFactory(convention=convention, volet=volet, state_amount=amount - planned)
    if convention.amounts[Volet.LOCAL_SOLUTIONS] > 0 and not convention.action_sheets.exists():
        ActionSheetFactory(convention=convention)
    if convention.amounts[Volet.TERRITORIAL_DEPLOYMENT] > 0:
        RoadmapItemFactory(convention=convention)
    return convention


def signed(convention, by, *, on=date(2024, 3, 8)):
    """A financeable convention taken through negotiation, finalisation, délibération and signature (its
    advances are then proposed)."""
    financeable(convention)
    for name, values in (
        ("open_negotiation", {}),
        ("finalise", {}),
        ("approve", {"deliberation_date": on}),
        ("sign", {"prefect_signed_on": on, "president_signed_on": on, "regional_prefect_signed_on": on}),
    ):
        step(convention, name, by, on, **values)
    convention.refresh_from_db()
    return convention


class ModelTextFactory(DjangoModelFactory):
    """A model convention text; the shipped annexe 7 by default."""

    class Meta:
        model = ModelText
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Modèle fictif {n}")
    source_file = "annexe7.txt"
    sha256 = "0" * 64


class CampaignFactory(DjangoModelFactory):
    """A three-year campaign (2025–2027) with the 2024 campaign's rules and deadlines."""

    class Meta:
        model = Campaign
        django_get_or_create = ("first_year",)

    name = factory.LazyAttribute(lambda c: f"Campagne {c.first_year}–{c.last_year}")
    instruction = "Instruction fictive"
    first_year = 2025
    last_year = factory.LazyAttribute(lambda c: c.first_year + 2)
    announced_envelope = Decimal("168000000.00")
    advance_rate = Decimal("0.6000")
    volet2_collectivity_share = Decimal("0.5000")
    finalisation_month, finalisation_day = 1, 31
    signature_month, signature_day = 3, 31
    report_months = 3
    finance_laws = factory.LazyAttribute(lambda c: {str(c.first_year): f"n° fictif de {c.first_year}"})
    indicator_tables = ["volet2", "volet3", "plein_emploi"]
    ineligible_natures = ["iae", "contrats_aides", "conseiller_relation_entreprise", "frais_generaux", "frais_mission",
                          "evaluation", "formation_agents", "gestion_projet", "investissement"]  # fmt: skip
    model_text = factory.SubFactory(ModelTextFactory)


def triennial(code: str = "01D", *, even_tranches: bool = False):
    """The 2025–2027 campaign and the triennial convention of a collectivité: 540 000 € on volet 1 and
    2 850 000 € on volet 2, its signatories named, 2025 ceilings of 200 000 € and 1 000 000 € (carried to 2026
    and 2027), its plan (volet 2 co-financed at 50 %), a fiche action and a feuille de route; `even_tranches`: a
    third of each amount a year."""
    from conventions import services
    from funding import services as funding_services

    CampaignFactory(first_year=2025)
    collectivity = Collectivity.objects.get(code=code)
    CeilingFactory(collectivity=collectivity, year=2025, volet=Volet.PROJECT_LEAD, amount=Decimal("200000.00"))
    CeilingFactory(collectivity=collectivity, year=2025, volet=Volet.LOCAL_SOLUTIONS, amount=Decimal("1000000.00"))
    convention = services.convention_create(collectivity=collectivity, year=2025)
    convention = services.convention_update(
        convention=convention,
        lock_version=convention.lock_version,
        values={
            "amount_volet1": Decimal("540000.00"), "amount_volet2": Decimal("2850000.00"),
            "prefect_name": "Préfète fictive", "president_name": "Président fictif",
            "regional_prefect_name": "Préfet de région fictif",
        },
    )  # fmt: skip
    for volet, amount in convention.amounts.items():
        if amount > 0:
            PlanLineFactory(convention=convention, volet=volet, state_amount=amount)
    ActionSheetFactory(convention=convention)
    RoadmapItemFactory(convention=convention)
    if even_tranches:
        third = {volet: (amount / 3).quantize(Decimal("0.01")) for volet, amount in convention.amounts.items()}
        tranches = {year: dict(third) for year in (2025, 2026, 2027)}
        tranches[2027] = {volet: amount - 2 * third[volet] for volet, amount in convention.amounts.items()}
        funding_services.tranches_save(convention_id=convention.pk, tranches=tranches, by=None)
    return convention


def step(convention, name, user, on, **values):
    """The lifecycle transition `name` applied to the convention as it is now in the database."""
    from conventions import lifecycle

    convention.refresh_from_db()
    return lifecycle.apply_transition(
        name, convention=convention, by=user, on=on, lock_version=convention.lock_version, **values
    )


def filled(code: str, year: int, **values):
    """A convention of the collectivity `code` created and given `values` through the services (with their audit
    trail), as the pages do."""
    from conventions import services

    convention = services.convention_create(collectivity=Collectivity.objects.get(code=code), year=year)
    return services.convention_update(convention=convention, lock_version=convention.lock_version, values=values)


def advances_paid(convention, approver, recorder, *, on=date(2024, 4, 2)):
    """Each advance of the convention approved by `approver`, then recorded paid on `on` by `recorder` (another
    agent: separation of duties), with a Chorus reference."""
    from funding import payments
    from funding.models import Payment

    for advance in Payment.objects.filter(convention=convention):
        payments.approve_payment(payment_id=advance.pk, by=approver)
        payments.mark_paid(payment_id=advance.pk, paid_on=on, chorus_reference=f"CH-{advance.pk}", by=recorder)


def terminated_with_report(convention, agent, volet2_spent: Decimal):
    """The convention, its advances paid, taken into execution on 3 April 2024, denounced on 3 June and terminated on
    5 August by `agent`; its final report declares `volet2_spent` of référents on volet 2 and nothing on volet 1."""
    from conventions import services
    from funding import reports

    step(convention, "start_execution", agent, date(2024, 4, 3))
    services.denunciation_notify(convention=convention, by=agent, notice_date=date(2024, 6, 3), reason="Inexécution")
    step(convention, "terminate", agent, date(2024, 8, 5))
    reports.report_replace(
        convention=convention,
        lines=[{"volet": 2, "section": "remobilisation", "nature": "personnel", "purpose": "Référents",
                "amount": volet2_spent, "position": 5}],
    )  # fmt: skip


def signed_with_advances(make_user):
    """The convention of 01D for 2024 (volet 1: 200 000 €, volet 2: 1 000 000 €) `filled`, then `signed` on 8 March
    2024 (its advances then proposed); with the DDETS agent who signed it."""
    agent = make_user(Role.DDETS, "01", username="ddets-execution")
    convention = filled(
        "01D", 2024, amount_volet1=Decimal("200000.00"), amount_volet2=Decimal("1000000.00"), prefect_name="P",
        president_name="P", regional_prefect_name="P",
    )  # fmt: skip
    return signed(convention, agent), agent


class SharedLinkFactory(DjangoModelFactory):
    """A link to a collectivité's indicators (the Ain by default), valid 30 days, created by a DDETS agent of its
    département."""

    class Meta:
        model = SharedLink

    collectivity = factory.LazyFunction(lambda: Collectivity.objects.get(code="01D"))
    label = "comité départemental"
    created_by = factory.SubFactory(
        UserFactory,
        role=Role.DDETS,
        departement=factory.LazyAttribute(lambda user: user.factory_parent.collectivity.departements.first()),
    )
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
