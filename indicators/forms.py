from django import forms

from indicators.engine import months


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
            "rendez_vous, contrats_engagement, diagnostics, activites, emplois, satisfaction), en CSV ou Parquet ; "
            "à la place de situations_mensuelles, les flux mensuels bénéficiaires RSA de la CAF ou de la MSA (XML). "
            "512 Mio au plus."
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
