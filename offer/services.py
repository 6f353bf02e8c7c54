"""Import (all-or-nothing), export and review of the offer."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from config import bulk
from offer import duplicates, files
from offer.models import DuplicateCandidate, OfferService, OfferStructure
from offer.validation import Issue, validate


def departement_of(record: dict) -> str:
    """The département a record is referenced in, which decides who may change it: from the commune's INSEE code
    (three characters overseas, 2A or 2B in Corsica), else from the postal code, except in Corsica, whose postal
    codes (20…) do not tell the two départements apart: then none."""
    code = record.get("code_insee") or ""
    if code[:2] in ("97", "98"):
        return code[:3]
    if code:
        return code[:2]
    postal = record.get("code_postal") or ""
    if postal[:2] in ("97", "98"):
        return postal[:3]
    return postal[:2] if postal and postal[:2] != "20" else ""


@dataclass
class ImportResult:
    structures: int
    services: int
    warnings: list[Issue]


class OfferImportError(Exception):
    def __init__(self, issues: list):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


def import_offer(*, filename: str, data: bytes, allowed_departements: set[str] | None, by=None) -> ImportResult:
    """allowed_departements: None for a national account, else the départements the user may reference."""
    try:
        rows = files.read_offer(filename, data)
    except files.OfferFileError as error:
        raise OfferImportError([str(error)]) from None
    structures, structure_issues = validate("structures", rows.get("structures", []))
    services, service_issues = validate("services", rows.get("services", []))
    issues = structure_issues + service_issues + _unknown_structures(rows, structures, services)
    if allowed_departements is not None:
        issues += _territory_issues(rows, "Structures", OfferStructure, structures, allowed_departements)
        issues += _territory_issues(rows, "Services", OfferService, services, allowed_departements)
    errors = [i for i in issues if i.level == "erreur"]
    if errors:
        raise OfferImportError(errors)
    save_offer(structures, services, by=by)
    return ImportResult(len(structures), len(services), [i for i in issues if i.level == "avertissement"])


def _unknown_structures(rows, structures: list[dict], services: list[dict]) -> list[Issue]:
    """Services whose structure is neither in the file nor already referenced."""
    in_file = {s["id"] for s in structures}
    elsewhere = {s.get("structure_id") for s in services} - in_file - {None, ""}
    known = in_file | {
        record_id
        for chunk in chunks(sorted(elsewhere))
        for record_id in OfferStructure.objects.filter(id__in=chunk).values_list("id", flat=True)
    }
    lines = {row.get("id"): n for n, row in rows.get("services", [])}
    return [
        Issue("Services", lines.get(service["id"], position + 2), "structure_id",
              "structure inconnue (ni dans le fichier ni déjà référencée)", "erreur")
        for position, service in enumerate(services)
        if service["structure_id"] not in known
    ]  # fmt: skip


def _territory_issues(rows, kind: str, model, records: list[dict], allowed: set[str]) -> list[Issue]:
    """Records outside the account's départements, and identifiers another territory already referenced (not
    this account's to overwrite)."""
    lines = {row.get("id"): n for n, row in rows.get(kind.lower(), [])}
    issues = [
        Issue(kind, lines.get(record["id"], 0), "code_insee", "hors du territoire de votre compte", "erreur")
        for record in records
        if departement_of(record) not in allowed
    ]
    for record_id in foreign_ids(model, [r["id"] for r in records], allowed):
        message = (
            f"identifiant « {record_id} » déjà référencé par un autre territoire : il ne peut pas être modifié "
            "depuis votre compte"
        )
        issues.append(Issue(kind, lines.get(record_id, 0), "id", message, "erreur"))
    return issues


CHUNK = 2000


def chunks(ids: list) -> list[list]:
    """The identifiers by CHUNK: a query's IN list stays short on every database."""
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def foreign_ids(model, ids: list[str], allowed_departements: set[str]) -> list[str]:
    """The identifiers among `ids` already referenced in a département outside `allowed_departements`."""
    foreign = []
    for chunk in chunks(ids):
        foreign += (
            model.objects.filter(id__in=chunk)
            .exclude(departement__in=allowed_departements)
            .values_list("id", flat=True)
        )
    return sorted(foreign)


def structure_values(record: dict) -> dict:
    return {
        "source": record["source"], "nom": record["nom"], "siret": record.get("siret", ""),
        "code_insee": record.get("code_insee", ""), "code_postal": record.get("code_postal", ""),
        "departement": departement_of(record), "date_maj": date.fromisoformat(record["date_maj"]),
        "data": {k: v for k, v in record.items() if not k.startswith("_")},
    }  # fmt: skip


