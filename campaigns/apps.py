from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    """The campaigns of the contractualisation: the rules, deadlines and model text of the conventions of their
    years, as data (2024 from the reference data, later ones created by the DGEFP)."""

    name = "campaigns"
    verbose_name = "Campagnes de contractualisation"
