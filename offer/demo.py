"""Demo offer of the Ain (fictitious records), and an export to try the import page."""

import json
import zipfile
from pathlib import Path

from offer import services
from offer.models import OfferStructure
from offer.sample_data import BASES, service, structure


def demo_offer() -> dict:
    structures = [structure(i, *base) for i, base in enumerate(BASES)]
    structures.append(
        structure(99, "C.C.A.S. Bourg-en-Bresse", "Bourg-en-Bresse", "3 av. Arsène d'Arsonval", "21010053900012")
    )
    themes = [
        ["difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives"],
        [
            "trouver-un-emploi--suivre-ses-candidatures-et-relancer-les-employeurs",
            "choisir-un-metier--confirmer-son-choix-de-metier",
        ],
        ["equipement-et-alimentation--alimentation"],
        ["equipement-et-alimentation--alimentation"],
        ["equipement-et-alimentation--alimentation"],
        ["trouver-un-emploi--convaincre-un-recruteur-en-entretien"],
        ["mobilite--preparer-un-permis"],
        ["mobilite--entretenir-reparer-son-vehicule"],
        ["famille--garde-denfants"],
        ["numerique--acceder-a-des-services-en-ligne"],
    ]
    services_ = [service(i, structures[i], f"Service de {structures[i]['nom']}", t) for i, t in enumerate(themes)]
    return {"structures": structures, "services": services_}


SAMPLES = Path(__file__).resolve().parent / "samples"


def seed_demo_offer(target: Path) -> Path:
    """Imports the demo offer once; leaves beside it, to try the import page, the same export as a file and a
    DORA export (two CSV files, zipped)."""
    data = demo_offer()
    path = target / "offre-ain-data-inclusion.json"
    target.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    with zipfile.ZipFile(target / "export-dora-ain.zip", "w") as archive:
        for kind in ("structures", "services"):
            archive.write(SAMPLES / f"dora-{kind}.csv", f"dora-{kind}.csv")
    if not OfferStructure.objects.exists():
        services.import_offer(filename=path.name, data=path.read_bytes(), allowed_departements=None)
        services.detect_duplicates(["01"])
    return path
