"""Entering a structure or a service by hand: the fields of the schema an animateur knows, checked by
the official models (the same validation as the imports)."""

import uuid
from datetime import date

from data_inclusion.schema.v1 import ModeAccueil, Public, Thematique
from django import forms

from offer.models import OfferStructure
from offer.validation import validate

SOURCE = "plateforme-contractualisation"


class SchemaForm(forms.Form):
    kind = ""

    def record(self) -> dict:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        records, issues = validate(self.kind, [(1, self.record())])
        for issue in issues:
            if issue.level != "erreur":
                continue
            field = issue.field.split(".")[0]
            self.add_error(field if field in self.fields else None, issue.message)
        if records:
            self.validated = records[0]
        return data


class StructureForm(SchemaForm):
    kind = "structures"
    nom = forms.CharField(label="Nom", max_length=150)
    siret = forms.CharField(label="SIRET", max_length=14, required=False)
    adresse = forms.CharField(label="Adresse", required=False)
    code_postal = forms.CharField(label="Code postal", max_length=5)
    code_insee = forms.CharField(label="Code commune INSEE", max_length=5)
    commune = forms.CharField(label="Commune")
    telephone = forms.CharField(label="Téléphone", required=False)
    courriel = forms.CharField(label="Courriel", required=False)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def record(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
        return {
            "source": SOURCE,
            "id": f"{SOURCE}--{uuid.uuid4().hex[:12]}",
            "date_maj": date.today().isoformat(),
            **data,
        }


class ServiceForm(SchemaForm):
    kind = "services"
    structure = forms.ModelChoiceField(label="Structure", queryset=OfferStructure.objects.none())
    nom = forms.CharField(label="Nom du service", max_length=150)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 3}))
    thematiques = forms.MultipleChoiceField(label="Thématiques", choices=[(t.value, t.label) for t in Thematique])
    publics = forms.MultipleChoiceField(label="Publics", choices=[(p.value, p.label) for p in Public], required=False)
    modes_accueil = forms.MultipleChoiceField(
        label="Modes d'accueil", choices=[(m.value, m.label) for m in ModeAccueil], required=False
    )
    telephone = forms.CharField(label="Téléphone", required=False)
    courriel = forms.CharField(label="Courriel", required=False)

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures

    def record(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None, [])}
        structure = data.pop("structure")
        return {
            "source": SOURCE, "id": f"{SOURCE}--service-{uuid.uuid4().hex[:12]}", "structure_id": structure.id,
            "date_maj": date.today().isoformat(), "commune": structure.data.get("commune"),
            "code_insee": structure.code_insee or None, "code_postal": structure.code_postal or None,
            "adresse": structure.data.get("adresse"), **data,
        }  # fmt: skip
