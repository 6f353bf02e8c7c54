from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from conventions.models import Convention, within_digits
from conventions.volets import Volet, VoletAmounts
from territories.models import Collectivity

VOLETS = Volet.choices


class NationalEnvelope(models.Model):
    """The national envelope of a year and its split between volets (R-FIN-12: 170 M€ in 2024)."""

    year = models.PositiveSmallIntegerField("année", unique=True)
    total = models.DecimalField("enveloppe nationale (€)", max_digits=14, decimal_places=2)
    volet1 = models.DecimalField("dont volet 1 (€)", max_digits=14, decimal_places=2)
    volet2 = models.DecimalField("dont volet 2 (€)", max_digits=14, decimal_places=2)
    volet3 = models.DecimalField("dont volet 3 (€)", max_digits=14, decimal_places=2)
    reserve = models.DecimalField("dont réserve (€)", max_digits=14, decimal_places=2, default=0)
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
                condition=Q(volet1__gte=0) & Q(volet2__gte=0) & Q(volet3__gte=0) & Q(reserve__gte=0),
            ),
            within_digits("envelope_within_digits", ("total", "volet1", "volet2", "volet3", "reserve")),
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
        ordering = ["collectivity__code", "year", "volet"]
        constraints = [
            models.UniqueConstraint(fields=["collectivity", "year", "volet"], name="one_ceiling_per_volet_year"),
            models.CheckConstraint(name="ceiling_not_negative", condition=Q(amount__gte=0)),
            within_digits("ceiling_within_digits", ("amount",)),
        ]

    def __str__(self):
        return f"Plafond volet {self.volet} {self.year} – {self.collectivity}"


class ExpenseLabels:
    """The French labels of a line's rubrique and nature, for the pages and exports (never the codes)."""

    @property
    def section_label(self) -> str:
        from funding.structure import section

        try:
            found = section(self.volet, self.section)
        except KeyError:
            return self.section
        subsection = dict(found.subsections).get(getattr(self, "subsection", ""), "")
        return f"{found.label} – {subsection}" if subsection else found.label

    @property
    def nature_label(self) -> str:
        from funding.structure import nature_label

        return nature_label(self.nature)


class PlanLine(ExpenseLabels, models.Model):
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
    # optimistic locking: the version the editor saw, checked at every write (funding.services.plan_line_update)
    lock_version = models.PositiveIntegerField(default=0, editable=False)

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
            ),
            within_digits(
                "plan_line_amounts_within_digits",
                ("existing_amount", "delta_amount", "other_funding_amount", "state_amount", "collectivity_amount"),
            ),
        ]

    def __str__(self):
        return f"Volet {self.volet} – {self.purpose}"


class PaymentKind(models.TextChoices):
    ADVANCE = "avance", "Avance de 60 %"
    BALANCE = "solde", "Solde"


class PaymentStatus(models.TextChoices):
    PROPOSED = "proposee", "Proposée"
    APPROVED = "approuvee", "Approuvée par la DDETS"
    PAID = "payee", "Payée"
    CANCELLED = "annulee", "Annulée"


# A proposed or approved payment is still to be paid: it counts against what may be paid (R-FIN-07).
OPEN_STATUSES = (PaymentStatus.PROPOSED, PaymentStatus.APPROVED)


