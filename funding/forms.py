from django import forms

from campaigns.forms import CampaignYearField
from campaigns.lookup import default_year
from config.widgets import DateInput
from conventions.forms import AmountField
from funding.models import PlanLine
from funding.structure import NATURES, SECTIONS


class PlanLineForm(forms.ModelForm):
    existing_amount = AmountField(label="Moyens existants (€)", required=False)
    delta_amount = AmountField(label="Montant du delta (€)", required=False)
    other_funding_amount = AmountField(label="Autres financements (€)", required=False)
    state_amount = AmountField(label="Part État (€)", required=False)
    collectivity_amount = AmountField(label="Part collectivité (€)", required=False)

    class Meta:
        model = PlanLine
        fields = [
            "section",
            "subsection",
            "action_sheet",
            "nature",
            "purpose",
            "details",
            "existing_fte",
            "existing_amount",
            "target",
            "delta_fte",
            "delta_amount",
            "other_funding_amount",
            "other_funding_source",
            "state_amount",
            "collectivity_amount",
        ]

    def __init__(self, *args, volet: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"] = forms.ChoiceField(
            label="Rubrique", choices=[(s.code, s.label) for s in SECTIONS[volet]]
        )
        subsections = [(code, label) for s in SECTIONS[volet] for code, label in s.subsections]
        self.fields["subsection"] = forms.ChoiceField(
            label="Sous-rubrique", choices=[("", "—"), *subsections], required=False
        )
        self.fields["nature"] = forms.ChoiceField(label="Nature", choices=[(n.code, n.label) for n in NATURES])
        if "details" in self.fields:
            self.fields["details"].widget = forms.TextInput()
        sheets = self.fields["action_sheet"].queryset
        self.fields["action_sheet"].queryset = sheets.filter(convention=self.instance.convention_id)
        self.fields["action_sheet"].label_from_instance = lambda sheet: f"Action {sheet.number}"
        self.fields["action_sheet"].empty_label = "—"

    def clean(self):
        data = super().clean()
        for name in ("existing_amount", "delta_amount", "other_funding_amount", "state_amount", "collectivity_amount"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data


class SimulationForm(forms.Form):
    year = CampaignYearField(initial=default_year)
    envelope = AmountField(label="Enveloppe du volet 1 (€)")
    base = AmountField(label="Forfait de base par collectivité (€)")
    per_tranche = AmountField(label="Montant par tranche de foyers allocataires (€)")
    tranche_size = forms.IntegerField(label="Taille d'une tranche (foyers)", min_value=1, initial=1000)


class UploadForm(forms.Form):
    file = forms.FileField(label="Fichier")


class EnvelopeForm(forms.Form):
    year = CampaignYearField()
    total = AmountField(label="Enveloppe nationale (€)")
    volet1 = AmountField(label="Dont volet 1 (€)")
    volet2 = AmountField(label="Dont volet 2 (€)")
    volet3 = AmountField(label="Dont volet 3 (€)")
    reserve = AmountField(label="Dont réserve (€)", required=False, help_text="Ce qui n'est affecté à aucun volet.")

    def clean(self):
        from conventions.volets import Volet
        from funding.envelope import split_refusals

        data = super().clean()
        parts = {volet: data.get(f"volet{volet.value}") for volet in Volet}
        data["reserve"] = data.get("reserve") or 0
        if data.get("total") is not None and None not in parts.values():
            for reason in split_refusals(data["total"], parts, data["reserve"]):
                raise forms.ValidationError(reason)
        return data


class CeilingForm(forms.Form):
    collectivity = forms.ModelChoiceField(label="Collectivité", queryset=None)
    year = CampaignYearField()
    volet = forms.TypedChoiceField(label="Volet", choices=[(1, "Volet 1"), (2, "Volet 2"), (3, "Volet 3")], coerce=int)
    amount = AmountField(label="Plafond (€)")
    prenotified_on = forms.DateField(label="Pré-notifié le", required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        from territories.models import Collectivity

        super().__init__(*args, **kwargs)
        self.fields["collectivity"].queryset = Collectivity.objects.all()

    def clean(self):
        from conventions.models import Volet3Selection

        data = super().clean()
        complete = data.get("volet") == 3 and data.get("collectivity") and data.get("year")
        if (
            complete
            and not Volet3Selection.objects.filter(collectivity=data["collectivity"], year=data["year"]).exists()
        ):
            raise forms.ValidationError(
                f"{data['collectivity']} n'est pas retenue pour le volet 3 en {data['year']} (R-CONV-04)."
            )
        return data


class PlanLineInlineForm(PlanLineForm):
    """The columns edited in the plan's table (the others come with the Excel workbook). The table's cells have
    no visible label of their own: each field is named for assistive technologies by its column and its line.
    lock_version: the line's version the page shows, so that a change made meanwhile by someone else is refused."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = self.instance.lock_version
        line = f"« {self.instance.purpose} »" if self.instance.purpose else f"n° {self.instance.pk}"
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"{field.label} – ligne {line}"

    class Meta(PlanLineForm.Meta):
        fields = [
            "section",
            "subsection",
            "action_sheet",
            "nature",
            "purpose",
            "existing_amount",
            "delta_amount",
            "other_funding_amount",
            "state_amount",
            "collectivity_amount",
        ]
