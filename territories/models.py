from django.db import models
from simple_history.models import HistoricalRecords

from territories.courts import administrative_court
from territories.names import of_name, with_article


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=2, unique=True)
    name = models.CharField("nom", max_length=100)
    tncc = models.PositiveSmallIntegerField("type de nom en clair (COG)", default=0)

    class Meta:
        verbose_name = "région"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def of_name(self) -> str:
        """« d'Auvergne-Rhône-Alpes », « des Hauts-de-France », « de la Guadeloupe »."""
        return of_name(self.name, self.tncc)


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    tncc = models.PositiveSmallIntegerField("type de nom en clair (COG)", default=0)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.name}"

    @property
    def of_name(self) -> str:
        """« de l'Ain », « du Nord »: the name after « de »."""
        return of_name(self.name, self.tncc)


class CollectivityKind(models.TextChoices):
    DEPARTEMENT = "departement", "Département"
    CORSE = "collectivite_corse", "Collectivité de Corse"
    ALSACE = "collectivite_europeenne_alsace", "Collectivité européenne d'Alsace"
    LYON = "metropole_lyon", "Métropole de Lyon"
    PARIS = "ville_paris", "Ville de Paris"
    SINGLE_TERRITORIAL = "collectivite_territoriale_unique", "Collectivité territoriale unique"


class CollectivityQuerySet(models.QuerySet):
    def for_departements(self, codes):
        return self.filter(departements__code__in=codes).distinct()


class Collectivity(models.Model):
    """A collectivité that signs a convention (R-CONV-01): a département or a collectivité with its powers."""

    code = models.CharField("code COG (compétences départementales)", max_length=4, unique=True)
    name = models.CharField("nom", max_length=120)
    kind = models.CharField("type", max_length=40, choices=CollectivityKind.choices)
    tncc = models.PositiveSmallIntegerField("type de nom en clair (COG)", default=0)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="collectivities")
    departements = models.ManyToManyField(Departement, related_name="collectivities")

    # Number of RSA households, computed from the reference statistics on load.
    rsa_households = models.PositiveIntegerField("foyers allocataires du RSA", null=True, blank=True)
    rsa_households_year = models.PositiveSmallIntegerField("année de référence", null=True, blank=True)
    rsa_households_source = models.CharField("source", max_length=255, blank=True)
    rsa_households_note = models.CharField("précision", max_length=255, blank=True)

    # Signatories of the convention (R-CONV-02), kept up to date by the parties.
    president_name = models.CharField("président(e) du conseil départemental", max_length=120, blank=True)
    prefect_name = models.CharField("préfet(e) de département", max_length=120, blank=True)
    contact_email = models.EmailField("adresse de contact de la collectivité", blank=True)
    # the signatories' version, so that two agents editing them at once cannot overwrite each other
    # (territories.services.signatories_update)
    lock_version = models.PositiveIntegerField(default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["rsa_households_source", "lock_version"])
    objects = CollectivityQuerySet.as_manager()

    class Meta:
        verbose_name = "collectivité"
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def of_name(self) -> str:
        """« de l'Ain », « du Nord », « de la Métropole de Lyon »: the name after « de »."""
        return of_name(self.name, self.tncc)

    @property
    def with_article(self) -> str:
        return with_article(self.name, self.tncc)

    @property
    def departement_codes(self):
        return [d.code for d in self.departements.all()]

    @property
    def administrative_court(self) -> str:
        """« de Lyon »: the tribunal administratif named in article 11 of the convention."""
        return administrative_court(self.departement_codes)


class RsaHouseholdCount(models.Model):
    """Public statistic: RSA households of a département at 31 December of a year."""

    departement = models.ForeignKey(Departement, on_delete=models.CASCADE, related_name="rsa_counts")
    year = models.PositiveSmallIntegerField("année")
    households = models.PositiveIntegerField("foyers allocataires")
    source = models.CharField("source", max_length=255)

    class Meta:
        verbose_name = "nombre de foyers allocataires du RSA"
        constraints = [
            models.UniqueConstraint(fields=["departement", "year"], name="one_rsa_count_per_departement_year"),
        ]

    def __str__(self):
        return f"{self.departement.code} {self.year} : {self.households}"
