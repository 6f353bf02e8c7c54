from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from conventions.models import within_digits

MODEL_DIR_NOTE = "conventions/model/"


class ModelText(models.Model):
    """A version of the model convention, its fields marked as template variables (see `campaigns.model_texts`).
    A text shipped with the platform is a file of conventions/model/ (reviewed, and compared word for word with
    the instruction by the tests); a text the DGEFP uploads is kept here, with its SHA-256."""

    name = models.CharField("version du modèle", max_length=200, unique=True)
    source_file = models.CharField("fichier livré avec la plateforme", max_length=100, blank=True)
    text = models.TextField("texte", blank=True)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        verbose_name = "modèle de convention"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(name="model_text_from_file_or_stored", condition=~Q(source_file="") | ~Q(text=""))
        ]

    def __str__(self):
        return self.name


class Campaign(models.Model):
    """« Campagne de contractualisation »: the conventions of its years follow its rules. A campaign's
    conventions cover all its years (2024: one year; 2025–2027: three), with an annual tranche per year."""

    name = models.CharField("intitulé", max_length=120, unique=True)
    instruction = models.CharField("texte de référence", max_length=250)
    first_year = models.PositiveSmallIntegerField("première année", unique=True)
    last_year = models.PositiveSmallIntegerField("dernière année")
    announced_envelope = models.DecimalField(
        "enveloppe nationale annuelle annoncée (€)", max_digits=14, decimal_places=2
    )
    advance_rate = models.DecimalField("avance versée à la signature (part du montant)", max_digits=5, decimal_places=4)
    volet2_collectivity_share = models.DecimalField(
        "volet 2 : part minimale du coût financée par le département", max_digits=5, decimal_places=4
    )
    finalisation_month = models.PositiveSmallIntegerField("finalisation : mois")
    finalisation_day = models.PositiveSmallIntegerField("finalisation : jour")
    signature_month = models.PositiveSmallIntegerField("signature : mois")
    signature_day = models.PositiveSmallIntegerField("signature : jour")
    report_months = models.PositiveSmallIntegerField("bilan final : mois après la fin de la convention")
    # {"2024": "n° 2023-1322 du 29 décembre 2023"}: the loi de finances the visa of each year cites.
    finance_laws = models.JSONField("lois de finances par année", default=dict, blank=True)
    indicator_tables = models.JSONField("tableaux d'indicateurs", default=list)
    # The natures of expense the State does not finance (codes of funding.structure.NATURES; R-FIN-05 ones on
    # volet 2 only).
    ineligible_natures = models.JSONField("natures de dépense non finançables", default=list, blank=True)
    intensive_pathways_target = models.PositiveIntegerField(
        "nouveaux parcours d'accompagnement intensif visés par an (national)", null=True, blank=True
    )
    model_text = models.ForeignKey(ModelText, verbose_name="modèle de convention", on_delete=models.PROTECT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "campagne de contractualisation"
        ordering = ["first_year"]
        constraints = [
            models.CheckConstraint(name="campaign_years_ordered", condition=Q(first_year__lte=F("last_year"))),
            models.CheckConstraint(
                name="campaign_rates_within_one",
                condition=Q(advance_rate__gt=0)
                & Q(advance_rate__lte=1)
                & Q(volet2_collectivity_share__gte=0)
                & Q(volet2_collectivity_share__lte=1),
            ),
            models.CheckConstraint(name="campaign_envelope_not_negative", condition=Q(announced_envelope__gte=0)),
            within_digits("campaign_envelope_within_digits", ("announced_envelope",)),
        ]

    def __str__(self):
        return self.name

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    @property
    def multi_year(self) -> bool:
        return self.last_year > self.first_year

    @property
    def period_label(self) -> str:
        return f"{self.first_year}–{self.last_year}" if self.multi_year else str(self.first_year)

    def finance_law(self, year: int) -> str | None:
        return self.finance_laws.get(str(year))
