"""Import (all-or-nothing), export and review of the offer."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from offer import duplicates, files
from offer.models import DuplicateCandidate, OfferService, OfferStructure
from offer.validation import Issue, validate


def departement_of(record: dict) -> str:
    code = record.get("code_insee") or ""
    if code[:2] in ("97", "98"):
        return code[:3]
    if code[:2] in ("2A", "2B"):
        return code[:2]
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


def import_offer(*, filename: str, data: bytes, allowed_departements: set[str] | None) -> ImportResult:
    """allowed_departements: None for a national account, else the départements the user may reference."""
    try:
        rows = files.read_offer(filename, data)
    except files.OfferFileError as error:
        raise OfferImportError([str(error)]) from None
    structures, structure_issues = validate("structures", rows.get("structures", []))
    services, service_issues = validate("services", rows.get("services", []))
    issues = structure_issues + service_issues
    known = {s["id"] for s in structures} | set(
        OfferStructure.objects.filter(id__in={s.get("structure_id") for s in services}).values_list("id", flat=True)
    )
    for position, service in enumerate(services):
        if service["structure_id"] not in known:
            line = next((n for n, row in rows.get("services", []) if row.get("id") == service["id"]), position + 2)
            issues.append(
                Issue(
                    "Services",
                    line,
                    "structure_id",
                    "structure inconnue (ni dans le fichier ni déjà référencée)",
                    "erreur",
                )
            )
    if allowed_departements is not None:
        for kind, records in (("Structures", structures), ("Services", services)):
            source_rows = rows.get(kind.lower(), [])
            for record in records:
                if departement_of(record) not in allowed_departements:
                    line = next((n for n, row in source_rows if row.get("id") == record["id"]), 0)
                    issues.append(Issue(kind, line, "code_insee", "hors du territoire de votre compte", "erreur"))
    errors = [i for i in issues if i.level == "erreur"]
    if errors:
        raise OfferImportError(errors)
    save_offer(structures, services)
    return ImportResult(len(structures), len(services), [i for i in issues if i.level == "avertissement"])


@transaction.atomic
def save_offer(structures: list[dict], services: list[dict]) -> None:
    for record in structures:
        values = {
            "source": record["source"], "nom": record["nom"], "siret": record.get("siret", ""),
            "code_insee": record.get("code_insee", ""), "code_postal": record.get("code_postal", ""),
            "departement": departement_of(record), "date_maj": date.fromisoformat(record["date_maj"]),
            "data": {k: v for k, v in record.items() if not k.startswith("_")},
        }  # fmt: skip
        OfferStructure.objects.update_or_create(id=record["id"], defaults=values)
        for other in record.get("_doublons", []):
            _flag("structures", record["id"], str(other), values["departement"], 1.0, ["signalé par data·inclusion"])
    for record in services:
        values = {
            "structure_id": record["structure_id"], "source": record["source"], "nom": record["nom"],
            "thematiques": record.get("thematiques", []), "publics": record.get("publics", []),
            "modes_accueil": record.get("modes_accueil", []), "commune": record.get("commune", ""),
            "code_insee": record.get("code_insee", ""), "departement": departement_of(record),
            "date_maj": date.fromisoformat(record["date_maj"]),
            "data": {k: v for k, v in record.items() if not k.startswith("_")},
        }  # fmt: skip
        OfferService.objects.update_or_create(id=record["id"], defaults=values)


def _flag(kind, first, second, departement, score, reasons):
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
