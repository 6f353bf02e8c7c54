import hashlib
import secrets

from django.conf import settings
from django.db import models


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A machine client's token. Only its SHA-256 is stored; the token acts with its user's rights."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("nom du client", max_length=100)
    key_digest = models.CharField("empreinte", max_length=64, unique=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"

    def __str__(self):
        return f"{self.name} ({self.user})"

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        key = "cie_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, key_digest=digest(key)), key
