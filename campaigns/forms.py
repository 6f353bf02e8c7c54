import calendar

from django import forms

from campaigns import rules
from campaigns.lookup import all_campaigns
from campaigns.models import Campaign


class CampaignYearField(forms.IntegerField):
    """A year of the contractualisation: not before its first campaign, nor four digits past; `first_only`: a year
    a convention may start (not the second or third year of a multi-year campaign, whose conventions carry its
    first year). A year no campaign covers yet follows the rules of the latest one (`rules.applicable`)."""

    def __init__(self, *, first_only: bool = False, **kwargs):
        self.first_only = first_only
        kwargs.setdefault("label", "Année")
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        campaigns = sorted(all_campaigns(), key=lambda c: c.first_year)
        if value < campaigns[0].first_year or value > 9999:
            raise forms.ValidationError(
                f"La contractualisation commence en {campaigns[0].first_year} : année {value} refusée."
            )
        if self.first_only:
            refusals = rules.convention_year_refusals(value, rules.covering(campaigns, value))
            if refusals:
                raise forms.ValidationError(refusals)


class CampaignForm(forms.ModelForm):
    """A new campaign: its years, envelope, money rules, deadlines, finance laws, indicators and model text."""

    finance_laws_text = forms.CharField(
        label="Lois de finances citées par le visa",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Une par ligne : « 2025 : n° 2025-127 du 14 février 2025 ».",
    )
    indicator_tables = forms.MultipleChoiceField(
        label="Tableaux d'indicateurs", choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )
    ineligible_natures = forms.MultipleChoiceField(
        label="Natures de dépense que l'État ne finance pas",
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Celles de l'instruction de 2023 sont cochées ; les exclusions du volet 2 (IAE, contrats aidés, "
        "conseillers relation entreprise) ne valent que pour le volet 2.",
    )
    model_file = forms.FileField(
        label="Texte du modèle de convention (fichier texte UTF-8)",
        required=False,
        help_text="Le modèle mot pour mot, ses champs notés {{ year }}, {{ total }}… (voir le modèle 2024).",
    )

    class Meta:
        model = Campaign
        fields = [
            "name", "instruction", "first_year", "last_year", "announced_envelope", "advance_rate",
            "volet2_collectivity_share", "finalisation_month", "finalisation_day", "signature_month",
            "signature_day", "report_months", "intensive_pathways_target", "model_text",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        from indicators.models import IndicatorTable

        super().__init__(*args, **kwargs)
        from funding.structure import INSTRUCTION_INELIGIBLE, NATURES

        self.fields["indicator_tables"].choices = IndicatorTable.choices
        self.fields["ineligible_natures"].choices = [(n.code, n.label) for n in NATURES]
        self.fields["ineligible_natures"].initial = list(INSTRUCTION_INELIGIBLE)
        self.fields["model_text"].required = False
        self.fields["model_text"].help_text = "Ou déposez un nouveau texte ci-dessous."
        for name in ("first_year", "last_year"):
            self.fields[name].min_value = min(c.first_year for c in all_campaigns())

    def validate_unique(self):
        """The years are checked by the service, against every campaign's (`rules.overlap_refusals`)."""

    def clean_finance_laws_text(self):
        laws = {}
        for number, line in enumerate(self.cleaned_data["finance_laws_text"].splitlines(), 1):
            if not line.strip():
                continue
            year, separator, law = line.partition(":")
            if not separator or not year.strip().isdigit() or len(year.strip()) != 4 or not law.strip():
                raise forms.ValidationError(f"Ligne {number} : attendu « AAAA : n° … du … », lu « {line[:60]} ».")
            laws[year.strip()] = law.strip()
        return laws

    def clean(self):
        data = super().clean()
        for month, day, label in (
            ("finalisation_month", "finalisation_day", "finalisation"),
            ("signature_month", "signature_day", "signature"),
        ):
            if data.get(month) is None or data.get(day) is None:
                continue
            # every year: 29 February is not a deadline (year 1 of the calendar module is not leap)
            if not (1 <= data[month] <= 12 and 1 <= data[day] <= calendar.monthrange(1, data[month])[1]):
                shown = f"{data[day]}/{data[month]}"
                self.add_error(day, f"Échéance de {label} : {shown} n'est pas une date de chaque année.")
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        values = {name: data[name] for name in self.Meta.fields if name != "model_text"}
        values["finance_laws"] = data["finance_laws_text"]
        values["indicator_tables"] = list(data["indicator_tables"])
        values["ineligible_natures"] = list(data["ineligible_natures"])
        return values
