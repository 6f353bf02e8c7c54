"""What a person is told: an in-app notice (the inbox) and, per their preferences, the same by e-mail."""

from django.conf import settings
from django.db import models


class NotificationKind(models.TextChoices):
    """Each event that asks someone to act."""

    STEP = "etape", "Étape d'une convention"
    NEGOTIATION = "negociation", "Négociation du plan de financement"
    CEILINGS = "plafonds", "Pré-notification des plafonds"
    PAYMENT = "versement", "Versements"
    DELIVERY = "livraison", "Livraisons de données"
    DEADLINE = "echeance", "Rappels : échéances proches ou dépassées, tâches à faire"


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField("type", max_length=20, choices=NotificationKind.choices)
    subject = models.CharField("objet", max_length=200)
    body = models.TextField("message")
    url = models.CharField("lien", max_length=300, blank=True)
    # A reminder is sent once per key (« echeance:12:Signature:depassee:2024-03-31 »); empty for events.
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField("reçu le", auto_now_add=True)
    read_at = models.DateTimeField("lu le", null=True, blank=True)
    emailed_at = models.DateTimeField("envoyé par courriel le", null=True, blank=True)

    class Meta:
        verbose_name = "notification"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~models.Q(key=""), name="one_reminder_per_key"
            )
        ]

    def __str__(self):
        return self.subject


class Preference(models.Model):
    """Which kinds of notification a person also receives by e-mail (all by default); the inbox gets all."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    emailed_kinds = models.JSONField("reçus par courriel", default=list)

    class Meta:
        verbose_name = "préférence de notification"

    def __str__(self):
        return f"Préférences de {self.user}"


def emailed_kinds(user) -> set[str]:
    preference = Preference.objects.filter(user=user).first()
    return set(NotificationKind.values) if preference is None else set(preference.emailed_kinds)
