"""Named write functions of the campaigns: a new campaign (and its model text) created by the DGEFP."""

from django.db import transaction

from campaigns import model_texts, rules
from campaigns.models import Campaign, ModelText


class CampaignRefused(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@transaction.atomic
def campaign_create(*, values: dict, model_text: ModelText | None, upload: tuple[str, str] | None, by) -> Campaign:
    """A campaign for years no other campaign has; its model text an existing one or an uploaded file
    (`upload`: name, text), checked (`model_texts.refusals`). All or nothing."""
    existing = list(Campaign.objects.select_for_update())
    errors = rules.overlap_refusals(values["first_year"], values["last_year"], existing)
    if upload is not None:
        filename, text = upload
        errors += model_texts.refusals(text, filename)
    elif model_text is None:
        errors.append("Choisissez le modèle de convention de la campagne, ou déposez-en le texte.")
    if errors:
        raise CampaignRefused(errors)
    if upload is not None:
        filename, text = upload
        name = f"Modèle de la campagne {values['first_year']}–{values['last_year']} ({filename})"
        model_text = ModelText.objects.create(name=name, text=text, sha256=model_texts.sha256(text), created_by=by)
    return Campaign.objects.create(**values, model_text=model_text, created_by=by)