class AnnualTranche(models.Model):
    """The part of each volet's amount of a multi-year convention that belongs to one of its years (« tranche
    annuelle »): that year's advance is the campaign's rate of it. The tranches of a convention add up to its
    amounts, volet by volet (`funding.tranches`)."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="tranches")
    year = models.PositiveSmallIntegerField("année")
    amount_volet1 = models.DecimalField("volet 1 (€)", max_digits=14, decimal_places=2, default=0)
    amount_volet2 = models.DecimalField("volet 2 (€)", max_digits=14, decimal_places=2, default=0)
    amount_volet3 = models.DecimalField("volet 3 (€)", max_digits=14, decimal_places=2, default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    history = HistoricalRecords()
    amounts = VoletAmounts()

    class Meta:
        verbose_name = "tranche annuelle"
        ordering = ["year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "year"], name="one_tranche_per_convention_year"),
            models.CheckConstraint(
                name="tranche_amounts_not_negative",
                condition=Q(amount_volet1__gte=0) & Q(amount_volet2__gte=0) & Q(amount_volet3__gte=0),
            ),
            within_digits("tranche_amounts_within_digits", ("amount_volet1", "amount_volet2", "amount_volet3")),
        ]

    def __str__(self):
        return f"Tranche {self.year} – {self.convention}"


class Payment(models.Model):
    """A payment of a volet (R-FIN-07): the advance of each year's tranche (at signature for the first year),
    the balance after the final report."""

    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="payments")
    volet = models.PositiveSmallIntegerField("volet", choices=VOLETS)
    kind = models.CharField("nature", max_length=10, choices=PaymentKind.choices)
    # The year of the tranche an advance pays (the convention's year for a convention of one year); the last
    # year of the convention for its balance.
    year = models.PositiveSmallIntegerField("année")
    amount = models.DecimalField("montant (€)", max_digits=14, decimal_places=2)
    status = models.CharField("état", max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PROPOSED)
    proposed_at = models.DateTimeField("proposé le", auto_now_add=True)
    approved_at = models.DateTimeField("approuvé le", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_on = models.DateField("payé le", null=True, blank=True)
    # Separation of duties: the agent who records the payment is never the one who approved it.
    paid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    chorus_reference = models.CharField("référence Chorus", max_length=40, blank=True)
    cancelled_reason = models.CharField("motif d'annulation", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "versement"
        # each year's advances in turn, a cancelled payment before the one that replaced it
        ordering = ["volet", "kind", "year", "pk"]
        constraints = [
            # R-FIN-07: one advance per volet and year, one balance per volet: a payment is never recorded twice.
            models.UniqueConstraint(
                fields=["convention", "volet", "kind", "year"],
                condition=~Q(status="annulee"),
                name="one_payment_per_volet_kind_and_year",
            ),
            models.CheckConstraint(name="payment_not_negative", condition=Q(amount__gte=0)),
            within_digits("payment_within_digits", ("amount",)),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} volet {self.volet} – {self.convention}"

    def save(self, *args, **kwargs):
        if self.year is None:
            self.year = self.convention.year if self.kind == PaymentKind.ADVANCE else self.convention.end_date.year
        super().save(*args, **kwargs)


class ReportLine(ExpenseLabels, models.Model):
    """A line of the financial report (annexe 3, R-FIN-10): an expense actually incurred."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="report_lines")
    volet = models.PositiveSmallIntegerField("volet", choices=VOLETS)
    section = models.CharField("rubrique", max_length=40)
    nature = models.CharField("nature de la dépense", max_length=40)
    purpose = models.CharField("objet", max_length=200)
    unit = models.CharField("unité", max_length=60, blank=True)
    units = models.DecimalField("nombre d'unités", max_digits=12, decimal_places=2, null=True, blank=True)
    unit_cost = models.DecimalField("coût unitaire (€)", max_digits=14, decimal_places=2, null=True, blank=True)
    period = models.CharField("date ou période", max_length=60, blank=True)
    amount = models.DecimalField("montant (€)", max_digits=14, decimal_places=2)
    details = models.CharField("objet de la dépense", max_length=200, blank=True)
    # R-FIN-11: the collectivité's own means, valorised in the bilan d'exécution (shown, never paid).
    valuation = models.DecimalField(
        "valorisation des moyens propres (€)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    position = models.PositiveIntegerField("ordre", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ligne du bilan financier"
        ordering = ["volet", "position", "pk"]
        constraints = [
            models.CheckConstraint(name="report_line_not_negative", condition=Q(amount__gte=0)),
            within_digits("report_line_within_digits", ("amount", "unit_cost", "valuation")),
        ]

    def __str__(self):
        return f"Volet {self.volet} – {self.purpose}"


class FinancialReport(models.Model):
    """The final report (R-SUIVI-02): received when, by whom; the implementation report's text."""

    convention = models.OneToOneField(Convention, on_delete=models.CASCADE, related_name="financial_report")
    received_on = models.DateField("reçu le", null=True, blank=True)
    implementation_summary = models.TextField("bilan de mise en œuvre du plan d'action", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "bilan final"

    def __str__(self):
        return f"Bilan final – {self.convention}"


class ActionOutcome(models.Model):
    """Mid-year synthesis (R-SUIVI-01) and implementation report of a fiche action (R-SUIVI-02)."""

    class Stage(models.TextChoices):
        MID_YEAR = "mi_parcours", "Synthèse au 30 juin"
        FINAL = "final", "Bilan final"

    class Progress(models.TextChoices):
        NOT_STARTED = "non_demarree", "Non démarrée"
        STARTED = "engagee", "Engagée"
        DONE = "realisee", "Réalisée"
        ABANDONED = "abandonnee", "Abandonnée"

    sheet = models.ForeignKey("action_plans.ActionSheet", on_delete=models.CASCADE, related_name="outcomes")
    stage = models.CharField("étape", max_length=20, choices=Stage.choices)
    progress = models.CharField("état de l'action", max_length=20, choices=Progress.choices)
    credits_consumed = models.DecimalField("crédits consommés (€)", max_digits=14, decimal_places=2, default=0)
    new_entrants = models.PositiveIntegerField("nouveaux entrants", null=True, blank=True)
    oriented_15_days = models.PositiveIntegerField("nouveaux entrants orientés en 15 jours", null=True, blank=True)
    beneficiaries = models.PositiveIntegerField("bénéficiaires concernés", null=True, blank=True)
    comment = models.TextField("commentaire", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "synthèse ou bilan d'une action"
        ordering = ["sheet_id", "-stage"]  # the synthesis at 30 June, then the final report
        constraints = [models.UniqueConstraint(fields=["sheet", "stage"], name="one_outcome_per_sheet_and_stage")]

    def __str__(self):
        return f"{self.get_stage_display()} – {self.sheet}"


class VoletBalance(models.Model):
    """The final balance of a volet (R-FIN-01, R-FIN-08), as settled."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="balances")
    volet = models.PositiveSmallIntegerField("volet", choices=VOLETS)
    allocated = models.DecimalField("montant alloué (€)", max_digits=14, decimal_places=2)
    eligible_cost = models.DecimalField("coût éligible réalisé (€)", max_digits=14, decimal_places=2)
    due = models.DecimalField("contribution due (€)", max_digits=14, decimal_places=2)
    paid = models.DecimalField("déjà versé (€)", max_digits=14, decimal_places=2)
    balance = models.DecimalField("solde (€)", max_digits=14, decimal_places=2)
    to_recover = models.DecimalField("à reverser (titre de perception, €)", max_digits=14, decimal_places=2)
    settled_at = models.DateTimeField("arrêté le", auto_now_add=True)
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "solde d'un volet"
        ordering = ["volet"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "volet"], name="one_balance_per_volet"),
            models.CheckConstraint(name="balance_amounts_not_negative", condition=Q(to_recover__gte=0) & Q(due__gte=0)),
        ]

    def __str__(self):
        return f"Solde volet {self.volet} – {self.convention}"


class Recovery(models.Model):
    """The titre de perception of an overpayment found at the final balance (R-FIN-08, art. 6): issued,
    then recovered; the to-do clears once the amount is recovered."""

    balance = models.OneToOneField(VoletBalance, on_delete=models.PROTECT, related_name="recovery")
    number = models.CharField("n° du titre de perception", max_length=40)
    amount = models.DecimalField("montant du titre (€)", max_digits=14, decimal_places=2)
    issued_on = models.DateField("émis le")
    recovered_on = models.DateField("recouvré le", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "titre de perception"
        constraints = [
            models.CheckConstraint(name="recovery_positive", condition=Q(amount__gt=0)),
            within_digits("recovery_within_digits", ("amount",)),
        ]

    def __str__(self):
        return f"Titre n° {self.number} – {self.balance}"


class OnSiteControl(models.Model):
    """Article 8: an on-site control by the administration, during or after the convention."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="controls")
    controlled_on = models.DateField("date du contrôle")
    controller = models.CharField("contrôle mené par", max_length=200)
    findings = models.TextField("constats")
    documents = models.TextField("pièces justificatives examinées")
    unjustified_amount = models.DecimalField(
        "dépenses non justifiées relevées (€)", max_digits=14, decimal_places=2, default=0
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "contrôle sur place"
        ordering = ["controlled_on", "pk"]
        constraints = [
            models.CheckConstraint(name="control_amount_not_negative", condition=Q(unjustified_amount__gte=0)),
            within_digits("control_within_digits", ("unjustified_amount",)),
        ]

    def __str__(self):
        return f"Contrôle sur place du {self.controlled_on:%d/%m/%Y} – {self.convention}"


class MidYearSynthesis(models.Model):
    """The mid-year remontée (instruction §III.3): for each volet of a convention and each of its years (one for a
    2024 convention, three for a triennial one), what the conseil départemental has engaged by 30 June, and the
    platform's figures at that date, frozen when it is sent."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="mid_year_syntheses")
    year = models.PositiveSmallIntegerField("année")
    volet = models.PositiveSmallIntegerField("volet", choices=VOLETS)
    actions_engaged = models.TextField("actions engagées au 30 juin")
    difficulties = models.TextField("difficultés rencontrées et mesures envisagées", blank=True)
    credits_committed = models.DecimalField("crédits engagés au 30 juin (€)", max_digits=14, decimal_places=2)
    # {label: value as the page writes it}, computed by funding.mid_year.figures when the synthesis is sent
    figures = models.JSONField("chiffres de la plateforme", default=dict)
    sent_at = models.DateTimeField("transmise le", auto_now=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "synthèse à mi-année"
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "year", "volet"], name="one_mid_year_synthesis_per_year_and_volet"
            ),
            models.CheckConstraint(name="mid_year_credits_not_negative", condition=Q(credits_committed__gte=0)),
            within_digits("mid_year_within_digits", ("credits_committed",)),
        ]

    def __str__(self):
        return f"Synthèse à mi-année volet {self.volet} – {self.convention}"
