"""Receiving a delivery and turning it into stored indicator results.

receive_delivery() keeps the upload in a reception folder just long enough for the background task;
process_delivery() (the task's body) validates everything, stores the pseudonymised tables, computes
every table, and saves the results in one transaction. The reception folder is deleted whatever happens.
"""

import hashlib
import logging
import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from indicators import identifiers, mappings, storage
from indicators.caf_flow import FlowError
from indicators.caf_flow import convert as convert_flows
from indicators.engine import intensive_pathways, months, organisms, plein_emploi, volet2, volet3
from indicators.engine.reading import DeliveryError, Issue, read_delivery
from indicators.engine.tables import (
    intensive_pathways_table,
    organisms_table,
    plein_emploi_table,
    volet2_table,
    volet3_table,
)
from indicators.models import Delivery, DeliveryStatus, IndicatorResult, IndicatorTable, ListedIdentifier
from indicators.results import worklist_rows
from notifications import events
from territories.models import Collectivity

logger = logging.getLogger(__name__)

# a national delivery in CSV is about 2.6 GB (reading.MAX_FILE_BYTES: 6 GiB a file)
MAX_UPLOAD_BYTES = 8 * 1024 * 1024 * 1024
ACCEPTED_SUFFIXES = (".zip", ".csv", ".parquet", ".xml", ".xlsx", ".ods")


class UploadRefused(Exception):
    pass


def receive_delivery(*, collectivity, user, files) -> Delivery:
    """Keep the uploaded files (a zip, or the CSV, Parquet, spreadsheet or CAF/MSA flow files) for the task."""
    if not files:
        raise UploadRefused("Aucun fichier n'a été déposé.")
    for uploaded in files:
        if not uploaded.name.lower().endswith(ACCEPTED_SUFFIXES):
            raise UploadRefused(
                f"{uploaded.name} : format non accepté (zip, csv, parquet, xlsx, ods ou flux CAF/MSA en xml)."
            )
    total = sum(uploaded.size for uploaded in files)
    if total > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            f"Dépôt trop volumineux : {total // 1024**2} Mio pour une limite de {MAX_UPLOAD_BYTES // 1024**3} Gio."
        )
    names = [_safe_name(f.name).lower() for f in files]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise UploadRefused(f"Deux fichiers déposés portent le même nom : {', '.join(twice)}.")
    if len(files) > 1 and any(f.name.lower().endswith(".zip") for f in files):
        raise UploadRefused("Déposez soit une archive zip, soit les fichiers de la livraison, pas les deux.")

    token = uuid.uuid4().hex
    folder = storage.reception_folder(token)
    folder.mkdir(parents=True)
    digest = hashlib.sha256()
    for uploaded in sorted(files, key=lambda f: f.name):
        with open(folder / _safe_name(uploaded.name), "wb") as handle:
            for chunk in uploaded.chunks():
                digest.update(chunk)
                handle.write(chunk)
    delivery = Delivery.objects.create(
        collectivity=collectivity,
        uploaded_by=user,
        source_name=", ".join(f.name for f in files)[:255],
        checksum=digest.hexdigest(),
        size_bytes=total,
        step="En attente de traitement",
        reception_token=token,
    )
    from indicators.tasks import process_delivery_task

    process_delivery_task.enqueue(delivery.pk, token)
    delivery.refresh_from_db()
    return delivery


def _safe_name(name: str) -> str:
    return name.replace("/", "_").replace("\\", "_").lstrip(".") or "fichier"


def _progress(delivery: Delivery, percent: int, step: str, status=DeliveryStatus.RUNNING):
    delivery.progress, delivery.step, delivery.status = percent, step, status
    delivery.save(update_fields=["progress", "step", "status"])


def process_delivery(delivery_id: int, token: str) -> None:
    delivery = Delivery.objects.select_related("collectivity").get(pk=delivery_id)
    if delivery.finished:  # idempotent: a task run twice does nothing the second time
        storage.remove(storage.reception_folder(token))
        return
    folder = storage.reception_folder(token)
    try:
        _progress(delivery, 10, "Lecture et validation des fichiers")
        source = _source_in(folder)
        try:
            converted = _convert_caf_flows(folder)
            tables = read_delivery(
                source,
                key=settings.PSEUDONYMISATION_KEY.encode(),
                keep_identifiers=identifiers.enabled(),
                mappings=mappings.rules_of(delivery.collectivity),
            )
            tables.warnings[:0] = converted
        except DeliveryError as error:
            _refuse(delivery, error)
            return
        _progress(delivery, 50, "Pseudonymisation terminée, enregistrement des tables")
        storage.save_tables(delivery.pk, tables)
        first, last = tables.months()
        tables.release()
        _progress(delivery, 70, "Calcul des indicateurs")
        runner = storage.duckdb_runner(delivery.pk)
        try:
            results = compute_results(delivery, runner, first, last)
            listed = _listed_identifiers(delivery, tables, runner, last)
        finally:
            runner.close()
        _accept(delivery, tables, first, last, results, listed)
    except Exception:
        logger.exception("Échec du traitement de la livraison %s", delivery_id)
        storage.remove(storage.delivery_folder(delivery.pk))
        delivery.status, delivery.step = DeliveryStatus.REFUSED, "Erreur interne pendant le traitement"
        delivery.issues = ["Erreur interne pendant le traitement : la livraison n'a pas été enregistrée."]
        delivery.finished_at = timezone.now()
        delivery.save()
        raise
    finally:
        storage.remove(folder)


