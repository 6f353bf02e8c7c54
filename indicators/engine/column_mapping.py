"""Column mapping: a département's own extract (IODAS, Solis… exported to a spreadsheet) read as a file of the
exchange format without being rewritten by hand.

A mapping says, for one file of the format, which of the extract's headers holds each of its columns (« N° CAF »
→ `id_rsa`). It is saved per collectivité (indicators.models.ColumnMapping) and applied on reading: a file named
after the format's file has its headers renamed; a file with another name is recognised by its headers (every
header the mapping names for a required column). `propose` suggests a mapping from the known synonyms below.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from indicators.engine import file_text, values
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
    # For an enumerated or yes/no column: the extract's value (as written) → the format's value (« Droit ouvert
    # et versable » → versable, « 2 » → versable); values not listed are read as they are.
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def spec(self) -> FileSpec:
        return FILES[self.file]

    def translator(self, column: str):
        """A function giving the format's value of a cell of `column` (None when the column has no value
        mapping): the extract's values compared without case, accents, spaces or punctuation."""
        table = {normalised(source): target for source, target in self.values.get(column, {}).items()}
        if not table:
            return None
        return lambda text: table.get(normalised(text), text)

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


# The columns whose values a mapping may translate, and the format's values each accepts; the values the page
# lists from a sample, and those a mapping may translate, at most.
VALUE_KINDS = ("enum", "bool")
MAX_UNKNOWN_VALUES = 30
MAX_VALUE_LINES = 200
BOOL_VALUES = ("oui", "non")


def mappable(spec: FileSpec) -> list:
    """The columns of `spec` whose values a mapping may translate."""
    return [column for column in spec.columns if column.kind in VALUE_KINDS]


def accepted(column) -> tuple[str, ...]:
    return column.choices if column.kind == "enum" else BOOL_VALUES


def parse_values(text: str, column) -> tuple[dict[str, str], list[str]]:
    """The value mapping written one per line as « valeur de l'extraction = valeur du format » (blank lines and
    lines without a format value ignored), and the French problems found."""
    values, problems = {}, []
    lines = text.splitlines()
    if len(lines) > MAX_VALUE_LINES:
        return {}, [f"« {column.name} » : {MAX_VALUE_LINES} valeurs traduites au plus"]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        source, separator, target = line.rpartition("=")
        source, target = source.strip(), target.strip().lower()
        where = f"« {column.name} », ligne {number}"
        if not separator or not source:
            problems.append(f"{where} : écrivez « valeur de l'extraction = valeur du format »")
        elif not target:
            continue
        elif target not in accepted(column):
            problems.append(f"{where} : « {target} » n'est pas une valeur du format ({', '.join(accepted(column))})")
        else:
            values[source] = target
    return values, problems


def unknown_values(column, cells) -> list[str]:
    """The distinct values of `cells` (an enumerated or yes/no column's) that the format refuses, in the order
    they come, MAX_UNKNOWN_VALUES at most: those a value mapping must translate."""
    unknown: dict[str, None] = {}
    for cell in cells:
        text = cell.strip()
        if not text or text in unknown:
            continue
        try:
            values.parser_for(column, None)(text)
        except ValueError:
            unknown[text] = None
            if len(unknown) == MAX_UNKNOWN_VALUES:
                break
    return list(unknown)


def value_lines(found: list[str], saved: dict[str, str]) -> str:
    """The text of a value mapping as the page edits it: one « valeur = valeur du format » a line, the values
    found first (with their saved translation, if any), then the other saved ones."""
    lines = [f"{value} = {saved.get(value, '')}".rstrip() for value in found]
    lines += [f"{value} = {target}" for value, target in saved.items() if value not in found]
    return "\n".join(lines)


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


def assigned(files: dict, mappings, log, warnings: list[str]) -> dict[str, str]:
    """The format's file each of a delivery's `files` (name → bytes or path) is: its name, else the one mapping
    that recognises its headers (issues in `log`, notes in `warnings`)."""
    assignment = {}
    for name, data in files.items():
        stem = PurePosixPath(name).stem
        if stem in FILES:
            assignment[name] = stem
            continue
        header = file_text.header_of(name, data) if mappings else None
        recognised = [mapping.file for mapping in mappings if header and mapping.recognises(header)]
        if len(recognised) == 1:
            assignment[name] = recognised[0]
            warnings.append(f"{name} : lu comme {recognised[0]} selon la correspondance de colonnes enregistrée.")
        elif recognised:
            message = "en-têtes reconnus pour plusieurs fichiers (" + ", ".join(recognised) + ") : renommez-le"
            log.add(name, None, None, None, message)
        else:
            warnings.append(f"{name} : fichier inconnu, ignoré.")
    return assignment
