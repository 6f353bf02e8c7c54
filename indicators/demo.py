"""Demo deliveries: synthetic, fictitious data for the demo collectivités, ingested through the same
pipeline as an upload. Also leaves two zips to try the upload page: one with errors, one corrected."""

import shutil
import uuid
import zipfile
from datetime import date
from pathlib import Path

from django.conf import settings

from indicators import storage
from indicators.engine.synthetic import calibration_for, generate
from indicators.ingestion import process_delivery
from indicators.models import Delivery

DEMO_MAX_PERSONS = 4000


def demo_months() -> tuple[date, date]:
    """Two years of monthly data ending with the first reference campaign's year (2023-01 to 2024-12)."""
    from conventions.demo import first_reference_year

    year = first_reference_year()
    return date(year - 1, 1, 1), date(year, 12, 1)


def demo_delivery(collectivity, seed: int):
    codes = collectivity.departement_codes
    calibration = calibration_for(codes, settings.BASE_DIR / "territories" / "data")
    persons = min(calibration.persons, DEMO_MAX_PERSONS)
    calibration = type(calibration)(**{**calibration.__dict__, "persons": persons})
    first, last = demo_months()
    return generate(calibration, first=first, last=last, seed=seed)


def ingest_demo(collectivity, seed: int) -> Delivery:
    token = uuid.uuid4().hex
    folder = storage.reception_folder(token)
    demo_delivery(collectivity, seed).write_csv(folder)
    delivery = Delivery.objects.create(
        collectivity=collectivity,
        source_name="livraison de démonstration (données fictives)",
        checksum="0" * 64,
        size_bytes=sum(p.stat().st_size for p in folder.iterdir()),
    )
    process_delivery(delivery.pk, token)
    delivery.refresh_from_db()
    return delivery


def write_demo_uploads(collectivity, target: Path) -> tuple[Path, Path]:
    """A delivery with two errors (an unknown state, a date in a spreadsheet's format) and its fix."""
    target.mkdir(parents=True, exist_ok=True)
    work = target / "tmp"
    demo_delivery(collectivity, seed=99).write_csv(work, french=True)
    corrected = target / "livraison-corrigee.zip"
    faulty = target / "livraison-avec-erreurs.zip"
    _zip(work, corrected)
    situations = work / "situations_mensuelles.csv"
    lines = situations.read_text("cp1252").splitlines()
    lines[3] = lines[3].replace("versable", "payé")
    lines[7] = lines[7].replace("/20", "/2O", 1)
    situations.write_text("\r\n".join(lines) + "\r\n", "cp1252")
    _zip(work, faulty)
    shutil.rmtree(work)
    return faulty, corrected


# The demo's extracts as a département's software names their columns (one header, « Date réception (CAF) »,
# is in no synonym list: the mapping page leaves it to the user).
EXTRACT_HEADERS = {
    "situations_mensuelles": {
        "id_rsa": "N° CAF",
        "id_france_travail": "Identifiant France Travail",
        "mois": "Mois de droit",
        "etat_droit": "État du droit",
        "soumis_droits_devoirs": "Soumis aux droits et devoirs",
        "date_ouverture_droit": "Date d'ouverture du droit",
        "date_reception_notification": "Date réception (CAF)",
    },
    "orientations": {
        "id_rsa": "Code individu IODAS",
        "date_notification": "Date début orientation",
        "parcours": "Type de parcours",
        "type_organisme": "Type de structure",
        "organisme_referent": "Structure référente",
        "accompagnement_global": "Accompagnement global",
        "date_rdv_orientation": "Date du rendez-vous d'orientation",
        "presence_rdv_orientation": "Présence au rendez-vous d'orientation",
        "date_fin_suivi": "Date fin orientation",
    },
}


def write_demo_extracts(collectivity, target: Path) -> list[Path]:
    """The demo delivery's two required files as XLSX extracts with the headers of a département's software, to
    try the column mapping page, then the upload of the extracts as they are."""
    import csv

    import openpyxl

    work = target / "tmp-extraits"
    demo_delivery(collectivity, seed=99).write_csv(work, french=True)
    paths = []
    for name, headers in EXTRACT_HEADERS.items():
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("Extraction")
        with open(work / f"{name}.csv", encoding="cp1252", newline="") as handle:
            rows = csv.reader(handle, delimiter=";")
            sheet.append([headers.get(column, column) for column in next(rows)])
            for row in rows:
                sheet.append(row)
        paths.append(target / f"extraction-iodas-{name}.xlsx")
        workbook.save(paths[-1])
    shutil.rmtree(work)
    return paths


def _zip(folder: Path, archive: Path) -> None:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(folder.iterdir()):
            zipped.write(path, path.name)
