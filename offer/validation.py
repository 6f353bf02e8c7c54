"""Validation of structures and services by the official data·inclusion models (R-OFFRE-01), with
errors and warnings per line and field, the way the data·inclusion valideur reports them."""

import contextlib
import json
from dataclasses import dataclass
from datetime import date

import pydantic
from data_inclusion.schema.v1 import Service, Structure

MODELS = {"structures": Structure, "services": Service}
LIST_FIELDS = {
    "thematiques", "publics", "modes_accueil", "zone_eligibilite", "modes_mobilisation", "mobilisable_par",
    "reseaux_porteurs", "frais", "doublons",
}  # fmt: skip
LABELS = {"structures": "Structures", "services": "Services"}


@dataclass(frozen=True)
class Issue:
    sheet: str
    line: int
    field: str
    message: str
    level: str  # "erreur" or "avertissement"

    def __str__(self):
        return f"{self.sheet}, ligne {self.line}, champ « {self.field} » : {self.message} ({self.level})"


def normalise(row: dict) -> dict:
    """Cells as exported in CSV or spreadsheets: empty means absent; lists as JSON arrays or separated by , or |."""
    clean = {}
    for key, value in row.items():
        if key is None:
            continue
        key = str(key).strip()
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                continue
            if key in LIST_FIELDS:
                if value.startswith("["):
                    with contextlib.suppress(ValueError):
                        value = json.loads(value)
                else:
                    value = [part.strip() for part in value.replace("|", ",").split(",") if part.strip()]
        elif value is None:
            continue
        if hasattr(value, "tolist"):
            value = value.tolist()
        if isinstance(value, date) and key != "date_maj":
            value = value.isoformat()
        clean[key] = value
    if "frais" in clean and isinstance(clean["frais"], list):
        clean["frais"] = clean["frais"][0] if clean["frais"] else None
    return clean


# pydantic's own messages are English: the common ones in French, with their limits. The official package's
# own checks (SIRET key, date in the future, name ending with a dot…) already speak French.
FRENCH = {
    "missing": "champ obligatoire absent",
    "string_too_short": "au moins {min_length} caractères",
    "string_too_long": "au plus {max_length} caractères",
    "string_pattern_mismatch": "format invalide (motif attendu : {pattern})",
    "too_short": "au moins {min_length} élément(s)",
    "too_long": "au plus {max_length} élément(s)",
    "enum": "valeur « {input} » inconnue ; valeurs admises : {expected}",
    "literal_error": "valeur « {input} » inconnue ; valeurs admises : {expected}",
    "url_parsing": "adresse web invalide",
    "url_type": "adresse web invalide",
    "url_scheme": "adresse web invalide (http ou https)",
    "date_parsing": "date invalide (AAAA-MM-JJ attendu)",
    "date_from_datetime_parsing": "date invalide (AAAA-MM-JJ attendu)",
    "date_type": "date invalide (AAAA-MM-JJ attendu)",
    "datetime_parsing": "date et heure invalides",
    "float_parsing": "nombre invalide",
    "float_type": "nombre invalide",
    "int_parsing": "nombre entier invalide",
    "int_type": "nombre entier invalide",
    "bool_parsing": "booléen invalide (true ou false)",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "greater_than": "doit être strictement supérieur à {gt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "less_than": "doit être strictement inférieur à {lt}",
    "string_type": "texte attendu",
    "list_type": "liste attendue",
}


def _message(error: dict) -> str:
    template = FRENCH.get(error["type"])
    if template:
        ctx = {k: str(v).replace("' or '", ", ").replace("'", "") for k, v in (error.get("ctx") or {}).items()}
        return template.format(input=error.get("input"), **ctx)
    if error["type"] == "value_error" and "email address" in error["msg"]:
        return "adresse électronique invalide"
    return error["msg"].removeprefix("Value error, ")


def validate(kind: str, rows: list[tuple[int, dict]]) -> tuple[list[dict], list[Issue]]:
    """rows: (line number, raw row). Returns the records (as the official model dumps them in JSON
    mode) and every issue; a record with an error is left out."""
    model = MODELS[kind]
    records, issues = [], []
    for line, raw in rows:
        row = normalise(raw)
        extra = row.pop("doublons", None)
        try:
            record = model.model_validate(row, context={"ignore_warnings": False})
        except pydantic.ValidationError as error:
            errors = [e for e in error.errors() if e["type"] != "avertissement"]
            for e in error.errors():
                field = ".".join(str(part) for part in e["loc"]) or "ligne"
                level = "avertissement" if e["type"] == "avertissement" else "erreur"
                issues.append(Issue(LABELS[kind], line, field, _message(e), level))
            if errors:
                continue
            record = model.model_validate(row)
        data = record.model_dump(mode="json", exclude_none=True)
        # Sets in the official models: sorted, so that every export of a record is identical.
        data = {k: sorted(v) if _strings(v) else v for k, v in data.items()}
        if extra:
            data["_doublons"] = extra if isinstance(extra, list) else [extra]
        records.append(data)
    return records, issues


def _strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)
