from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, seed_demo_accounts
from campaigns.demo import seed_demo_campaign
from conventions.demo import seed_demo_conventions
from funding.demo import add_demo_plan, pay_demo_advances, seed_demo_funding
from indicators.demo import ingest_demo, write_demo_extracts, write_demo_uploads
from indicators.models import Delivery
from offer.demo import seed_demo_offer
from territories.models import Collectivity

DEMO_COLLECTIVITIES = ["01D", "38D", "59D", "02D"]


class Command(BaseCommand):
    help = "Crée les données de démonstration (fictives) : comptes de chaque rôle dans deux régions."

    def handle(self, *args, **options):
        call_command("load_reference", verbosity=0)
        users = seed_demo_accounts()
        self.stdout.write("Comptes de démonstration (données fictives) :")
        for user in users:
            self.stdout.write(f"  {user.username:<14} {user.get_role_display():<36} {user.scope_label}")
        self.stdout.write(f"Mot de passe de tous les comptes : {DEMO_PASSWORD}")
        seed_demo_funding()
        for convention in seed_demo_conventions(prepare=add_demo_plan):
            if convention.state == "en_execution":
                pay_demo_advances(convention)
            self.stdout.write(f"{convention} : {convention.get_state_display().lower()} (fictive).")
        triennial = seed_demo_campaign()
        self.stdout.write(
            f"{triennial} ({triennial.start_date.year}–{triennial.end_date.year}) : "
            f"{triennial.get_state_display().lower()}, avances de la première année payées (fictive)."
        )
        for seed, code in enumerate(DEMO_COLLECTIVITIES):
            collectivity = Collectivity.objects.get(code=code)
            if not Delivery.objects.accepted().filter(collectivity=collectivity).exists():
                delivery = ingest_demo(collectivity, seed)
                self.stdout.write(f"Livraison fictive {collectivity.name} : {delivery.get_status_display().lower()}.")
        offer_file = seed_demo_offer(settings.BASE_DIR / "var" / "demo")
        self.stdout.write(
            f"Offre fictive de l'Ain référencée ; export data·inclusion à réimporter : {offer_file} ; "
            f"export DORA à importer : {offer_file.parent / 'export-dora-ain.zip'}"
        )
        faulty, corrected = write_demo_uploads(Collectivity.objects.get(code="01D"), settings.BASE_DIR / "var" / "demo")
        self.stdout.write(f"Fichiers à déposer pour essayer (compte cd-01) : {faulty} puis {corrected}")
        extracts = write_demo_extracts(Collectivity.objects.get(code="01D"), settings.BASE_DIR / "var" / "demo")
        self.stdout.write(
            "Extractions d'un logiciel départemental, à lire par une correspondance de colonnes (page « Livraisons »"
            f", lien « correspondance de colonnes ») puis à déposer telles quelles : {', '.join(map(str, extracts))}"
        )
