"""Column mapping: a département's own extract (IODAS, Solis… exported to a spreadsheet) read as a file of the
exchange format without being rewritten by hand.

A mapping says, for one file of the format, which of the extract's headers holds each of its columns (« N° CAF »
→ `id_rsa`). It is saved per collectivité (indicators.models.ColumnMapping) and applied on reading: a file named
after the format's file has its headers renamed; a file with another name is recognised by its headers (every
header the mapping names for a required column). `propose` suggests a mapping from the known synonyms below.
"""

import re
import unicodedata
from dataclasses import dataclass

from indicators.engine.schema import FILES, FileSpec

# Headers seen in the extracts of the départements' software and in the CAF/MSA vocabulary, per column. Compared
# without case, accents, spaces or punctuation (`normalised`). The identifier's synonyms hold in every file.
IDENTIFIER_SYNONYMS = (
    "N° CAF",
    "numéro CAF",
    "n° allocataire",
    "numéro allocataire",
    "matricule",
    "matricule CAF",
    "matricule allocataire",
    "code individu Iodas",
    "code individu",
    "identifiant individu",
    "id individu",
    "identifiant bénéficiaire",
    "identifiant RSA",
    "n° dossier RSA",
)
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "situations_mensuelles": {
        "id_france_travail": (
            "identifiant France Travail",
            "id France Travail",
            "identifiant Pôle emploi",
            "n° Pôle emploi",
            "identifiant demandeur d'emploi",
            "IDE",
        ),
        "mois": ("mois de droit", "mois de référence", "période", "mois de paiement", "mois RSA"),
        "etat_droit": ("état du droit", "état dossier RSA", "ETATDOSRSA", "statut du droit", "état"),
        "soumis_droits_devoirs": (
            "soumis aux droits et devoirs",
            "droits et devoirs",
            "SDD",
            "TOPPERSDRODEVORSA",
            "top droits et devoirs",
        ),
        "date_ouverture_droit": (
            "date d'ouverture du droit",
            "date ouverture droit",
            "date ouverture RSA",
            "date d'entrée RSA",
            "date ouverture",
        ),
        "date_reception_notification": (
            "date de réception",
            "date réception flux",
            "date de réception de la notification",
            "date notification CAF",
        ),
    },
    "orientations": {
        "date_notification": (
            "date début orientation",
            "date d'orientation",
            "date orientation",
            "date notification orientation",
            "date de décision d'orientation",
        ),
        "parcours": ("type de parcours", "type d'orientation", "orientation"),
        "type_organisme": ("type d'organisme", "type de structure", "type structure référente", "type organisme"),
        "organisme_referent": ("organisme référent", "structure référente", "structure d'accompagnement"),
        "accompagnement_global": ("accompagnement global",),
        "date_rdv_orientation": ("date rdv orientation", "date du rendez-vous d'orientation"),
        "presence_rdv_orientation": ("présence rdv orientation", "présence au rendez-vous d'orientation"),
        "date_fin_suivi": ("date fin orientation", "date de fin de suivi", "date fin accompagnement"),
    },
    "rendez_vous": {
        "date": ("date rdv", "date du rendez-vous"),
        "nature": ("nature rdv", "type rdv", "nature du rendez-vous"),
        "statut": ("statut rdv", "présence", "statut du rendez-vous"),
    },
    "contrats_engagement": {
        "type": ("type de contrat", "type contrat"),
        "date_signature": ("date de signature", "date signature CER", "date signature contrat"),
        "date_fin": ("date fin contrat", "date de fin"),
    },
    "diagnostics": {
        "date": ("date diagnostic", "date du diagnostic"),
        "freins": ("freins périphériques", "freins identifiés"),
    },
    "activites": {
        "date_debut": ("date début action", "date de début"),
        "date_fin": ("date fin action", "date de fin"),
        "heures": ("nombre d'heures", "durée en heures", "heures réalisées"),
        "modalite": ("modalité",),
        "categorie": ("catégorie", "type d'action", "catégorie d'action"),
        "service_id": ("identifiant service", "id service data inclusion"),
    },
    "emplois": {
        "date_debut": ("date d'embauche", "date début emploi", "date de début"),
        "type_contrat": ("type de contrat de travail", "type contrat", "type de contrat"),
        "duree_mois": ("durée en mois", "durée (mois)"),
        "date_fin": ("date fin emploi", "date de fin"),
    },
    "satisfaction": {
        "date": ("date de l'enquête", "date enquête"),
        "repondant": ("répondant",),
        "satisfait": ("satisfaction",),
    },
}


def normalised(header: str) -> str:
    """A header compared without case, accents, spaces or punctuation: « N° CAF » and « n caf » are one."""
    decomposed = unicodedata.normalize("NFKD", header.strip().lower())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed if not unicodedata.combining(c)))


def synonyms(spec: FileSpec, column: str) -> tuple[str, ...]:
    known = SYNONYMS.get(spec.name, {}).get(column, ())
    return (column, *(IDENTIFIER_SYNONYMS if column == "id_rsa" else ()), *known)


@dataclass(frozen=True)
class ColumnMapping:
    """For the file `file` of the format: column name → the extract's header holding it (as written)."""

    file: str
    columns: dict[str, str]

    @property
    def spec(self) -> FileSpec:
        return FILES[self.file]

    def renamed(self, header: list[str]) -> list[str]:
        """The header with the mapped cells renamed to the format's column names, the others unchanged."""
        names = {normalised(source): column for column, source in self.columns.items()}
        return [names.get(normalised(cell), cell) for cell in header]

    def recognises(self, header: list[str]) -> bool:
        """Whether a file with this header is this mapping's file: every header mapped to a required column."""
        present = {normalised(cell) for cell in header}
        required = [source for column, source in self.columns.items() if self.spec.column(column).required]
        return bool(required) and all(normalised(source) in present for source in required)


def propose(header: list[str], spec: FileSpec) -> dict[str, str | None]:
    """For each column of `spec`, the header that seems to hold it (its own name first, then a synonym), each
    header proposed once; None where none fits."""
    cells = {normalised(cell): cell for cell in reversed(header) if cell.strip()}
    used: set[str] = set()
    proposal: dict[str, str | None] = {}
    for column in spec.columns:
        proposal[column.name] = None
        for name in synonyms(spec, column.name):
            key = normalised(name)
            if key in cells and key not in used:
                proposal[column.name] = cells[key]
                used.add(key)
                break
    return proposal


def refusals(columns: dict[str, str], header: list[str] | None, spec: FileSpec) -> list[str]:
    """Why a mapping cannot be saved (French, for the page): a required column without a header, a header
    given to two columns, a header the file does not have."""
    problems = [
        f"colonne obligatoire « {column.name} » : choisissez l'en-tête qui la contient"
        for column in spec.columns
        if column.required and not columns.get(column.name)
    ]
    seen: dict[str, str] = {}
    for column, source in columns.items():
        if not source:
            continue
        if normalised(source) in seen:
            problems.append(f"l'en-tête « {source} » est choisi pour « {seen[normalised(source)]} » et « {column} »")
        seen[normalised(source)] = column
        if header is not None and normalised(source) not in {normalised(cell) for cell in header}:
            problems.append(f"l'en-tête « {source} » n'est pas dans le fichier")
    return problems
