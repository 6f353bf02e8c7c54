from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from conventions.amounts import LIMIT
from conventions.volets import VoletAmounts
from territories.models import Collectivity


def within_digits(name: str, fields: tuple[str, ...]) -> models.CheckConstraint:
    """A check that each amount field stays below 10^12 €, the limit of DECIMAL(14, 2)."""
    condition = Q()
    for field in fields:
        condition &= Q(**{f"{field}__lt": LIMIT})
    return models.CheckConstraint(name=name, condition=condition)


class ConventionState(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    NEGOTIATION = "negociation", "En négociation"
    FINALISED = "finalisee", "Finalisée"
    APPROVED = "approuvee", "Approuvée par l'assemblée délibérante"
    SIGNED = "signee", "Signée"
    IN_EXECUTION = "en_execution", "En exécution"
    REPORT_RECEIVED = "bilan_recu", "Bilan final reçu"
    BALANCE_SETTLED = "solde_arrete", "Solde arrêté"
    CLOSED = "close", "Close"
    TERMINATED = "resiliee", "Résiliée"


class DeliberationBody(models.TextChoices):
    """The assembly whose deliberation authorises the president to sign (the model's visa gives the choice)."""

    STANDING_COMMITTEE = "commission_permanente", "Commission permanente"
    COUNCIL = "conseil_departemental", "Conseil départemental"


STATE_ORDER = list(ConventionState)
# Until it is signed, the parties change the convention freely; afterwards only by avenant (R-CONV-05).
EDITABLE_STATES = (ConventionState.DRAFT, ConventionState.NEGOTIATION)


class ConventionQuerySet(models.QuerySet):
    def for_user(self, user):
        from accounts.permissions import visible_collectivities

        return self.filter(collectivity__in=visible_collectivities(user))

    def covering(self, year: int):
        """The conventions running in `year`: those of its campaign year and the multi-year ones covering it."""
        return self.filter(start_date__year__lte=year, end_date__year__gte=year)

    def years_covered(self) -> set[int]:
        """Every year one of these conventions runs in (each year of a multi-year one)."""
        spans = self.values_list("start_date__year", "end_date__year").distinct()
        return {year for first, last in spans for year in range(first, last + 1)}

    def locked(self, pk: int) -> "Convention":
        """The convention as it is now, its row locked until the end of the transaction: every write that checks
        a rule on the convention reads it so, not from the copy the page loaded, and waits for the others."""
        return self.select_for_update().select_related("collectivity").get(pk=pk)


class Convention(models.Model):
    """The convention of a collectivité for a year (R-CONV-01), with its three volets (R-FIN-01)."""

    collectivity = models.ForeignKey(Collectivity, on_delete=models.PROTECT, related_name="conventions")
    year = models.PositiveSmallIntegerField("année")
    start_date = models.DateField("début")
    end_date = models.DateField("fin")
    state = models.CharField("état", max_length=20, choices=ConventionState.choices, default=ConventionState.DRAFT)
    # Optimistic locking: every save increments it; a form posted with an older value is refused.
    lock_version = models.PositiveIntegerField(default=0)

    amount_volet1 = models.DecimalField("volet 1 – chefferie de projet (€)", max_digits=14, decimal_places=2, default=0)
    amount_volet2 = models.DecimalField("volet 2 – offre de solutions (€)", max_digits=14, decimal_places=2, default=0)
    amount_volet3 = models.DecimalField(
        "volet 3 – déploiements territoriaux (€)", max_digits=14, decimal_places=2, default=0
    )

    prefect_name = models.CharField("préfet(e) de département", max_length=120, blank=True)
    president_name = models.CharField("président(e) du conseil départemental", max_length=120, blank=True)
    regional_prefect_name = models.CharField("préfet(e) de région (BOP 102)", max_length=120, blank=True)
    deliberation_date = models.DateField("date de la délibération", null=True, blank=True)
    prefect_signed_on = models.DateField("signature du préfet de département", null=True, blank=True)
    president_signed_on = models.DateField("signature du président du conseil départemental", null=True, blank=True)
    regional_prefect_signed_on = models.DateField("signature du préfet de région", null=True, blank=True)

    # Budget imputation (annexe 7, article 5)
    programme = models.CharField("programme", max_length=3, default="102")
    budget_action = models.CharField("action", max_length=10, blank=True)
    budget_sub_action = models.CharField("sous-action", max_length=10, blank=True)
    budget_activity = models.CharField("activité", max_length=20, blank=True)
    financial_centre = models.CharField("centre financier (CF)", max_length=20, blank=True)
    functional_domain = models.CharField("domaine fonctionnel (DF)", max_length=20, blank=True)
    goods_group = models.CharField("groupe marchandises (GM)", max_length=20, blank=True)
    chorus_third_party = models.CharField("n° de tiers Chorus", max_length=20, blank=True)
    iban = models.CharField("IBAN", max_length=34, blank=True)
    bic = models.CharField("BIC", max_length=11, blank=True)
    # The rest of annexe 7's bank block (article 6), checked against the IBAN (conventions.banking).
    account_holder = models.CharField("dénomination sociale", max_length=120, blank=True)
    bank_code = models.CharField("code établissement", max_length=5, blank=True)
    branch_code = models.CharField("code guichet", max_length=5, blank=True)
    account_number = models.CharField("numéro de compte", max_length=11, blank=True)
    rib_key = models.CharField("clé RIB", max_length=2, blank=True)
    authorising_officer = models.CharField("ordonnateur de la dépense", max_length=200, blank=True)
    assigning_accountant = models.CharField("comptable assignataire de la dépense", max_length=200, blank=True)
    deliberation_body = models.CharField(
        "délibération de",
        max_length=30,
        choices=DeliberationBody.choices,
        default=DeliberationBody.STANDING_COMMITTEE,
    )
    signing_place = models.CharField("lieu de signature (« Fait à »)", max_length=120, blank=True)
    # Campaigns from 2025: the new intensive accompaniment pathways the département commits to start each year.
    intensive_pathways_target = models.PositiveIntegerField(
        "nouveaux parcours d'accompagnement intensif visés par an", null=True, blank=True
    )

    history = HistoricalRecords()
    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention"
        ordering = ["-year", "collectivity__code"]
        constraints = [
            # R-CONV-01: one convention per collectivité and year.
            models.UniqueConstraint(fields=["collectivity", "year"], name="one_convention_per_collectivity_year"),
            # R-FIN-01: amounts per volet, never negative.
            models.CheckConstraint(
                name="convention_amounts_not_negative",
                condition=Q(amount_volet1__gte=0) & Q(amount_volet2__gte=0) & Q(amount_volet3__gte=0),
            ),
            models.CheckConstraint(name="convention_dates_ordered", condition=Q(start_date__lte=F("end_date"))),
            # DECIMAL(14, 2) even where the database does not enforce it (SQLite would keep 1E+20 as a float).
            within_digits("convention_amounts_within_digits", ("amount_volet1", "amount_volet2", "amount_volet3")),
        ]

    amounts = VoletAmounts()

    def __str__(self):
        return f"Convention {self.period} – {self.collectivity}"

    @property
    def period(self) -> str:
        """« 2024 », or « 2025–2027 » for a multi-year convention."""
        if self.end_date and self.end_date.year > self.year:
            return f"{self.year}–{self.end_date.year}"
        return str(self.year)

    @property
    def number(self) -> str:
        """« CIE-2024-01D »: one convention per collectivité and year, so the pair numbers it for good."""
        return f"CIE-{self.year}-{self.collectivity.code}"

    @property
    def total_amount(self):
        return self.amount_volet1 + self.amount_volet2 + self.amount_volet3

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE_STATES


def default_period(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


class ConventionEvent(models.Model):
    """One step of a convention's life: who recorded it, when, and the date it took effect."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField("étape", max_length=40)
    from_state = models.CharField("état précédent", max_length=20, choices=ConventionState.choices)
    to_state = models.CharField("nouvel état", max_length=20, choices=ConventionState.choices)
    occurred_on = models.DateField("date")
    recorded_at = models.DateTimeField("enregistrée le", auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    note = models.TextField("observation", blank=True)

    class Meta:
        verbose_name = "étape de la convention"
        ordering = ["recorded_at", "pk"]

    def __str__(self):
        return f"{self.convention} : {self.transition} le {self.occurred_on:%d/%m/%Y}"


class Volet3Selection(models.Model):
    """The territories the DGEFP selected for volet 3 (territorial deployments) in a year (R-CONV-04)."""

    collectivity = models.ForeignKey(Collectivity, on_delete=models.CASCADE, related_name="volet3_selections")
    year = models.PositiveSmallIntegerField("année")
    # One of the 18 pilots since 2023: volet 3 is financed by an avenant to the experiment's convention.
    pilot_since_2023 = models.BooleanField("territoire pilote depuis 2023", default=False)

    class Meta:
        verbose_name = "sélection pour le volet 3"
        constraints = [models.UniqueConstraint(fields=["collectivity", "year"], name="one_volet3_selection_per_year")]

    def __str__(self):
        return f"Volet 3 {self.year} – {self.collectivity}"


class ConventionVersion(models.Model):
    """A readable snapshot of the convention as signed (version 0) or as changed by avenant n (R-CONV-05)."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField("version (0 : convention initiale, n : avenant n)")
    snapshot = models.JSONField("contenu")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "version de la convention"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="one_version_number_per_convention")
        ]

    def __str__(self):
        return f"{self.convention} – version {self.number}"


