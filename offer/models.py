from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class OfferStructure(models.Model):
    """A structure in the data·inclusion schema v1; `data` is the record as the official model dumps it."""

    id = models.CharField("identifiant data·inclusion", max_length=250, primary_key=True)
    source = models.CharField("source", max_length=100)
    nom = models.CharField("nom", max_length=150)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    code_insee = models.CharField("code commune INSEE", max_length=5, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    departement = models.CharField("département", max_length=3, blank=True, db_index=True)
    date_maj = models.DateField("date de mise à jour")
    data = models.JSONField("enregistrement data·inclusion")
    referenced_at = models.DateTimeField("référencée le", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["data"])

    class Meta:
        verbose_name = "structure"
        ordering = ["nom", "pk"]

    def __str__(self):
        return self.nom


class OfferService(models.Model):
    """A service in the data·inclusion schema v1."""

    id = models.CharField("identifiant data·inclusion", max_length=250, primary_key=True)
    structure = models.ForeignKey(OfferStructure, on_delete=models.CASCADE, related_name="services")
    source = models.CharField("source", max_length=100)
    nom = models.CharField("nom", max_length=150)
    thematiques = models.JSONField("thématiques", default=list)
    publics = models.JSONField("publics", default=list)
    modes_accueil = models.JSONField("modes d'accueil", default=list)
    commune = models.CharField("commune", max_length=150, blank=True)
    code_insee = models.CharField("code commune INSEE", max_length=5, blank=True)
    departement = models.CharField("département", max_length=3, blank=True, db_index=True)
    date_maj = models.DateField("date de mise à jour")
    data = models.JSONField("enregistrement data·inclusion")
    referenced_at = models.DateTimeField("référencé le", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["data"])

    class Meta:
        verbose_name = "service"
        ordering = ["nom", "pk"]

    def __str__(self):
        return self.nom


class ServiceFunding(models.Model):
    """The conventions and fiches action that fund a service (not in the schema: kept on our side)."""

    service = models.ForeignKey(OfferService, on_delete=models.CASCADE, related_name="fundings")
    convention = models.ForeignKey("conventions.Convention", on_delete=models.CASCADE, related_name="funded_services")
    action_sheet = models.ForeignKey(
        "action_plans.ActionSheet", on_delete=models.SET_NULL, null=True, blank=True, related_name="funded_services"
    )

    class Meta:
        verbose_name = "financement d'un service"
        constraints = [
            models.UniqueConstraint(fields=["service", "convention", "action_sheet"], name="one_funding_link")
        ]

    def __str__(self):
        return f"{self.service} – {self.convention}"


class DuplicateCandidate(models.Model):
    class Status(models.TextChoices):
        PENDING = "a_revoir", "À revoir"
        MERGED = "fusionne", "Fusionné"
        DISTINCT = "pas_doublon", "Pas un doublon"

    kind = models.CharField("nature", max_length=20, choices=[("structures", "Structures"), ("services", "Services")])
    first_id = models.CharField(max_length=250)
    second_id = models.CharField(max_length=250)
    departement = models.CharField(max_length=3, blank=True, db_index=True)
    score = models.FloatField("score")
    reasons = models.JSONField("motifs", default=list)
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "doublon probable"
        ordering = ["-score", "pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "first_id", "second_id"], name="one_duplicate_pair")]

    def __str__(self):
        return f"{self.first_id} / {self.second_id}"
