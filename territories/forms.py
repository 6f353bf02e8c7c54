from django import forms

from territories.models import Collectivity


class SignatoriesForm(forms.ModelForm):
    class Meta:
        model = Collectivity
        fields = ["president_name", "prefect_name", "contact_email"]
