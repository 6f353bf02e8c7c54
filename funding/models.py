from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from conventions.models import Convention
from territories.models import Collectivity

VOLETS = [(1, "Volet 1"), (2, "Volet 2"), (3, "Volet 3")]


class NationalEnvelope(models.Model):
    """The national envelope of a year and its split between volets (R-FIN-12: 170 M€ in 2024)."""

    year = models.PositiveSmallIntegerField("année", unique=True)
    total = models.DecimalField("enveloppe nationale (€)", max_digits=14, decimal_places=2)
    volet1 = models.DecimalField("dont volet 1 (€)", max_digits=14, decimal_places=2)
    volet2 = models.DecimalField("dont volet 2 (€)", max_digits=14, decimal_places=2)
    volet3 = models.DecimalField("dont volet 3 (€)", max_digits=14, decimal_places=2)
    # Volet 1 formula: base + per started tranche of RSA households.
    volet1_base = models.DecimalField("volet 1 : forfait de base (€)", max_digits=12, decimal_places=2, default=0)
    volet1_per_tranche = models.DecimalField(
        "volet 1 : montant par tranche (€)", max_digits=12, decimal_places=2, default=0
    )
    volet1_tranche_size = models.PositiveIntegerField("volet 1 : taille d'une tranche (foyers)", default=1000)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "enveloppe nationale"
        constraints = [
            models.CheckConstraint(
                name="envelope_split_within_total",
                condition=Q(volet1__gte=0) & Q(volet2__gte=0) & Q(volet3__gte=0),
            )
        ]

    def __str__(self):
        return f"Enveloppe {self.year}"


class Ceiling(models.Model):
    """The ceiling of a collectivité for a volet and a year (R-FIN-02, R-FIN-04)."""

    class Source(models.TextChoices):
        FORMULA = "formule", "Formule du volet 1"
        CALPAE = "calpae_2022", "Crédits CALPAE 2022 (axe insertion)"
        MANUAL = "saisie", "Saisie"

    collectivity = models.ForeignKey(Collectivity, on_delete=models.PROTECT, related_name="ceilings")
    year = models.PositiveSmallIntegerField("année")
    volet = models.PositiveSmallIntegerField("volet", choices=VOLETS)
    amount = models.DecimalField("plafond (€)", max_digits=14, decimal_places=2)
    source = models.CharField("origine", max_length=20, choices=Source.choices)
    prenotified_on = models.DateField("pré-notifié le", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "plafond"
        ordering = ["collectivity__code", "volet"]
        constraints = [
            models.UniqueConstraint(fields=["collectivity", "year", "volet"], name="one_ceiling_per_volet_year"),
            models.CheckConstraint(name="ceiling_not_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self):
        return f"Plafond volet {self.volet} {self.year} – {self.collectivity}"


class PlanLine(models.Model):
    """A line of the financing plan (annexe 2, R-FIN-09)."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="plan_lines")
    volet = models.PositiveSmallIntegerField("volet", choices=VOLETS)
    section = models.CharField("rubrique", max_length=40)
    subsection = models.CharField("sous-rubrique", max_length=40, blank=True)
    action_sheet = models.ForeignKey(
        "action_plans.ActionSheet", verbose_name="fiche action", on_delete=models.SET_NULL, null=True, blank=True
    )
    nature = models.CharField("nature de la dépense", max_length=40)
    purpose = models.CharField("objet", max_length=200)
    details = models.TextField("détails", blank=True)
    existing_fte = models.DecimalField("moyens existants (ETP)", max_digits=8, decimal_places=2, default=0)
    existing_amount = models.DecimalField("moyens existants (€)", max_digits=14, decimal_places=2, default=0)
    target = models.CharField("cible", max_length=200, blank=True)
    delta_fte = models.DecimalField("delta (ETP)", max_digits=8, decimal_places=2, default=0)
    delta_amount = models.DecimalField("montant du delta (€)", max_digits=14, decimal_places=2, default=0)
    other_funding_amount = models.DecimalField("autres financements (€)", max_digits=14, decimal_places=2, default=0)
    other_funding_source = models.CharField(
        "autres financements : source (FSE+, redéploiement…)", max_length=200, blank=True
    )
    state_amount = models.DecimalField("part État (€)", max_digits=14, decimal_places=2, default=0)
    collectivity_amount = models.DecimalField("part collectivité (€)", max_digits=14, decimal_places=2, default=0)
    position = models.PositiveIntegerField("ordre", default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ligne du plan de financement"
        ordering = ["volet", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                name="plan_line_amounts_not_negative",
                condition=Q(existing_amount__gte=0)
                & Q(delta_amount__gte=0)
                & Q(other_funding_amount__gte=0)
                & Q(state_amount__gte=0)
                & Q(collectivity_amount__gte=0),
            )
        ]

    def __str__(self):
        return f"Volet {self.volet} – {self.purpose}"
