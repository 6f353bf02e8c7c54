from django.core.management.base import BaseCommand

from indicators.identifiers import purge_expired


class Command(BaseCommand):
    help = "Chaque jour : suppression des identifiants chiffrés des personnes à orienter conservés depuis trois mois."

    def handle(self, *args, **options):
        self.stdout.write(f"Identifiants chiffrés supprimés : {purge_expired()}.")