class Amendment(models.Model):
    """Avenant (art. 9): a change agreed by both parties; applied once both agreements are recorded."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField("numéro")
    purpose = models.TextField("objet de l'avenant")
    amount_volet1 = models.DecimalField("volet 1 (€)", max_digits=14, decimal_places=2)
    amount_volet2 = models.DecimalField("volet 2 (€)", max_digits=14, decimal_places=2)
    amount_volet3 = models.DecimalField("volet 3 (€)", max_digits=14, decimal_places=2)
    end_date = models.DateField("nouvelle date de fin")
    state_agreed_on = models.DateField("accord de l'État", null=True, blank=True)
    council_agreed_on = models.DateField("accord du conseil départemental", null=True, blank=True)
    applied_at = models.DateTimeField("appliqué le", null=True, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "avenant"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="one_amendment_number_per_convention"),
            models.CheckConstraint(
                name="amendment_amounts_not_negative",
                condition=Q(amount_volet1__gte=0) & Q(amount_volet2__gte=0) & Q(amount_volet3__gte=0),
            ),
            within_digits("amendment_amounts_within_digits", ("amount_volet1", "amount_volet2", "amount_volet3")),
        ]

    amounts = VoletAmounts()

    def __str__(self):
        return f"Avenant n° {self.number} – {self.convention}"


class Denunciation(models.Model):
    """Dénonciation (art. 10, R-CONV-06): formal notice by registered letter, effective two months later
    unless withdrawn (the breach remedied)."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="denunciations")
    notice_date = models.DateField("date de la mise en demeure (lettre recommandée)")
    effective_on = models.DateField("prise d'effet")
    reason = models.TextField("motif")
    withdrawn_on = models.DateField("levée le", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)

    class Meta:
        verbose_name = "dénonciation"
        ordering = ["notice_date", "pk"]

    def __str__(self):
        return f"Dénonciation du {self.notice_date:%d/%m/%Y} – {self.convention}"


