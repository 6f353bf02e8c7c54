"""REST API (django-ninja, OpenAPI at /api/v1/docs). The same permission module as the pages;
an object out of the caller's scope answers 404."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, File, NinjaAPI, Query, Schema, Status
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from ninja.pagination import CursorPagination, paginate
from ninja.security import django_auth

from accounts import permissions
from api.auth import TokenAuth
from config.messages import french_message
from indicators import results
from indicators.ingestion import UploadRefused, receive_delivery
from indicators.models import Delivery

api = NinjaAPI(
    title="API de la contractualisation insertion-emploi",
    version="1",
    urls_namespace="api",
    # Machine clients send a token; the pages' session works too (with its CSRF check).
    auth=[TokenAuth(), django_auth],
)


@api.exception_handler(ValidationError)
def validation_error_in_french(request, error: ValidationError):
    """422 as django-ninja writes it (`detail`: type, loc, msg), with the message in French."""
    detail = []
    for e in error.errors:
        if "type" in e:
            detail.append({"type": e["type"], "loc": list(e["loc"]), "msg": french_message(e)})
        else:  # ninja's own checks, such as {"cursor": "Invalid Cursor"}
            for name, message in e.items():
                detail.append(
                    {"type": "value_error", "loc": ["query", name], "msg": NINJA_MESSAGES.get(message, message)}
                )
    return api.create_response(request, {"detail": detail}, status=422)


NINJA_MESSAGES = {"Invalid Cursor": "curseur de pagination invalide"}


@api.exception_handler(Http404)
def not_found_in_french(request, error):
    """An object that does not exist, or is out of the caller's scope: the same answer, in French."""
    return api.create_response(request, {"detail": "Introuvable (ou hors de votre périmètre)."}, status=404)


class DeliveryOut(Schema):
    id: int
    collectivite: str
    etat: str
    avancement: int
    etape: str
    premier_mois: date | None
    dernier_mois: date | None
    lignes: dict[str, int]
    erreurs: list[str]
    erreurs_non_affichees: int
    avertissements: list[str]
    empreinte_sha256: str

    @staticmethod
    def of(delivery: Delivery) -> "DeliveryOut":
        return DeliveryOut(
            id=delivery.pk,
            collectivite=delivery.collectivity.code,
            etat=delivery.status,
            avancement=delivery.progress,
            etape=delivery.step,
            premier_mois=delivery.first_month,
            dernier_mois=delivery.last_month,
            lignes=delivery.row_counts,
            erreurs=delivery.issues,
            erreurs_non_affichees=delivery.issues_truncated,
            avertissements=delivery.warnings,
            empreinte_sha256=delivery.checksum,
        )


class Volet2Row(Schema):
    mois: date
    version: str
    nouveaux_entrants: int | None
    t0_inconnu: int | None
    orientes_15_jours: int | None
    orientes_1_mois: int | None
    orientations_accompagnement_global: int | None
    absents_rdv_orientation: int | None


class Refusal(Schema):
    detail: str


class Invalid(Schema):
    detail: list[dict[str, Any]]


def documented(ok, **more):
    """Every operation documents its refusals: 401 (no valid token), 404 (outside the caller's scope),
    422 (invalid parameters)."""
    return {200: ok, 401: Refusal, 404: Refusal, 422: Invalid, **more}


@api.post(
    "/collectivites/{code}/livraisons",
    response={202: DeliveryOut, 400: Refusal, 401: Refusal, 404: Refusal, 422: Invalid},
    summary="Déposer une livraison de données bénéficiaires (zip, ou fichiers CSV / Parquet)",
)
def upload_delivery(request, code: str, fichiers: list[UploadedFile] = File(...)):  # noqa: B008 - ninja's idiom
    collectivity = permissions.collectivity_or_404(request.user, code, permissions.may_upload_delivery)
    try:
        delivery = receive_delivery(collectivity=collectivity, user=request.user, files=fichiers)
    except UploadRefused as refusal:
        return Status(400, {"detail": str(refusal)})
    return Status(202, DeliveryOut.of(delivery))


@api.get("/livraisons/{delivery_id}", response=documented(DeliveryOut), summary="État d'une livraison et ses erreurs")
def delivery_status(request, delivery_id: int):
    delivery = get_object_or_404(
        Delivery.objects.select_related("collectivity").filter(
            collectivity__in=permissions.visible_collectivities(request.user)
        ),
        pk=delivery_id,
    )
    return DeliveryOut.of(delivery)


