from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from indicators.engine import intensive_pathways, months, plein_emploi, volet2, volet3
from indicators.engine.csv_output import write_table
from indicators.engine.reading import DeliveryError, read_delivery
from indicators.engine.runners import make_runner
from indicators.engine.tables import intensive_pathways_table, plein_emploi_table, volet2_table, volet3_table


def month_argument(text: str):
    try:
        return months.parse(text)
    except ValueError:
        raise CommandError(f"mois invalide « {text} » (attendu AAAA-MM)") from None


TABLES = {
    "2": (volet2.COLUMNS, volet2_table),
    "3": (volet3.COLUMNS, volet3_table),
    "plein-emploi": (plein_emploi.COLUMNS, plein_emploi_table),
    "parcours-intensifs": (intensive_pathways.COLUMNS, intensive_pathways_table),
}


class Command(BaseCommand):
    help = (
        "Calcule les indicateurs d'une livraison (dossier ou zip) et écrit la table en CSV (séparateur ;). "
        "Volet 2 : colonnes de l'annexe 4 §4 ; volet 3 : voir docs/indicators.md ; plein-emploi : délais de la "
        "loi pour le plein emploi (orientation en six semaines, contrat d'engagement en un mois) ; "
        "parcours-intensifs : nouveaux parcours d'accompagnement intensif par mois."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", help="dossier (ou archive zip) de la livraison")
        parser.add_argument(
            "--livraison",
            type=int,
            help="numéro d'une livraison acceptée : ses tables pseudonymisées enregistrées, lues à leur emplacement "
            "(par le cluster avec --engine spark, voir INDICATORS_SPARK_DATA_URL)",
        )
        parser.add_argument("--from", dest="first", required=True, help="premier mois, AAAA-MM")
        parser.add_argument("--to", dest="last", required=True, help="dernier mois, AAAA-MM")
        parser.add_argument("--volet", choices=list(TABLES), required=True)
        parser.add_argument("--output", required=True, help="fichier CSV à écrire")
        parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")

    def handle(self, *args, **options):
        first, last = month_argument(options["first"]), month_argument(options["last"])
        if first > last:
            raise CommandError("--from doit précéder --to")
        if (options["source"] is None) == (options["livraison"] is None):
            raise CommandError("indiquez soit le dossier d'une livraison, soit --livraison N")
        runner = self._stored(options) if options["livraison"] else self._read(options)
        try:
            columns, table = TABLES[options["volet"]]
            rows = table(runner, first, last)
        finally:
            runner.close()
        with open(options["output"], "w", encoding="utf-8", newline="") as handle:
            write_table(handle, columns, rows)
        self.stdout.write(f"{len(rows)} mois écrits dans {options['output']} (moteur {options['engine']}).")

    def _read(self, options):
        try:
            delivery = read_delivery(options["source"], key=settings.PSEUDONYMISATION_KEY.encode())
        except DeliveryError as error:
            raise CommandError("Livraison refusée :\n" + error.summary()) from None
        for warning in delivery.warnings:
            self.stderr.write(f"Avertissement : {warning}")
        options_of_engine = {}
        if options["engine"] == "duckdb":
            settings.INDICATORS_DUCKDB_TEMP_DIR.mkdir(parents=True, exist_ok=True)
            options_of_engine = {
                "memory_limit": settings.INDICATORS_DUCKDB_MEMORY_LIMIT,
                "temp_directory": str(settings.INDICATORS_DUCKDB_TEMP_DIR),
            }
        return make_runner(options["engine"], delivery.tables, **options_of_engine)

    def _stored(self, options):
        from indicators import storage
        from indicators.models import Delivery

        number = options["livraison"]
        if not Delivery.objects.accepted().filter(pk=number).exists() or not storage.table_paths(number):
            raise CommandError(f"livraison n° {number} : pas de livraison acceptée de ce numéro")
        if options["engine"] == "spark":
            return storage.spark_runner(number)
        return storage.duckdb_runner(number)
