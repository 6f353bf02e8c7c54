"""The daily reminder run (scheduled by the production worker, e.g. cron at 7:00): deadlines within seven
days, and passed ones, each told once to whoever has to act (inbox, and e-mail per their preferences)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications.events import REMINDER_DAYS, send_reminders


class Command(BaseCommand):
    help = f"Rappels des échéances à {REMINDER_DAYS} jours et dépassées (à lancer chaque jour)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="jour de référence AAAA-MM-JJ (aujourd'hui par défaut)")

    def handle(self, *args, date=None, **options):
        from datetime import date as Date

        today = Date.fromisoformat(date) if date else timezone.localdate()
        sent = send_reminders(today)
        self.stdout.write(f"{sent} rappel{'s' if sent > 1 else ''} envoyé{'s' if sent > 1 else ''} ({today:%d/%m/%Y}).")
