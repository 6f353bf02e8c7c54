from django import forms

from indicators.engine import column_mapping, months
from indicators.engine.schema import FILES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class DeliveryUploadForm(forms.Form):
    files = MultipleFileField(
        label="Fichiers de la livraison",
        help_text=(
            "Une archive zip, ou les fichiers situations_mensuelles et orientations (et, pour le volet 3, "
            "rendez_vous, contrats_engagement, diagnostics, activites, emplois, satisfaction), "
            "en CSV, Parquet, XLSX ou ODS ; "
            "à la place de situations_mensuelles, les flux mensuels bénéficiaires RSA de la CAF ou de la MSA (XML) ; "
            "ou vos propres extractions (XLSX, ODS, CSV) une fois leur correspondance de colonnes enregistrée. "
            "8 Gio au plus, 6 Gio par fichier."
        ),
    )


class MonthInput(forms.TextInput):
    input_type = "month"


MAX_PERIOD_MONTHS = 36


class PeriodForm(forms.Form):
    """The period of a synthesis for the comité pour l'emploi: two months, AAAA-MM."""

    du = forms.CharField(label="Du mois", widget=MonthInput, help_text="Format : AAAA-MM")
    au = forms.CharField(label="Au mois", widget=MonthInput, help_text="Format : AAAA-MM")

    def _month(self, name: str):
        text = self.cleaned_data[name].strip()
        try:
            return months.parse(text)
        except ValueError:
            raise forms.ValidationError(
                f"mois invalide « {text[:20]} » : attendu AAAA-MM, par exemple 2025-03"
            ) from None

    def clean_du(self):
        return self._month("du")

    def clean_au(self):
        return self._month("au")

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("du"), cleaned.get("au")
        if first and last:
            if first > last:
                self.add_error("au", "le dernier mois doit suivre le premier")
            elif months.index(last) - months.index(first) + 1 > MAX_PERIOD_MONTHS:
                self.add_error("au", f"une synthèse couvre {MAX_PERIOD_MONTHS} mois au plus")
        return cleaned


def _file_choices():
    return [(name, name) for name in FILES]


class MappingSampleForm(forms.Form):
    """The first step of a column mapping: a sample of the extract and the file of the format it stands for."""

    file = forms.ChoiceField(label="Fichier du format qu'il remplace", choices=_file_choices)
    sample = forms.FileField(
        label="Un fichier d'exemple de votre extraction",
        help_text="CSV, XLSX, ODS ou Parquet. Seuls son en-tête et ses premières lignes sont lus ; rien n'en est "
        "conservé et les valeurs qui pourraient être des identifiants sont masquées.",
    )

    def clean_sample(self):
        sample = self.cleaned_data["sample"]
        if not sample.name.lower().endswith(SAMPLE_SUFFIXES):
            raise forms.ValidationError(f"{sample.name} : format non accepté (csv, xlsx, ods ou parquet)")
        if sample.size > MAX_SAMPLE_BYTES:
            raise forms.ValidationError(f"{sample.name} : fichier d'exemple de plus de 50 Mio, déposez-en un extrait")
        return sample


SAMPLE_SUFFIXES = (".csv", ".xlsx", ".ods", ".parquet")
MAX_SAMPLE_BYTES = 50 * 1024 * 1024


class ColumnMappingForm(forms.Form):
    """The second step: for each column of the format, the extract's header that holds it."""

    file = forms.ChoiceField(choices=_file_choices, widget=forms.HiddenInput)
    header = forms.JSONField(widget=forms.HiddenInput)
    # the saved mapping's last change when the page was opened (mappings.version): a change since is refused
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, spec, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        options = [("", "— aucune —")] + [(cell, cell) for cell in header if cell.strip()]
        for column in spec.columns:
            self.fields[self.field_name(column.name)] = forms.ChoiceField(
                label=column.name,
                required=False,
                choices=options,
                help_text="obligatoire" if column.required else "facultative",
                widget=forms.Select(attrs={"class": "fr-select"}),
            )
        for column in column_mapping.mappable(spec):
            self.fields[self.values_name(column.name)] = forms.CharField(
                label=f"Valeurs de l'extraction pour « {column.name} »",
                required=False,
                strip=False,
                help_text="Une par ligne : « valeur de l'extraction = valeur du format ». Valeurs du format : "
                + ", ".join(column_mapping.accepted(column))
                + ". Les valeurs déjà au format n'ont pas à être écrites.",
                widget=forms.Textarea(attrs={"class": "fr-input", "rows": 3}),
            )

    @staticmethod
    def field_name(column: str) -> str:
        return f"colonne_{column}"

    @staticmethod
    def values_name(column: str) -> str:
        return f"valeurs_{column}"

    def clean(self):
        cleaned = super().clean()
        self.translations = {}
        for column in column_mapping.mappable(self.spec):
            table, problems = column_mapping.parse_values(cleaned.get(self.values_name(column.name)) or "", column)
            for problem in problems:
                self.add_error(None, problem)
            self.translations[column.name] = table
        return cleaned

    def columns(self) -> dict[str, str]:
        return {c.name: self.cleaned_data.get(self.field_name(c.name)) or "" for c in self.spec.columns}

    def values(self) -> dict[str, dict[str, str]]:
        return self.translations