@api.get(
    "/collectivites/{code}/indicateurs/volet2",
    response=documented(list[Volet2Row]),
    summary="Tableau du volet 2 (annexe 4 §4), un mois par ligne",
)
def volet2_indicators(request, code: str):
    collectivity = permissions.collectivity_or_404(request.user, code, permissions.may_view_indicators)
    return [Volet2Row(**row) for row in results.volet2_rows(collectivity)]


# The API speaks French; each field names the model attribute it reads (dotted for a relation).
class ConventionOut(Schema):
    id: int = Field(alias="pk")
    collectivite: str = Field(alias="collectivity.code")
    annee: int = Field(alias="year")
    etat: str = Field(alias="state")
    debut: date = Field(alias="start_date")
    fin: date = Field(alias="end_date")
    montant_volet1: Decimal = Field(alias="amount_volet1")
    montant_volet2: Decimal = Field(alias="amount_volet2")
    montant_volet3: Decimal = Field(alias="amount_volet3")


class PlanLineOut(Schema):
    volet: int
    rubrique: str = Field(alias="section")
    nature: str
    objet: str = Field(alias="purpose")
    part_etat: Decimal = Field(alias="state_amount")
    part_collectivite: Decimal = Field(alias="collectivity_amount")


class PaymentOut(Schema):
    id: int = Field(alias="pk")
    volet: int
    annee: int = Field(alias="year", description="L'année de la tranche (avance) ou de la convention (solde)")
    nature: str = Field(alias="kind")
    montant: Decimal = Field(alias="amount")
    etat: str = Field(alias="status")
    paye_le: date | None = Field(alias="paid_on")
    reference_chorus: str = Field(alias="chorus_reference")


class TrancheOut(Schema):
    annee: int
    montant_volet1: Decimal
    montant_volet2: Decimal
    montant_volet3: Decimal


class RecoveryOut(Schema):
    numero: str = Field(alias="number")
    montant: Decimal = Field(alias="amount")
    emis_le: date = Field(alias="issued_on")
    recouvre_le: date | None = Field(alias="recovered_on")


class BalanceOut(Schema):
    volet: int
    montant_alloue: Decimal = Field(alias="allocated")
    cout_eligible_realise: Decimal = Field(alias="eligible_cost")
    contribution_due: Decimal = Field(alias="due")
    deja_verse: Decimal = Field(alias="paid")
    solde: Decimal = Field(alias="balance", description="Contribution due moins déjà versé : négatif, un trop-versé")
    a_reverser: Decimal = Field(alias="to_recover", description="Le trop-versé, objet du titre de perception")
    arrete_le: datetime = Field(alias="settled_at")
    titre_de_perception: RecoveryOut | None = None

    @staticmethod
    def resolve_titre_de_perception(balance):
        return getattr(balance, "recovery", None)


class ReportLineOut(Schema):
    volet: int
    rubrique: str = Field(alias="section")
    nature: str
    objet: str = Field(alias="purpose")
    unites: Decimal | None = Field(alias="units")
    cout_unitaire: Decimal | None = Field(alias="unit_cost")
    periode: str = Field(alias="period")
    montant: Decimal = Field(alias="amount")


class MidYearOut(Schema):
    annee: int = Field(alias="year")
    volet: int
    actions_engagees: str = Field(alias="actions_engaged")
    difficultes: str = Field(alias="difficulties")
    credits_engages: Decimal = Field(alias="credits_committed")
    chiffres: dict[str, str] = Field(alias="figures")
    transmise_le: datetime = Field(alias="sent_at")


class FollowUpOut(Schema):
    bilan_mise_en_oeuvre: str
    syntheses_mi_annee: list[MidYearOut]


class ServiceOut(Schema):
    id: str
    departement: str
    enregistrement: dict[str, Any]
    conventions: list[int]

    @staticmethod
    def resolve_enregistrement(s):
        return s.data

    @staticmethod
    def resolve_conventions(s):
        return [f.convention_id for f in s.fundings.all()]


