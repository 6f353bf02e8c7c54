from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.models import ApiToken


class Command(BaseCommand):
    help = "Crée un jeton d'API pour un compte ; le jeton n'est affiché qu'une fois."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--nom", default="client", help="nom du client (système d'information)")

    def handle(self, *args, username, nom, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Aucun compte actif « {username} ».")
        _, key = ApiToken.issue(user=user, name=nom)
        self.stdout.write(key)
