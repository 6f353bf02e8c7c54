"""Demo envelope, ceilings and financing plans (fictitious amounts), through the real functions."""

from datetime import date
from decimal import Decimal

from funding import services
from funding.ceilings import Volet1Formula, allocate_volet1
from funding.models import Ceiling, NationalEnvelope, PlanLine
from territories.models import Collectivity

D = Decimal
DEMO_VOLET2_CEILINGS = {"01D": "1100000.00", "38D": "1600000.00", "59D": "4200000.00", "02D": "1300000.00"}

# collectivité → lines (volet, section, nature, purpose, state, collectivité)
DEMO_PLANS = {
    "01D": [
        (1, "equipes_cd", "chefferie_projet", "Chef de projet France Travail (1 ETP)", "120000.00", "0"),
        (1, "si", "developpement_si", "Interfaçage du SI insertion", "60000.00", "15000.00"),
        (2, "intensification", "personnel", "Référents de parcours (4 ETP)", "500000.00", "520000.00"),
        (2, "levee_freins", "aide_individuelle", "Aides à la mobilité", "450000.00", "440000.00"),
    ],
    "38D": [
        (1, "equipes_cd", "chefferie_projet", "Chef de projet (1 ETP)", "130000.00", "0"),
        (1, "equipes_cd", "frais_mission", "Déplacements de l'équipe", "10000.00", "0"),
        (2, "remobilisation", "prestation_accompagnement", "Ateliers de remobilisation", "900000.00", "500000.00"),
    ],
    "59D": [
        (1, "equipes_cd", "chefferie_projet", "Direction de projet (2 ETP)", "420000.00", "0"),
        (2, "intensification", "personnel", "Conseillers en accompagnement global", "3900000.00", "3950000.00"),
        (
            3,
            "solutions_locales",
            "subvention_operateur",
            "Plateforme d'activités hebdomadaires",
            "1500000.00",
            "400000.00",
        ),
    ],
}


def seed_demo_funding(year: int | None = None, total: str = "170000000.00") -> None:
    """The envelope of the year (the first reference campaign's by default) and the demo ceilings, notified on
    11 December of the year before."""
    from conventions.demo import first_reference_year

    year = year or first_reference_year()
    notified_on = date(year - 1, 12, 11)
    volet3 = D(total) - D("40000000.00") - D("105000000.00")
    NationalEnvelope.objects.update_or_create(
        year=year,
        defaults={
            "total": D(total), "volet1": D("40000000.00"), "volet2": D("105000000.00"),
            "volet3": volet3, "volet1_base": D("200000.00"), "volet1_per_tranche": D("10000.00"),
            "volet1_tranche_size": 1000,
        },
    )  # fmt: skip
    if not Ceiling.objects.filter(year=year, volet=1).exists():
        households = {c.code: c.rsa_households for c in Collectivity.objects.all()}
        allocation = allocate_volet1(households, Volet1Formula(D("200000"), D("10000"), 1000), D("40000000"))
        services.notify_volet1_ceilings(year=year, allocation=allocation, notified_on=notified_on)
    text = "code;montant\n" + "\n".join(f"{code};{amount}" for code, amount in DEMO_VOLET2_CEILINGS.items())
    services.import_calpae(year=year, filename="calpae-2022-fictif.csv", text=text)
    Ceiling.objects.get_or_create(
        collectivity=Collectivity.objects.get(code="59D"), year=year, volet=3,
        defaults={"amount": D("1500000.00"), "source": Ceiling.Source.MANUAL, "prenotified_on": notified_on},
    )  # fmt: skip


# collectivité → fiches action of volet 2 (number, title) and, for volet 3, the axis of its feuille de route
DEMO_ACTIONS = {
    "01D": [(1, "Référents de parcours renforcés"), (2, "Aides à la mobilité des nouveaux entrants")],
    "38D": [(1, "Ateliers de remobilisation")],
    "59D": [(1, "Conseillers en accompagnement global")],
    "02D": [],
}
DEMO_ROADMAPS = {"59D": "Plateforme d'activités hebdomadaires de 15 heures ; jalons trimestriels."}


def add_demo_plan(convention, years: int = 1) -> None:
    """The financing plan, the fiches action and the feuille de route finalisation requires; `years`: the plan of
    a multi-year convention, each line's amounts for all its years."""
    from action_plans.models import ActionSheet, RoadmapAxis, RoadmapItem

    if PlanLine.objects.filter(convention=convention).exists():
        return
    code = convention.collectivity.code
    for number, title in DEMO_ACTIONS.get(code, []):
        ActionSheet.objects.create(
            convention=convention, number=number, title=title, context="Contexte fictif de démonstration",
            objectives="Orienter chaque nouvel entrant en moins de 15 jours", description=title,
            start_date=convention.start_date, duration_months=12 * years,
        )  # fmt: skip
    if code in DEMO_ROADMAPS:
        RoadmapItem.objects.create(convention=convention, axis=RoadmapAxis.ENTRY, commitments=DEMO_ROADMAPS[code])
    for position, (volet, section, nature, purpose, state, collectivity) in enumerate(
        DEMO_PLANS.get(convention.collectivity.code, []), 1
    ):
        PlanLine.objects.create(
            convention=convention, volet=volet, section=section, nature=nature, purpose=purpose,
            state_amount=D(state) * years, collectivity_amount=D(collectivity) * years, position=position,
        )  # fmt: skip


def pay_demo_advances(convention) -> None:
    """The signed demo convention: its advances approved and paid (fictitious Chorus references)."""
    from accounts.models import Role, User
    from funding import payments
    from funding.models import Payment, PaymentStatus

    # separation of duties: the DDETS approves, the DGEFP records the comptable's payment
    approver = User.objects.filter(role=Role.DDETS, departement__in=convention.collectivity.departements.all()).first()
    recorder = User.objects.get(username="dgefp")
    for payment in Payment.objects.filter(convention=convention, status=PaymentStatus.PROPOSED):
        payments.approve_payment(payment_id=payment.pk, by=approver)
        payments.mark_paid(
            payment_id=payment.pk,
            paid_on=date(payment.year, 4, 5),
            chorus_reference=f"FICTIF-{payment.pk:06d}",
            by=recorder,
        )
