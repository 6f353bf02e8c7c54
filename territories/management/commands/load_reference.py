from django.core.management.base import BaseCommand

from territories.loading import load_reference_data


class Command(BaseCommand):
    help = (
        "Charge (ou met à jour) les régions, départements, collectivités et statistiques RSA, et crée les campagnes "
        "de référence absentes (campagne 2024). Idempotent."
    )

    def handle(self, *args, **options):
        from campaigns.loading import load_reference_campaigns

        report = load_reference_data()
        campaigns = load_reference_campaigns()
        created = ", ".join(f"{n} {kind}" for kind, n in report.created.items()) or "rien"
        updated = ", ".join(f"{n} {kind}" for kind, n in report.updated.items()) or "rien"
        self.stdout.write(
            f"Données de référence : créé {created} ; mis à jour {updated} ; campagnes créées : {campaigns}."
        )
