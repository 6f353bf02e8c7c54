from django.conf import settings
from django.db import models

from indicators.engine import column_mapping
from indicators.engine.schema import FILES
from territories.models import Collectivity


class DeliveryStatus(models.TextChoices):
    PENDING = "en_attente", "En attente"
    RUNNING = "en_cours", "En cours de traitement"
    ACCEPTED = "acceptee", "Acceptée"
    REFUSED = "refusee", "Refusée"
    REPLACED = "remplacee", "Remplacée par une livraison plus récente"


class DeliveryQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(status=DeliveryStatus.ACCEPTED)


class Delivery(models.Model):
    """A monthly delivery of beneficiary data (R-DATA-02). Its raw file is never kept: only the
    pseudonymised tables, in a folder of Parquet files named after the delivery."""

    collectivity = models.ForeignKey(Collectivity, on_delete=models.PROTECT, related_name="deliveries")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="déposée par", on_delete=models.SET_NULL, null=True
    )
    uploaded_at = models.DateTimeField("déposée le", auto_now_add=True)
    source_name = models.CharField("fichier déposé", max_length=255)
    checksum = models.CharField("empreinte SHA-256", max_length=64)
    size_bytes = models.PositiveBigIntegerField("taille (octets)")
    status = models.CharField("état", max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    step = models.CharField("étape", max_length=120, blank=True)
    first_month = models.DateField("premier mois", null=True, blank=True)
    last_month = models.DateField("dernier mois", null=True, blank=True)
    row_counts = models.JSONField("lignes par fichier", default=dict)
    issues = models.JSONField("erreurs", default=list)
    issues_truncated = models.PositiveIntegerField("erreurs non affichées", default=0)
    warnings = models.JSONField("avertissements", default=list)
    finished_at = models.DateTimeField("traitée le", null=True, blank=True)
    replaced_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The reception folder of the raw upload, deleted when the processing ends (indicators.recovery).
    reception_token = models.CharField(max_length=32, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = "livraison de données"
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="delivery_months_ordered",
                condition=models.Q(first_month__isnull=True)
                | models.Q(last_month__isnull=True)
                | models.Q(first_month__lte=models.F("last_month")),
            ),
            models.CheckConstraint(name="delivery_progress_percent", condition=models.Q(progress__lte=100)),
        ]

    def __str__(self):
        return f"Livraison {self.pk} – {self.collectivity}"

    @property
    def uploader_label(self) -> str:
        if self.uploaded_by is None:
            return "Plateforme (démonstration)"
        return self.uploaded_by.display_name

    @property
    def finished(self) -> bool:
        return self.status not in (DeliveryStatus.PENDING, DeliveryStatus.RUNNING)


class IndicatorTable(models.TextChoices):
    VOLET2 = "volet2", "Volet 2 – nouveaux entrants et orientation"
    VOLET3 = "volet3", "Volet 3 – indicateurs de moyens et de résultats"
    ORGANISMS = "organismes", "Répartition par organisme référent au 31 décembre"
    PLEIN_EMPLOI = "plein_emploi", "Délais de la loi pour le plein emploi"
    INTENSIVE_PATHWAYS = "parcours_intensifs", "Nouveaux parcours d'accompagnement intensif"


class IndicatorResult(models.Model):
    """One month (or, for the distribution by organisme, one year at 31 December) of one table,
    computed by one version of its definition."""

    collectivity = models.ForeignKey(Collectivity, on_delete=models.CASCADE, related_name="indicator_results")
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="results")
    table = models.CharField("tableau", max_length=20, choices=IndicatorTable.choices)
    month = models.DateField("mois")
    version = models.CharField("version de la définition", max_length=40)
    values = models.JSONField("valeurs")
    computed_at = models.DateTimeField("calculé le", auto_now_add=True)

    class Meta:
        verbose_name = "résultat d'indicateur"
        ordering = ["table", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["collectivity", "table", "month", "version"], name="one_result_per_month_and_version"
            )
        ]

    def __str__(self):
        return f"{self.table} {self.month:%Y-%m} {self.collectivity}"


class ListedIdentifier(models.Model):
    """The département's identifier of a person on a delivery's orientation work list, encrypted
    (indicators.identifiers): the only place a beneficiary identifier is kept, and only when the deployment
    sets WORKLIST_IDENTIFIER_KEY."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="listed_identifiers")
    pseudonym = models.BigIntegerField("pseudonyme")
    token = models.TextField("identifiant chiffré")
    expires_at = models.DateTimeField("supprimé le")

    class Meta:
        verbose_name = "identifiant d'une personne à orienter (chiffré)"
        constraints = [
            models.UniqueConstraint(fields=["delivery", "pseudonym"], name="listed_identifier_once"),
        ]
        indexes = [models.Index(fields=["expires_at"], name="listed_identifier_expiry")]

    def __str__(self):
        return f"Identifiant chiffré – livraison {self.delivery_id}"


class ColumnMapping(models.Model):
    """Which header of a collectivité's own extract holds each column of a file of the exchange format
    (indicators.engine.column_mapping); applied to every delivery it uploads afterwards."""

    collectivity = models.ForeignKey(Collectivity, on_delete=models.CASCADE, related_name="column_mappings")
    file = models.CharField("fichier du format", max_length=40, choices=[(name, name) for name in FILES])
    columns = models.JSONField("en-tête de chaque colonne", default=dict)
    # column → {the extract's value → the format's value}, for enumerated and yes/no columns
    values = models.JSONField("valeurs traduites", default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="modifiée par", on_delete=models.SET_NULL, null=True
    )
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "correspondance de colonnes"
        ordering = ["collectivity", "file"]
        constraints = [models.UniqueConstraint(fields=["collectivity", "file"], name="one_mapping_per_file")]

    def __str__(self):
        return f"Correspondance {self.file} – {self.collectivity}"

    def rule(self) -> column_mapping.ColumnMapping:
        return column_mapping.ColumnMapping(self.file, {k: v for k, v in self.columns.items() if v}, self.values)
