from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.models import TOKEN_DAYS, ApiToken


class Command(BaseCommand):
    help = "Crée un jeton d'API pour un compte ; le jeton n'est affiché qu'une fois."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--nom", default="client", help="nom du client (système d'information)")
        parser.add_argument("--jours", type=int, default=TOKEN_DAYS, help="durée de validité en jours")

    def handle(self, *args, username, nom, jours, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Aucun compte actif « {username} ».")
        if not 1 <= jours <= 3 * TOKEN_DAYS:
            raise CommandError(f"Durée de validité refusée : entre 1 et {3 * TOKEN_DAYS} jours.")
        _, key = ApiToken.issue(user=user, name=nom, days=jours)
        self.stdout.write(key)
