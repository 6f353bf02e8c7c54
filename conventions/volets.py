"""The three volets of a convention (R-FIN-01): a type, not a number or a column name. Credits are not
fungible between volets, so every amount, check and balance is kept per volet."""

from django.db import models


class Volet(models.IntegerChoices):
    PROJECT_LEAD = 1, "Volet 1"
    LOCAL_SOLUTIONS = 2, "Volet 2"
    TERRITORIAL_DEPLOYMENT = 3, "Volet 3"

    @property
    def amount_field(self) -> str:
        """The convention's (and the avenant's) column holding this volet's amount."""
        return f"amount_volet{self.value}"

    @property
    def title(self) -> str:
        return TITLES[self]


TITLES = {
    Volet.PROJECT_LEAD: "Volet 1 – chefferie de projet",
    Volet.LOCAL_SOLUTIONS: "Volet 2 – offre de solutions locales",
    Volet.TERRITORIAL_DEPLOYMENT: "Volet 3 – déploiements territoriaux",
}


class VoletAmounts:
    """`convention.amounts[volet]`: the three amount columns of a model read and written per volet."""

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return {volet: getattr(instance, volet.amount_field) for volet in Volet}