def service_values(record: dict) -> dict:
    return {
        "structure_id": record["structure_id"], "source": record["source"], "nom": record["nom"],
        "thematiques": record.get("thematiques", []), "publics": record.get("publics", []),
        "modes_accueil": record.get("modes_accueil", []), "commune": record.get("commune", ""),
        "code_insee": record.get("code_insee", ""), "departement": departement_of(record),
        "date_maj": date.fromisoformat(record["date_maj"]),
        "data": {k: v for k, v in record.items() if not k.startswith("_")},
    }  # fmt: skip


@transaction.atomic
def save_offer(structures: list[dict], services: list[dict], by=None) -> None:
    """Creates the new records and updates the changed ones in bulk, each with its history record (who, when);
    an unchanged record is left alone (no history entry for nothing)."""
    _upsert(OfferStructure, {r["id"]: structure_values(r) for r in structures}, by)
    _upsert(OfferService, {r["id"]: service_values(r) for r in services}, by)
    flags = []
    for record in structures:
        for other in record.get("_doublons", []):
            a, b = sorted((record["id"], str(other)))
            flags.append(
                DuplicateCandidate(
                    kind="structures", first_id=a, second_id=b, score=1.0,
                    reasons=["signalé par data·inclusion"], departement=departement_of(record),
                )
            )  # fmt: skip
    DuplicateCandidate.objects.bulk_create(flags, ignore_conflicts=True)


def _upsert(model, values_by_id: dict[str, dict], by) -> None:
    fields = sorted({name for values in values_by_id.values() for name in values})
    existing = {}
    for chunk in chunks(list(values_by_id)):
        existing.update(model.objects.in_bulk(chunk))
    created, changed = [], []
    for record_id, values in values_by_id.items():
        current = existing.get(record_id)
        if current is None:
            created.append(model(id=record_id, **values))
        elif any(getattr(current, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(current, name, value)
            changed.append(current)
    bulk.insert(model, created)
    bulk.insert(model.history.model, bulk.history_rows(model, created, by=by, kind="+"))
    if changed:
        model.objects.bulk_update(changed, fields, batch_size=CHUNK)
        bulk.insert(model.history.model, bulk.history_rows(model, changed, by=by, kind="~"))


def _flag(kind, first, second, departement, score, reasons):  # one pair found by the detection
    a, b = sorted((first, second))
    DuplicateCandidate.objects.get_or_create(
        kind=kind, first_id=a, second_id=b,
        defaults={"score": score, "reasons": reasons, "departement": departement},
    )  # fmt: skip


def detect_duplicates(departements: list[str] | None = None) -> int:
    """Run the detection over the offer of some départements (all when None); new pairs join the queue."""
    count = 0
    for kind, model in (("structures", OfferStructure), ("services", OfferService)):
        queryset = model.objects.all() if departements is None else model.objects.filter(departement__in=departements)
        by_departement: dict[str, list[dict]] = {}
        for item in queryset:
            by_departement.setdefault(item.departement, []).append(item.data)
        for departement, records in by_departement.items():
            for pair in duplicates.find_duplicates(records, services=kind == "services"):
                _flag(kind, pair.a, pair.b, departement, pair.score, list(pair.reasons))
                count += 1
    return count


def review(*, candidate: DuplicateCandidate, decision: str, by) -> None:
    """Merge (the second record is removed, its funding links move to the first) or mark as distinct."""
    with transaction.atomic():
        if decision == DuplicateCandidate.Status.MERGED:
            model = OfferStructure if candidate.kind == "structures" else OfferService
            keep, drop = (
                model.objects.filter(pk=candidate.first_id).first(),
                model.objects.filter(pk=candidate.second_id).first(),
            )
            if keep and drop:
                if candidate.kind == "structures":
                    for service in drop.services.all():  # one by one: the history records each move
                        service.structure = keep
                        service.save()
                else:
                    for funding in drop.fundings.all():
                        if not keep.fundings.filter(
                            convention=funding.convention, action_sheet=funding.action_sheet
                        ).exists():
                            funding.service = keep
                            funding.save()
                drop.delete()
        candidate.status, candidate.decided_by, candidate.decided_at = decision, by, timezone.now()
        candidate.save()


def export_data(structures, services) -> dict[str, list[dict]]:
    return {"structures": [s.data for s in structures], "services": [s.data for s in services]}
