"""Validation of structures and services by the official data·inclusion models (R-OFFRE-01), with
errors and warnings per line and field, the way the data·inclusion valideur reports them."""

import contextlib
import json
from dataclasses import dataclass
from datetime import date

import pydantic
from data_inclusion.schema.v1 import Service, Structure

from config.messages import french_message

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
                issues.append(Issue(LABELS[kind], line, field, french_message(e), level))
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