@api.get("/conventions", response=documented(list[ConventionOut]), summary="Conventions visibles par le compte")
@paginate(CursorPagination, ordering=("pk",))
def conventions(
    request,
    annee: int | None = Query(
        None, ge=1, le=9999, description="Les conventions en cours cette année, pluriannuelles comprises"
    ),
):
    from conventions.models import Convention

    queryset = Convention.objects.for_user(request.user).select_related("collectivity")
    if annee:
        queryset = queryset.covering(annee)
    return queryset


@api.get("/conventions/{convention_id}", response=documented(ConventionOut), summary="Une convention")
def convention(request, convention_id: int):
    return permissions.convention_or_404(request.user, convention_id)


@api.get(
    "/conventions/{convention_id}/plan",
    response=documented(list[PlanLineOut]),
    summary="Plan de financement (annexe 2)",
)
def financing_plan(request, convention_id: int):
    return permissions.convention_or_404(request.user, convention_id).plan_lines.all()


@api.get(
    "/conventions/{convention_id}/versements", response=documented(list[PaymentOut]), summary="Versements par volet"
)
def payments(request, convention_id: int):
    return permissions.convention_or_404(request.user, convention_id).payments.order_by("year", "volet", "pk")


@api.get(
    "/conventions/{convention_id}/tranches",
    response=documented(list[TrancheOut]),
    summary="Tranches annuelles par volet (une seule, ses montants, pour une convention d'un an)",
)
def tranches(request, convention_id: int):
    from funding.tranches import tranches_of

    convention = permissions.convention_or_404(request.user, convention_id)
    return [
        TrancheOut(annee=year, **{f"montant_volet{volet.value}": amount for volet, amount in amounts.items()})
        for year, amounts in sorted(tranches_of(convention).items())
    ]


@api.get(
    "/conventions/{convention_id}/bilan", response=documented(list[ReportLineOut]), summary="Bilan financier (annexe 3)"
)
def financial_report(request, convention_id: int):
    return permissions.convention_or_404(request.user, convention_id).report_lines.all()


@api.get(
    "/conventions/{convention_id}/soldes",
    response=documented(list[BalanceOut]),
    summary="Soldes arrêtés par volet (R-FIN-08) : solde à verser ou montant à reverser, titre de perception",
)
def balances(request, convention_id: int):
    convention = permissions.convention_or_404(request.user, convention_id)
    return convention.balances.select_related("recovery")


@api.get(
    "/conventions/{convention_id}/suivi",
    response=documented(FollowUpOut),
    summary="Synthèses à mi-année par volet et bilan de mise en œuvre (article 3.2)",
)
def follow_up(request, convention_id: int):
    convention = permissions.convention_or_404(request.user, convention_id)
    report = getattr(convention, "financial_report", None)
    return {
        "bilan_mise_en_oeuvre": report.implementation_summary if report else "",
        "syntheses_mi_annee": list(convention.mid_year_syntheses.order_by("year", "volet")),
    }


@api.get(
    "/collectivites/{code}/indicateurs/volet3",
    response=documented(list[dict[str, Any]]),
    summary="Tableau du volet 3, un mois par ligne (définitions : docs/indicators.md)",
)
def volet3_indicators(request, code: str):
    collectivity = permissions.collectivity_or_404(request.user, code, permissions.may_view_indicators)
    return [
        {k: (str(v) if isinstance(v, Decimal) else v) for k, v in {**row, "mois": row["mois"].isoformat()}.items()}
        for row in results.monthly_rows(collectivity, "volet3")
    ]


@api.get(
    "/offre/services", response=documented(list[ServiceOut]), summary="Services de l'offre (schéma data·inclusion)"
)
@paginate(CursorPagination, ordering=("pk",))
def offer_services(request, departement: str | None = None, thematique: str | None = None):
    from offer.models import OfferService

    allowed = permissions.offer_departements(request.user)
    queryset = OfferService.objects.all() if allowed is None else OfferService.objects.filter(departement__in=allowed)
    if departement:
        queryset = queryset.filter(departement=departement)
    if thematique:
        queryset = queryset.filter(thematiques__icontains=f'"{thematique}"')
    return queryset.prefetch_related("fundings")


# The API authenticates its callers itself (401, not a redirect to the login page): its views opt out
# of the login middleware. The OpenAPI description and its page are public.
urls = api.urls
for pattern in urls[0]:
    pattern.callback = login_not_required(pattern.callback)
