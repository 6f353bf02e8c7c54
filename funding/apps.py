from django.apps import AppConfig


class FundingConfig(AppConfig):
    """The money rules are declared with each step in conventions/lifecycle.py (TRANSITIONS, AMENDMENT_STEPS)."""

    name = "funding"
    verbose_name = "Financement"
