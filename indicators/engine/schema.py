"""The beneficiary data exchange format (spec: donnees-beneficiaires.md) and the normalised tables.

Each delivery file is described once here: its columns, their type, whether they are required,
the allowed values. The reader validates against it; the engine reads the normalised columns.
Identifiers never reach the normalised tables: `id_rsa` becomes `personne`, a keyed pseudonym
(BIGINT), and `id_france_travail` only `inscrit_france_travail` (data minimisation, R-DATA-01).
"""

from dataclasses import dataclass, field

import pyarrow as pa

ETATS_DROIT = ("versable", "suspendu", "radie")
PARCOURS = ("emploi", "socio_professionnel", "social")
TYPES_ORGANISME = ("france_travail", "departement", "ccas", "mission_locale", "cap_emploi", "association", "autre")
NATURES_RDV = ("orientation", "diagnostic", "accompagnement", "suivi")
STATUTS_RDV = ("honore", "absent", "annule")
TYPES_CONTRAT_ENGAGEMENT = ("cer", "ppae", "ce")
FREINS = ("mobilite", "garde_enfant", "sante", "logement", "numerique", "langue", "budget", "administratif", "autre")
MODALITES = ("individuel", "collectif")
TYPES_CONTRAT_EMPLOI = ("cdi", "cdd", "ctt", "creation_entreprise", "alternance", "iae", "contrat_aide", "autre")
REPONDANTS = ("personne", "professionnel")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # id, id_presence, text, month, date, bool, enum, codes, number, integer
    required: bool = False
    choices: tuple[str, ...] = ()
    # Normalised column name (the pseudonym and presence flag have their own names).
    output: str | None = None

    @property
    def target(self) -> str:
        return self.output or self.name


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[Column, ...]
    required: bool = False
    key: tuple[str, ...] = ()
    # A delivery without any monthly situation is refused; the other files may be empty.
    non_empty: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


ID_RSA = Column("id_rsa", "id", required=True, output="personne")

FILES: dict[str, FileSpec] = {
    spec.name: spec
    for spec in (
        FileSpec(
            "situations_mensuelles",
            (
                ID_RSA,
                Column("id_france_travail", "id_presence", output="inscrit_france_travail"),
                Column("mois", "month", required=True),
                Column("etat_droit", "enum", required=True, choices=ETATS_DROIT),
                Column("soumis_droits_devoirs", "bool", required=True),
                Column("date_ouverture_droit", "date", required=True),
                Column("date_reception_notification", "date"),
            ),
            required=True,
            key=("id_rsa", "mois"),
            non_empty=True,
        ),
        FileSpec(
            "orientations",
            (
                ID_RSA,
                Column("date_notification", "date", required=True),
                Column("parcours", "enum", required=True, choices=PARCOURS),
                Column("type_organisme", "enum", required=True, choices=TYPES_ORGANISME),
                Column("organisme_referent", "text"),
                Column("accompagnement_global", "bool"),
                Column("date_rdv_orientation", "date"),
                Column("presence_rdv_orientation", "bool"),
                Column("date_fin_suivi", "date"),
            ),
            required=True,
        ),
        FileSpec(
            "rendez_vous",
            (
                ID_RSA,
                Column("date", "date", required=True),
                Column("nature", "enum", required=True, choices=NATURES_RDV),
                Column("statut", "enum", required=True, choices=STATUTS_RDV),
            ),
        ),
        FileSpec(
            "contrats_engagement",
            (
                ID_RSA,
                Column("type", "enum", required=True, choices=TYPES_CONTRAT_ENGAGEMENT),
                Column("date_signature", "date", required=True),
                Column("date_fin", "date"),
            ),
        ),
        FileSpec(
            "diagnostics",
            (ID_RSA, Column("date", "date", required=True), Column("freins", "codes", choices=FREINS)),
        ),
        FileSpec(
            "activites",
            (
                ID_RSA,
                Column("date_debut", "date", required=True),
                Column("date_fin", "date", required=True),
                Column("heures", "number", required=True),
                Column("modalite", "enum", required=True, choices=MODALITES),
                Column("categorie", "text", required=True),
                Column("service_id", "text"),
            ),
        ),
        FileSpec(
            "emplois",
            (
                ID_RSA,
                Column("date_debut", "date", required=True),
                Column("type_contrat", "enum", required=True, choices=TYPES_CONTRAT_EMPLOI),
                Column("duree_mois", "integer"),
                Column("date_fin", "date"),
            ),
        ),
        FileSpec(
            "satisfaction",
            (
                Column("date", "date", required=True),
                Column("repondant", "enum", required=True, choices=REPONDANTS),
                Column("satisfait", "bool", required=True),
                Column("id_rsa", "id", output="personne"),
            ),
        ),
    )
}

ARROW_TYPES = {
    "id": pa.int64(),
    "id_presence": pa.bool_(),
    "text": pa.string(),
    "month": pa.date32(),
    "date": pa.date32(),
    "bool": pa.bool_(),
    "enum": pa.string(),
    "codes": pa.string(),
    "number": pa.float64(),
    "integer": pa.int32(),
}


def arrow_schema(spec: FileSpec) -> pa.Schema:
    return pa.schema([pa.field(c.target, ARROW_TYPES[c.kind]) for c in spec.columns])


@dataclass
class Delivery:
    """A validated, pseudonymised delivery: one Arrow table per file present."""

    tables: dict[str, pa.Table]
    warnings: list[str] = field(default_factory=list)
    # Only when read with keep_identifiers: gives back the raw identifier of a pseudonym (values.Pseudonymiser).
    pseudonymiser: object | None = field(default=None, repr=False)

    def months(self) -> tuple:
        column = self.tables["situations_mensuelles"].column("mois")
        if len(column) == 0:
            return (None, None)
        import pyarrow.compute as pc

        bounds = pc.min_max(column).as_py()
        return (bounds["min"], bounds["max"])

    # The row counts of tables already released (`release`).
    released: dict[str, int] | None = field(default=None, repr=False)

    def row_counts(self) -> dict[str, int]:
        if self.released is not None:
            return self.released
        return {name: table.num_rows for name, table in self.tables.items()}

    def release(self) -> None:
        """Let go of the tables once stored, keeping their row counts: a national delivery's tables take about
        1.5 GB, which the computation (reading the stored files) does not need."""
        self.released = self.row_counts()
        self.tables = {}
