from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.caf_flow import FlowError, convert


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"date invalide « {text} » (attendu AAAA-MM-JJ)") from None


class Command(BaseCommand):
    help = (
        "Convertit les flux mensuels bénéficiaires RSA de la CAF ou de la MSA (XML, schéma vrsb0801, un fichier par "
        "mois) en fichier situations_mensuelles du format d'échange (CSV, séparateur ;). Voir docs/indicators.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("flux", nargs="+", help="fichiers XML des flux mensuels")
        parser.add_argument("--sortie", required=True, help="fichier CSV à écrire (situations_mensuelles.csv)")
        parser.add_argument(
            "--recu-le",
            action="append",
            default=[],
            type=day,
            help="date de réception de chaque flux par le département (T0), dans l'ordre des fichiers ; "
            "à défaut, la date de création du flux (DTCREAFLUX)",
        )

    def handle(self, *args, **options):
        paths = [Path(name) for name in options["flux"]]
        received = options["recu_le"]
        if received and len(received) != len(paths):
            raise CommandError(f"{len(received)} date(s) --recu-le pour {len(paths)} fichier(s) : une par fichier")
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path} : fichier introuvable")
        output = Path(options["sortie"])
        partial = output.with_name(output.name + ".partiel")
        try:
            with partial.open("w", encoding="utf-8", newline="") as handle:
                report = convert(paths, handle, received_on=dict(zip(paths, received, strict=False)))
        except FlowError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(str(error)) from None
        partial.replace(output)  # all or nothing: no half-written file under the expected name
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(f"Écrit : {output}")
