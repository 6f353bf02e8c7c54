from django import forms


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
            "rendez_vous, contrats_engagement, diagnostics, activites, emplois, satisfaction), en CSV ou Parquet. "
            "512 Mio au plus."
        ),
    )