class ExecutionReport(models.Model):
    """R-CONV-08: the département reports non-execution, a change or a delay without delay (art. 7)."""

    class Kind(models.TextChoices):
        NON_EXECUTION = "inexecution", "Inexécution"
        CHANGE = "modification", "Modification"
        DELAY = "retard", "Retard"

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="execution_reports")
    kind = models.CharField("nature", max_length=20, choices=Kind.choices)
    reported_on = models.DateField("signalé le")
    description = models.TextField("description")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)

    class Meta:
        verbose_name = "signalement d'exécution"
        ordering = ["reported_on", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} signalé le {self.reported_on:%d/%m/%Y}"


class CommitteeMeeting(models.Model):
    """Comité départemental co-chaired by the préfet and the président du conseil départemental (R-SUIVI-06)."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="committee_meetings")
    held_on = models.DateField("date de la réunion")
    attendees = models.TextField("participants")
    decisions = models.TextField("décisions")

    class Meta:
        verbose_name = "réunion du comité départemental"
        ordering = ["held_on", "pk"]

    def __str__(self):
        return f"Comité du {self.held_on:%d/%m/%Y}"


class ConventionDocument(models.Model):
    """A generated document (Word, PDF) or the signed scan, with its SHA-256 so a signed copy can be matched."""

    class Kind(models.TextChoices):
        WORD = "docx", "Convention (Word, modifiable)"
        PDF = "pdf", "Convention (PDF)"
        SIGNED = "signee", "Copie signée (PDF)"

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="documents")
    version_number = models.PositiveSmallIntegerField("version de la convention")
    kind = models.CharField("nature", max_length=10, choices=Kind.choices)
    filename = models.CharField("nom", max_length=200)
    content = models.BinaryField("contenu")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)

    class Meta:
        verbose_name = "document de la convention"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.filename
