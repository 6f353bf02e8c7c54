"""REST API (django-ninja, OpenAPI at /api/v1/docs). The same permission module as the pages;
an object out of the caller's scope answers 404."""

from datetime import date

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import File, NinjaAPI, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from accounts import permissions
from api.auth import TokenAuth
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


def _collectivity(user, code, allowed):
    collectivity = get_object_or_404(permissions.visible_collectivities(user), code=code)
    if not allowed(user, collectivity):
        raise Http404
    return collectivity


@api.post(
    "/collectivites/{code}/livraisons",
    response={202: DeliveryOut, 400: Refusal},
    summary="Déposer une livraison de données bénéficiaires (zip, ou fichiers CSV / Parquet)",
)
def upload_delivery(request, code: str, fichiers: list[UploadedFile] = File(...)):  # noqa: B008 - ninja's idiom
    collectivity = _collectivity(request.user, code, permissions.may_upload_delivery)
    try:
        delivery = receive_delivery(collectivity=collectivity, user=request.user, files=fichiers)
    except UploadRefused as refusal:
        return Status(400, {"detail": str(refusal)})
    return Status(202, DeliveryOut.of(delivery))


@api.get("/livraisons/{delivery_id}", response=DeliveryOut, summary="État d'une livraison et ses erreurs")
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
    response=list[Volet2Row],
    summary="Tableau du volet 2 (annexe 4 §4), un mois par ligne",
)
def volet2_indicators(request, code: str):
    collectivity = _collectivity(request.user, code, permissions.may_view_indicators)
    return [Volet2Row(**row) for row in results.volet2_rows(collectivity)]


# The API authenticates its callers itself (401, not a redirect to the login page): its views opt out
# of the login middleware. The OpenAPI description and its page are public.
urls = api.urls
for pattern in urls[0]:
    pattern.callback = login_not_required(pattern.callback)
