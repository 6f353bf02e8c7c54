from django.core.management.base import BaseCommand

from territories.loading import load_reference_data


class Command(BaseCommand):
    help = "Charge (ou met à jour) les régions, départements, collectivités et statistiques RSA. Idempotent."

    def handle(self, *args, **options):
        report = load_reference_data()
        created = ", ".join(f"{n} {kind}" for kind, n in report.created.items()) or "rien"
        updated = ", ".join(f"{n} {kind}" for kind, n in report.updated.items()) or "rien"
        self.stdout.write(f"Données de référence : créé {created} ; mis à jour {updated}.")
