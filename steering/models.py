import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from territories.models import Collectivity


class SharedLink(models.Model):
    """A read-only link to the aggregated indicators of a collectivité (R-IND-06): no account needed,
    expiring and revocable; the URL carries a random token signed by the platform."""

    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    collectivity = models.ForeignKey(Collectivity, on_delete=models.CASCADE, related_name="shared_links")
    label = models.CharField("destinataires", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="créé par")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("expire le")
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revoked_shared_links",
        verbose_name="révoqué par",
    )

    class Meta:
        verbose_name = "lien de partage"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Lien {self.collectivity} – {self.label}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
