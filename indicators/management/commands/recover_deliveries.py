from django.core.management.base import BaseCommand

from indicators.recovery import recover_interrupted


class Command(BaseCommand):
    help = "Au démarrage : livraisons interrompues marquées refusées, fichiers bruts restants supprimés."

    def handle(self, *args, **options):
        result = recover_interrupted()
        self.stdout.write(
            f"Livraisons interrompues : {result.deliveries} ; dossiers de réception supprimés : {result.folders}."
        )
