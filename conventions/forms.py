from decimal import Decimal

from django import forms

from campaigns.forms import CampaignYearField
from config.formats import format_decimal
from config.widgets import DateInput
from conventions.amounts import parse_amount
from conventions.banking import bic_errors, iban_errors, normalise_iban, rib_errors
from conventions.models import Convention, ConventionState, DeliberationBody


class AmountField(forms.CharField):
    """An amount in euros typed the French way (`1 250 000,50`), kept as a Decimal, and shown the same way (a stored
    amount pre-filled as `540 000,00`, not `540000.00`)."""

    def prepare_value(self, value):
        return format_decimal(value) if isinstance(value, Decimal) else value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_amount(value)
        except ValueError as error:
            raise forms.ValidationError(f"Montant refusé : {error}.") from None


RIB_FIELDS = ("bank_code", "branch_code", "account_number", "rib_key")


class ConventionForm(forms.ModelForm):
    """Years and durations are data: a multi-year convention (from 2025) sets its own period."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    start_date = forms.DateField(label="Début", widget=DateInput())
    end_date = forms.DateField(label="Fin", widget=DateInput())
    amount_volet1 = AmountField(label="Volet 1 – chefferie de projet (€)", required=False)
    amount_volet2 = AmountField(label="Volet 2 – offre de solutions locales (€)", required=False)
    amount_volet3 = AmountField(label="Volet 3 – déploiements territoriaux (€)", required=False)

    class Meta:
        model = Convention
        fields = [
            "start_date",
            "end_date",
            "amount_volet1",
            "amount_volet2",
            "amount_volet3",
            "prefect_name",
            "president_name",
            "regional_prefect_name",
            "budget_action",
            "budget_sub_action",
            "budget_activity",
            "financial_centre",
            "functional_domain",
            "goods_group",
            "chorus_third_party",
            "account_holder",
            "bank_code",
            "branch_code",
            "account_number",
            "rib_key",
            "iban",
            "bic",
            "authorising_officer",
            "assigning_accountant",
            "deliberation_body",
            "signing_place",
            "intensive_pathways_target",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deliberation_body"].required = False

    def clean_deliberation_body(self):
        return self.cleaned_data["deliberation_body"] or DeliberationBody.STANDING_COMMITTEE

    def clean_iban(self):
        value = self.cleaned_data["iban"]
        if value:
            errors = iban_errors(value)
            if errors:
                raise forms.ValidationError(errors)
            return normalise_iban(value)
        return value

    def clean_bic(self):
        value = self.cleaned_data["bic"].strip().upper()
        if value and bic_errors(value):
            raise forms.ValidationError(bic_errors(value))
        return value

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["start_date"] > data["end_date"]:
            self.add_error("end_date", "La fin de la convention précède son début.")
        rib = [(data.get(name) or "").strip().upper() for name in RIB_FIELDS]
        if any(rib):
            for name, value in zip(RIB_FIELDS, rib, strict=True):
                data[name] = value
            for error in rib_errors(*rib, iban=data.get("iban") or ""):
                self.add_error("rib_key" if "Clé" in error or "IBAN" in error else None, error)
        return data

    def values(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        for name in ("amount_volet1", "amount_volet2", "amount_volet3"):
            data[name] = data[name] or 0
        return data


class ConventionCreateForm(forms.Form):
    collectivity = forms.ModelChoiceField(label="Collectivité", queryset=None)
    year = CampaignYearField(first_only=True)

    def __init__(self, *args, collectivities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collectivity"].queryset = collectivities


class StepForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    occurred_on = forms.DateField(label="Date de l'étape", required=False, help_text="jj/mm/aaaa")
    deliberation_date = forms.DateField(label="Date de la délibération", required=False)
    prefect_signed_on = forms.DateField(label="Signature du préfet de département", required=False)
    president_signed_on = forms.DateField(label="Signature du président du conseil départemental", required=False)
    regional_prefect_signed_on = forms.DateField(label="Signature du préfet de région", required=False)
    note = forms.CharField(label="Observation", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConventionFilterForm(forms.Form):
    region = forms.ModelChoiceField(label="Région", queryset=None, required=False)
    collectivity = forms.ModelChoiceField(label="Collectivité", queryset=None, required=False)
    state = forms.ChoiceField(label="État", choices=[("", "Tous"), *ConventionState.choices], required=False)
    year = forms.IntegerField(
        label="Année",
        required=False,
        min_value=1,
        max_value=9999,
        help_text="Les conventions en cours cette année, pluriannuelles comprises",
    )
    late = forms.BooleanField(label="En retard seulement", required=False)

    def __init__(self, *args, regions, collectivities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["collectivity"].queryset = collectivities


class AmendmentForm(forms.Form):
    purpose = forms.CharField(label="Objet de l'avenant", widget=forms.Textarea(attrs={"rows": 2}))
    amount_volet1 = AmountField(label="Volet 1 (€)")
    amount_volet2 = AmountField(label="Volet 2 (€)")
    amount_volet3 = AmountField(label="Volet 3 (€)", required=False)
    end_date = forms.DateField(label="Date de fin", widget=DateInput())


class DenunciationForm(forms.Form):
    notice_date = forms.DateField(label="Date de la lettre recommandée de mise en demeure", widget=DateInput())
    reason = forms.CharField(label="Obligation non respectée", widget=forms.Textarea(attrs={"rows": 2}))


class ExecutionReportForm(forms.ModelForm):
    class Meta:
        from conventions.models import ExecutionReport

        model = ExecutionReport
        fields = ["kind", "reported_on", "description"]
        widgets = {
            "reported_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
        }


class CommitteeMeetingForm(forms.ModelForm):
    class Meta:
        from conventions.models import CommitteeMeeting

        model = CommitteeMeeting
        fields = ["held_on", "attendees", "decisions"]
        widgets = {
            "held_on": DateInput(),
            "attendees": forms.Textarea(attrs={"rows": 2}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }


class SignedCopyForm(forms.Form):
    file = forms.FileField(label="Copie signée (PDF, 20 Mio au plus)")
