from django import forms

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
        self.fields["details"].widget = forms.TextInput()

    def clean(self):
        data = super().clean()
        for name in ("existing_amount", "delta_amount", "other_funding_amount", "state_amount", "collectivity_amount"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data


class SimulationForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=2024, max_value=2100, initial=2024)
    envelope = AmountField(label="Enveloppe du volet 1 (€)")
    base = AmountField(label="Forfait de base par collectivité (€)")
    per_tranche = AmountField(label="Montant par tranche de foyers allocataires (€)")
    tranche_size = forms.IntegerField(label="Taille d'une tranche (foyers)", min_value=1, initial=1000)


class UploadForm(forms.Form):
    file = forms.FileField(label="Fichier")
