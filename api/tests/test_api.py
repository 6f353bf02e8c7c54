"""The API: token authentication, the same permissions as the pages, delivery upload end to end."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.models import Role
from api.models import ApiToken
from conventions import services
from funding import payments, settlement
from indicators.models import Delivery
from indicators.tests.examples import example_zip
from tests.factories import advances_paid, signed, signed_with_advances, terminated_with_report, triennial

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.INDICATORS_DATA_DIR = tmp_path / "indicateurs"


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def council_key(make_user):
    _, key = ApiToken.issue(user=make_user(Role.DEPARTMENTAL_COUNCIL, "01D"), name="SI du département")
    return key


def test_upload_by_api_then_read_status_and_indicators(client, council_key):
    response = client.post("/api/v1/collectivites/01D/livraisons", {"fichiers": [example_zip()]}, **bearer(council_key))
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["etat"] == "acceptee"
    assert body["lignes"] == {"situations_mensuelles": 131, "orientations": 13}
    status = client.get(f"/api/v1/livraisons/{body['id']}", **bearer(council_key)).json()
    assert status["premier_mois"] == "2022-10-01"
    rows = client.get("/api/v1/collectivites/01D/indicateurs/volet2", **bearer(council_key)).json()
    february = next(r for r in rows if r["mois"] == "2024-02-01")
    assert (february["nouveaux_entrants"], february["orientes_15_jours"], february["orientes_1_mois"]) == (3, 1, 3)


def test_the_conventions_of_a_year_hold_the_multi_year_ones_running_that_year(client, council_key):
    convention = triennial()
    for year, listed in (
        (2024, []),
        (2025, [convention.pk]),
        (2026, [convention.pk]),
        (2027, [convention.pk]),
        (2028, []),
    ):
        body = client.get("/api/v1/conventions", {"annee": year}, **bearer(council_key)).json()
        assert [c["id"] for c in body["results"]] == listed, year
    (served,) = client.get("/api/v1/conventions", {"annee": 2026}, **bearer(council_key)).json()["results"]
    assert (served["annee"], served["debut"], served["fin"]) == (2025, "2025-01-01", "2027-12-31")
    for year, message in ((0, "doit être supérieur ou égal à 1"), (10000, "doit être inférieur ou égal à 9999")):
        refused = client.get("/api/v1/conventions", {"annee": year}, **bearer(council_key))
        assert (refused.status_code, refused.json()["detail"][0]["msg"]) == (422, message)


def test_refused_delivery_by_api_lists_the_errors(client, council_key):
    zipped = example_zip(replace=("orientations.csv", "B01;2024-03-15", "B01;15/13/2024"))
    body = client.post("/api/v1/collectivites/01D/livraisons", {"fichiers": [zipped]}, **bearer(council_key)).json()
    assert body["etat"] == "refusee"
    assert body["erreurs"] == [
        "orientations.csv, ligne 2, colonne « date_notification », valeur « 15/13/2024 » : date inexistante"
    ]


def test_neighbour_and_revoked_tokens_are_refused(client, make_user, council_key):
    _, neighbour = ApiToken.issue(user=make_user(Role.DEPARTMENTAL_COUNCIL, "38D"), name="voisin")
    response = client.post("/api/v1/collectivites/01D/livraisons", {"fichiers": [example_zip()]}, **bearer(neighbour))
    assert response.status_code == 404
    assert client.get("/api/v1/collectivites/01D/indicateurs/volet2", **bearer(neighbour)).status_code == 404
    assert not Delivery.objects.exists()
    ApiToken.objects.update(revoked_at="2024-01-01T00:00:00Z")
    assert client.get("/api/v1/collectivites/01D/indicateurs/volet2", **bearer(council_key)).status_code == 401
    assert client.get("/api/v1/collectivites/01D/indicateurs/volet2", **bearer("cie_faux")).status_code == 401


def test_token_is_stored_as_a_digest_only(make_user, capsys):
    make_user(Role.DGEFP, username="dgefp")
    call_command("create_api_token", "dgefp", "--nom", "entrepôt national")
    key = capsys.readouterr().out.strip()
    assert key.startswith("cie_")
    token = ApiToken.objects.get()
    assert key not in token.key_digest and len(token.key_digest) == 64


def test_openapi_is_published(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/collectivites/{code}/livraisons" in schema["paths"]


def test_api_reads_with_cursor_pagination_and_the_same_permissions(client, make_user):
    from offer.models import OfferService
    from offer.sample_data import BASES, service, structure
    from offer.services import save_offer
    from offer.validation import validate
    from territories.models import Collectivity

    for code in ("01D", "38D", "59D"):
        services.convention_create(collectivity=Collectivity.objects.get(code=code), year=2024)
    _, dreets = ApiToken.issue(user=make_user(Role.DREETS, "84"), name="SI régional")
    response = client.get("/api/v1/conventions", {"page_size": 1}, **bearer(dreets))
    body = response.json()
    assert [c["collectivite"] for c in body["results"]] == ["01D"]
    second = client.get(body["next"], **bearer(dreets)).json()  # "next" is the URL of the next page
    assert [c["collectivite"] for c in second["results"]] == ["38D"] and second["next"] is None
    nord = services.convention_create(collectivity=Collectivity.objects.get(code="59D"), year=2025)
    assert client.get(f"/api/v1/conventions/{nord.pk}", **bearer(dreets)).status_code == 404
    ain = services.convention_create(collectivity=Collectivity.objects.get(code="01D"), year=2025)
    assert client.get(f"/api/v1/conventions/{ain.pk}/versements", **bearer(dreets)).json() == []
    assert Decimal(client.get(f"/api/v1/conventions/{ain.pk}", **bearer(dreets)).json()["montant_volet1"]) == 0

    s = structure(1, *BASES[0])
    structures, _ = validate("structures", [(2, s)])
    svc, _ = validate("services", [(2, service(1, s, "Aide", ["mobilite--preparer-un-permis"]))])
    save_offer(structures, svc)
    _, neighbour = ApiToken.issue(user=make_user(Role.DEPARTMENTAL_COUNCIL, "38D"), name="voisin")
    assert client.get("/api/v1/offre/services", **bearer(neighbour)).json()["results"] == []
    mine = client.get("/api/v1/offre/services", **bearer(dreets)).json()["results"]
    assert [r["enregistrement"]["nom"] for r in mine] == ["Aide"]
    assert OfferService.objects.count() == 1


def test_plan_and_report_lines_read_with_french_names(client, make_user):
    from funding.models import PlanLine, ReportLine
    from territories.models import Collectivity

    ain = services.convention_create(collectivity=Collectivity.objects.get(code="01D"), year=2024)
    PlanLine.objects.create(
        convention=ain, volet=2, section="remobilisation", nature="iae", purpose="Ateliers",
        state_amount=Decimal("1000.50"), collectivity_amount=Decimal("1000.50"),
    )  # fmt: skip
    ReportLine.objects.create(
        convention=ain, volet=2, section="remobilisation", nature="iae", purpose="Ateliers",
        units=Decimal("3"), unit_cost=Decimal("333.50"), period="2024", amount=Decimal("1000.50"),
    )  # fmt: skip
    _, key = ApiToken.issue(user=make_user(Role.DDETS, "01"), name="SI préfecture")
    plan = client.get(f"/api/v1/conventions/{ain.pk}/plan", **bearer(key)).json()
    assert plan == [
        {"volet": 2, "rubrique": "remobilisation", "nature": "iae", "objet": "Ateliers",
         "part_etat": "1000.50", "part_collectivite": "1000.50"},
    ]  # fmt: skip
    report = client.get(f"/api/v1/conventions/{ain.pk}/bilan", **bearer(key)).json()
    assert report == [
        {"volet": 2, "rubrique": "remobilisation", "nature": "iae", "objet": "Ateliers", "unites": "3.00",
         "cout_unitaire": "333.50", "periode": "2024", "montant": "1000.50"},
    ]  # fmt: skip


def test_a_malformed_parameter_is_a_422_in_french(client, council_key):
    response = client.get("/api/v1/conventions", {"annee": "deux-mille"}, **bearer(council_key))
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"type": "int_parsing", "loc": ["query", "annee"], "msg": "nombre entier invalide"}]
    }
    bad_cursor = client.get("/api/v1/conventions", {"cursor": "pas-un-curseur"}, **bearer(council_key))
    assert bad_cursor.status_code == 422
    assert bad_cursor.json()["detail"][0]["msg"] == "curseur de pagination invalide"


def test_a_multi_year_convention_serves_its_annual_tranches_and_each_advance_its_year(client, council_key, make_user):
    convention = signed(triennial(even_tranches=True), make_user(Role.DDETS, "01"), on=date(2025, 3, 10))
    payments.propose_year_advances(convention_id=convention.pk, year=2026, today=date(2026, 1, 5))
    tranches = client.get(f"/api/v1/conventions/{convention.pk}/tranches", **bearer(council_key)).json()
    assert tranches == [
        {"annee": year, "montant_volet1": "180000.00", "montant_volet2": "950000.00", "montant_volet3": "0.00"}
        for year in (2025, 2026, 2027)
    ]
    advances = client.get(f"/api/v1/conventions/{convention.pk}/versements", **bearer(council_key)).json()
    assert [(a["annee"], a["volet"], a["montant"], a["nature"]) for a in advances] == [
        (2025, 1, "108000.00", "avance"),
        (2025, 2, "570000.00", "avance"),
        (2026, 1, "108000.00", "avance"),
        (2026, 2, "570000.00", "avance"),
    ]


def test_a_convention_of_one_year_has_one_tranche_its_amounts(client, council_key, make_user):
    convention, _ = signed_with_advances(make_user)
    tranches = client.get(f"/api/v1/conventions/{convention.pk}/tranches", **bearer(council_key)).json()
    assert tranches == [
        {"annee": 2024, "montant_volet1": "200000.00", "montant_volet2": "1000000.00", "montant_volet3": "0.00"}
    ]
    _, isere = ApiToken.issue(user=make_user(Role.DEPARTMENTAL_COUNCIL, "38D"), name="SI de l'Isère")
    for endpoint in ("tranches", "soldes", "versements"):  # another territory's convention: not found, in French
        refused = client.get(f"/api/v1/conventions/{convention.pk}/{endpoint}", **bearer(isere))
        assert (refused.status_code, refused.json()["detail"]) == (404, "Introuvable (ou hors de votre périmètre).")


def test_the_settled_balances_with_the_amount_to_recover_and_its_title(client, council_key, make_user):
    convention, agent = signed_with_advances(make_user)
    assert client.get(f"/api/v1/conventions/{convention.pk}/soldes", **bearer(council_key)).json() == []
    advances_paid(convention, agent, make_user(Role.DDETS, "01", username="ddets-comptable"))
    terminated_with_report(convention, agent, Decimal("400000.00"))
    settled = settlement.settle_balances(convention=convention, by=agent, on=date(2024, 9, 1))
    settlement.record_recovery(
        balance_id=settled[0].pk, by=agent, number="TP-2024-001", issued_on=date(2024, 9, 5), amount=Decimal("120000")
    )
    body = client.get(f"/api/v1/conventions/{convention.pk}/soldes", **bearer(council_key)).json()
    assert [
        (b["volet"], b["contribution_due"], b["deja_verse"], b["solde"], b["a_reverser"], b["titre_de_perception"])
        for b in body
    ] == [
        (1, "0.00", "120000.00", "-120000.00", "120000.00",
         {"numero": "TP-2024-001", "montant": "120000.00", "emis_le": "2024-09-05", "recouvre_le": None}),
        (2, "200000.00", "600000.00", "-400000.00", "400000.00", None),
        (3, "0.00", "0.00", "0.00", "0.00", None),
    ]  # fmt: skip
