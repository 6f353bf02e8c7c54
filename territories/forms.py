from django import forms

from territories.models import Collectivity
from territories.services import SIGNATORIES


class SignatoriesForm(forms.ModelForm):
    """lock_version: the version of the signatories the page shows, so that a change made meanwhile by someone else
    is refused (territories.services.signatories_update)."""

    lock_version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "La page ne dit pas quelle version des signataires elle montrait : rien n'a été enregistré, "
            "rechargez la page avant d'enregistrer.",
            "invalid": "La version des signataires envoyée n'est pas un nombre : rien n'a été enregistré, rechargez "
            "la page avant d'enregistrer.",
        },
    )

    class Meta:
        model = Collectivity
        fields = list(SIGNATORIES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = self.instance.lock_version
