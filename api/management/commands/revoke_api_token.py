from django.core.management.base import BaseCommand, CommandError

from api.models import ApiToken


class Command(BaseCommand):
    help = "Révoque les jetons d'API d'un compte (tous, ou celui d'un client) ; ils ne donnent plus aucun accès."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--nom", help="nom du client dont le jeton est révoqué (par défaut : tous)")

    def handle(self, *args, username, nom, **options):
        tokens = ApiToken.objects.filter(user__username=username, revoked_at__isnull=True)
        if nom:
            tokens = tokens.filter(name=nom)
        if not tokens.exists():
            raise CommandError(f"Aucun jeton actif pour « {username} »" + (f" et le client « {nom} »." if nom else "."))
        for token in tokens:
            token.revoke()
            self.stdout.write(f"Jeton révoqué : {token}")
