"""Idempotent load of the territorial reference data shipped in territories/data/."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from territories.models import Collectivity, Departement, Region, RsaHouseholdCount
from territories.reference import RSA_SOURCE, collectivity_rsa_households

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool, changed: bool):
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1


def read_rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def upsert(model, lookup: dict, values: dict):
    """Create or update without saving (nor writing history) when nothing changed."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
    return obj, False, bool(changed)


@transaction.atomic
def load_reference_data() -> LoadReport:
    report = LoadReport()
    regions = {}
    for row in read_rows("regions.csv"):
        region, created, changed = upsert(
            Region, {"code": row["code_region"]}, {"name": row["nom"], "tncc": int(row["tncc"])}
        )
        regions[region.code] = region
        report.count("régions", created, changed)

    departements = {}
    for row in read_rows("departements.csv"):
        dep, created, changed = upsert(
            Departement,
            {"code": row["code_departement"]},
            {"name": row["nom"], "region": regions[row["code_region"]], "tncc": int(row["tncc"])},
        )
        departements[dep.code] = dep
        report.count("départements", created, changed)

    counts = {}
    for row in read_rows("allocataires_rsa_par_departement.csv"):
        for column, value in row.items():
            if column.startswith("allocataires_rsa_") and value:
                year = int(column.removeprefix("allocataires_rsa_"))
                counts[(row["code_departement"], year)] = int(value)
                _, created, changed = upsert(
                    RsaHouseholdCount,
                    {"departement": departements[row["code_departement"]], "year": year},
                    {"households": int(value), "source": RSA_SOURCE},
                )
                report.count("statistiques RSA", created, changed)

    collectivity_rows = read_rows("collectivites.csv")
    seen = {}
    for row in collectivity_rows:
        for code in row["codes_departements"].split("|"):
            seen[code] = seen.get(code, 0) + 1
    shared_codes = {code for code, n in seen.items() if n > 1}

    for row in collectivity_rows:
        codes = row["codes_departements"].split("|")
        figure = collectivity_rsa_households(departement_codes=codes, counts=counts, shared_codes=shared_codes)
        collectivity, created, changed = upsert(
            Collectivity,
            {"code": row["code"]},
            {
                "name": row["nom"],
                "kind": row["type"],
                "tncc": int(row["tncc"]),
                "region": regions[row["code_region"]],
                "rsa_households": figure.households,
                "rsa_households_year": figure.year,
                "rsa_households_source": RSA_SOURCE if figure.households is not None else "",
                "rsa_households_note": figure.note,
            },
        )
        wanted = {departements[c].pk for c in codes}
        if set(collectivity.departements.values_list("pk", flat=True)) != wanted:
            collectivity.departements.set(wanted)
            changed = True
        report.count("collectivités", created, changed)
    return report
