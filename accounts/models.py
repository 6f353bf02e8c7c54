from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from territories.models import Collectivity, Departement, Region


class Role(models.TextChoices):
    DGEFP = "dgefp", "DGEFP (national)"
    DREETS = "dreets", "DREETS (région)"
    DDETS = "ddets", "DDETS / préfecture (département)"
    DEPARTMENTAL_COUNCIL = "conseil_departemental", "Conseil départemental"
    FRANCE_TRAVAIL = "france_travail", "France Travail"


# Which scope field each role needs: the territory its rights are limited to.
SCOPE_OF_ROLE = {
    Role.DGEFP: None,
    Role.DREETS: "region",
    Role.DDETS: "departement",
    Role.DEPARTMENTAL_COUNCIL: "collectivity",
    Role.FRANCE_TRAVAIL: "departement",  # optional: without it, national
}


class User(AbstractUser):
    role = models.CharField("rôle", max_length=30, choices=Role.choices)
    region = models.ForeignKey(Region, verbose_name="région", on_delete=models.PROTECT, null=True, blank=True)
    departement = models.ForeignKey(
        Departement, verbose_name="département", on_delete=models.PROTECT, null=True, blank=True
    )
    collectivity = models.ForeignKey(
        Collectivity, verbose_name="collectivité", on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        verbose_name = "utilisateur"
        constraints = [
            # A user's territorial scope matches its role; nothing grants wider rights by omission.
            models.CheckConstraint(
                name="user_scope_matches_role",
                condition=(
                    Q(role=Role.DGEFP, region=None, departement=None, collectivity=None)
                    | Q(role=Role.DREETS, region__isnull=False, departement=None, collectivity=None)
                    | Q(role=Role.DDETS, region=None, departement__isnull=False, collectivity=None)
                    | Q(
                        role=Role.DEPARTMENTAL_COUNCIL,
                        region=None,
                        departement=None,
                        collectivity__isnull=False,
                    )
                    | Q(role=Role.FRANCE_TRAVAIL, region=None, collectivity=None)
                    | Q(role="", is_superuser=True)
                ),
            ),
            models.UniqueConstraint(fields=["email"], condition=~Q(email=""), name="unique_email_when_set"),
        ]

    def clean(self):
        super().clean()
        needed = SCOPE_OF_ROLE.get(self.role)
        for field in ("region", "departement", "collectivity"):
            value = getattr(self, field)
            if field == needed and value is None and self.role != Role.FRANCE_TRAVAIL:
                raise ValidationError({field: "Ce rôle est rattaché à un territoire : renseignez-le."})
            if field != needed and value is not None:
                raise ValidationError({field: "Ce rôle n'est pas rattaché à ce type de territoire."})

    @property
    def display_name(self) -> str:
        """How the pages, messages and histories name the person: full name, else username."""
        return self.get_full_name() or self.username

    @property
    def scope_label(self) -> str:
        if self.role == Role.DGEFP:
            return "National"
        if self.role == Role.FRANCE_TRAVAIL and self.departement is None:
            return "National (lecture seule)"
        territory = self.region or self.departement or self.collectivity
        return str(territory) if territory else ""