def _convert_caf_flows(folder) -> list[str]:
    """CAF/MSA monthly flows (XML) uploaded beside the other files become situations_mensuelles.csv, T0 being
    each flow's creation date (indicators.caf_flow); the XML files are then removed. A flow that cannot be
    converted refuses the delivery."""
    flows = sorted(path for path in folder.iterdir() if path.suffix.lower() == ".xml")
    if not flows:
        return []
    target = folder / "situations_mensuelles.csv"
    if target.exists():
        message = "déposé avec des flux CAF/MSA, qui le remplacent : déposez l'un ou l'autre"
        raise DeliveryError([Issue("situations_mensuelles.csv", None, None, None, message)])
    try:
        with target.open("w", encoding="utf-8", newline="") as handle:
            report = convert_flows(flows, handle)
    except FlowError as error:
        raise DeliveryError([Issue(error.file, error.line, error.tag, None, error.message)]) from None
    finally:
        for flow in flows:
            flow.unlink()
    return [f"Flux CAF/MSA ({', '.join(flow.name for flow in flows)}) : {line}" for line in report.lines()]


def _source_in(folder):
    files = sorted(folder.iterdir())
    if len(files) == 1 and files[0].suffix.lower() == ".zip":
        return files[0]
    return folder


def _refuse(delivery: Delivery, error: DeliveryError) -> None:
    delivery.status = DeliveryStatus.REFUSED
    delivery.progress, delivery.step = 100, "Livraison refusée : rien n'a été enregistré"
    delivery.issues = [str(issue) for issue in error.issues]
    delivery.issues_truncated = error.truncated
    delivery.finished_at = timezone.now()
    delivery.save()
    events.delivery_done(delivery)


def _json(values: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items() if k != "mois"}


def compute_results(delivery: Delivery, runner, first: date, last: date) -> list[IndicatorResult]:
    results = []
    for table, version, rows in (
        (IndicatorTable.VOLET2, volet2.VERSION, volet2_table(runner, first, last)),
        (IndicatorTable.VOLET3, volet3.VERSION, volet3_table(runner, first, last)),
        (IndicatorTable.PLEIN_EMPLOI, plein_emploi.VERSION, plein_emploi_table(runner, first, last)),
        (
            IndicatorTable.INTENSIVE_PATHWAYS,
            intensive_pathways.VERSION,
            intensive_pathways_table(runner, first, last),
        ),
    ):
        for row in rows:
            results.append(
                IndicatorResult(
                    collectivity=delivery.collectivity,
                    delivery=delivery,
                    table=table,
                    month=months.parse(row["mois"]),
                    version=version,
                    values=_json(row),
                )
            )
    for year in range(first.year, last.year + 1):
        if first <= date(year, 12, 1) <= last:
            rows = organisms_table(runner, year)
            results.append(
                IndicatorResult(
                    collectivity=delivery.collectivity,
                    delivery=delivery,
                    table=IndicatorTable.ORGANISMS,
                    month=date(year, 12, 1),
                    version=organisms.VERSION,
                    values={"lignes": [_json(row) for row in rows]},
                )
            )
    return results


def _listed_identifiers(delivery: Delivery, tables, runner, last: date) -> list:
    """The encrypted identifiers of the persons on the delivery's work list, when they are kept; the raw
    identifiers read are forgotten here either way."""
    if tables.pseudonymiser is None:
        return []
    rows, _ = worklist_rows(runner, last)
    raw = tables.pseudonymiser.raw_of(row["personne"] for row in rows)
    tables.pseudonymiser.forget()
    return identifiers.sealed(raw, delivery)


@transaction.atomic
def _accept(delivery, tables, first, last, results, listed=()) -> None:
    """Save everything at once; deliveries uploaded earlier and covering the same months are replaced. A
    delivery uploaded later and already accepted wins: whatever the order the processing ends in, the last
    upload is the one that counts (the collectivité's row serialises the acceptances)."""
    Collectivity.objects.select_for_update().get(pk=delivery.collectivity_id)
    overlapping = list(
        Delivery.objects.select_for_update()
        .accepted()
        .filter(collectivity=delivery.collectivity, first_month__lte=last, last_month__gte=first)
        .exclude(pk=delivery.pk)
    )
    newer = [other for other in overlapping if other.pk > delivery.pk]
    if newer:
        delivery.status, delivery.replaced_by = DeliveryStatus.REPLACED, max(newer, key=lambda d: d.pk)
        delivery.progress, delivery.step = 100, "Remplacée par une livraison déposée après elle"
        delivery.first_month, delivery.last_month = first, last
        delivery.row_counts, delivery.warnings = tables.row_counts(), tables.warnings
        delivery.finished_at = timezone.now()
        delivery.save()
        transaction.on_commit(lambda: storage.remove(storage.delivery_folder(delivery.pk)))
        return
    replaced = overlapping
    IndicatorResult.objects.filter(delivery__in=replaced).delete()
    IndicatorResult.objects.filter(collectivity=delivery.collectivity, month__gte=first, month__lte=last).delete()
    IndicatorResult.objects.bulk_create(results)
    for old in replaced:
        old.status, old.replaced_by = DeliveryStatus.REPLACED, delivery
        old.save(update_fields=["status", "replaced_by"])
        transaction.on_commit(lambda old_id=old.pk: storage.remove(storage.delivery_folder(old_id)))
    delivery.status = DeliveryStatus.ACCEPTED
    delivery.progress, delivery.step = 100, "Livraison acceptée, indicateurs calculés"
    delivery.first_month, delivery.last_month = first, last
    delivery.row_counts = tables.row_counts()
    delivery.warnings = tables.warnings
    delivery.finished_at = timezone.now()
    delivery.save()
    identifiers.forget_other_deliveries(delivery)
    ListedIdentifier.objects.bulk_create(listed)
    events.delivery_done(delivery)
