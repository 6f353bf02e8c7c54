from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, seed_demo_accounts


class Command(BaseCommand):
    help = "Crée les données de démonstration (fictives) : comptes de chaque rôle dans deux régions."

    def handle(self, *args, **options):
        call_command("load_reference", verbosity=0)
        users = seed_demo_accounts()
        self.stdout.write("Comptes de démonstration (données fictives) :")
        for user in users:
            self.stdout.write(f"  {user.username:<14} {user.get_role_display():<36} {user.scope_label}")
        self.stdout.write(f"Mot de passe de tous les comptes : {DEMO_PASSWORD}")
