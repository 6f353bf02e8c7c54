from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from config.french import Noun
from conventions.models import Convention, within_digits


class PlanItem(models.Model):
    """An item of the action plan written by the parties while they negotiate (action_plans.services.plan_item_save).
    lock_version: the item's version, so that a change made from a page shown before someone else's is refused."""

    lock_version = models.PositiveIntegerField(default=0, editable=False)
    noun: Noun  # what the messages call it

    class Meta:
        abstract = True


class ActionSheet(PlanItem):
    """Fiche action of volet 2, with every field of annexe 1 (R-SUIVI-03)."""

    noun = Noun("fiche action", feminine=True)

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="action_sheets")
    number = models.PositiveSmallIntegerField("numéro")
    title = models.CharField("intitulé de l'action", max_length=200)
    context = models.TextField("contexte")
    objectives = models.TextField("enjeux et objectifs")
    description = models.TextField("description de l'action")
    start_date = models.DateField("date de démarrage")
    duration_months = models.PositiveSmallIntegerField("durée (mois)")
    partners = models.TextField("partenaires", blank=True)
    co_financers = models.TextField("cofinanceurs", blank=True)
    schedule = models.TextField("calendrier de mise en œuvre", blank=True)
    target_new_entrants = models.PositiveIntegerField("nouveaux entrants visés", null=True, blank=True)
    target_oriented_15_days = models.PositiveIntegerField(
        "nouveaux entrants orientés en 15 jours visés", null=True, blank=True
    )
    target_new_entrants_concerned = models.PositiveIntegerField(
        "nouveaux entrants concernés par l'action", null=True, blank=True
    )
    target_beneficiaries_concerned = models.PositiveIntegerField(
        "bénéficiaires concernés par l'action", null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "fiche action"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="one_action_number_per_convention")
        ]

    def __str__(self):
        return f"Action {self.number} – {self.title}"


class ActionBudgetLine(models.Model):
    """Detailed budget of a fiche action: State and collectivité shares by expense item."""

    sheet = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="budget_lines")
    item = models.CharField("poste de dépense", max_length=200)
    state_amount = models.DecimalField("part État (€)", max_digits=14, decimal_places=2)
    collectivity_amount = models.DecimalField("part collectivité (€)", max_digits=14, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ligne de budget d'une fiche action"
        constraints = [
            models.CheckConstraint(
                name="action_budget_not_negative", condition=Q(state_amount__gte=0) & Q(collectivity_amount__gte=0)
            ),
            within_digits("action_budget_within_digits", ("state_amount", "collectivity_amount")),
        ]

    def __str__(self):
        return self.item


class RoadmapAxis(models.TextChoices):
    ENTRY = "entree_parcours", "Entrée dans le parcours et reprise de contact"
    FOLLOW_UP = "accompagnement_emploi", "Accompagnement et suivi dans l'emploi"
    DATA = "donnees_indicateurs", "Partage des données et indicateurs"
    COMPANIES = "mobilisation_entreprises", "Mobilisation des entreprises"
    GOVERNANCE = "gouvernance", "Gouvernance"


class RoadmapItem(PlanItem):
    """Feuille de route of volet 3, in the five axes of annexe 3 (R-SUIVI-04)."""

    noun = Noun("élément de la feuille de route")

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="roadmap_items")
    axis = models.CharField("axe", max_length=30, choices=RoadmapAxis.choices)
    commitments = models.TextField("engagements et actions")
    milestones = models.TextField("jalons", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "élément de la feuille de route"
        constraints = [models.UniqueConstraint(fields=["convention", "axis"], name="one_roadmap_item_per_axis")]

    def __str__(self):
        return self.get_axis_display()


class TypicalPathway(PlanItem):
    """Parcours type (annexe 4 §2-a, R-SUIVI-05)."""

    noun = Noun("parcours type")

    class Modality(models.TextChoices):
        INDIVIDUAL = "individuel", "Individuel"
        COLLECTIVE = "collectif", "Collectif"
        MIXED = "mixte", "Mixte"

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="typical_pathways")
    name = models.CharField("nom du parcours", max_length=200)
    duration_months = models.PositiveSmallIntegerField("durée (mois)")
    content = models.TextField("contenu")
    weekly_hours = models.DecimalField("heures par semaine", max_digits=5, decimal_places=1)
    modality = models.CharField("modalité", max_length=20, choices=Modality.choices)
    target_public = models.TextField("public cible")
    unit_cost = models.DecimalField("coût unitaire (€)", max_digits=12, decimal_places=2)
    places_funded = models.PositiveIntegerField("places financées")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "parcours type"
        constraints = [
            models.CheckConstraint(
                name="pathway_costs_not_negative", condition=Q(unit_cost__gte=0) & Q(weekly_hours__gte=0)
            )
        ]

    def __str__(self):
        return self.name
