"""The offer in the platform: import by the animateur, territory checks, dashboard, search,
duplicates, funding links."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from offer.models import DuplicateCandidate, OfferService, OfferStructure, ServiceFunding
from offer.sample_data import BASES, service, structure

pytestmark = pytest.mark.django_db


def export_file(structures, services, name="offre.json"):
    return SimpleUploadedFile(name, json.dumps({"structures": structures, "services": services}).encode())


@pytest.fixture
def ain_offer():
    structures = [structure(i, *base) for i, base in enumerate(BASES[:6])]
    structures.append(
        structure(99, "C.C.A.S. Bourg-en-Bresse", "Bourg-en-Bresse", "3 avenue Arsène d'Arsonval", "21010053900012")
    )
    services = [
        service(
            1,
            structures[0],
            "Aide aux démarches",
            ["difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives"],
        ),
        service(2, structures[6], "Permis B accompagné", ["mobilite--preparer-un-permis"], publics=["jeunes"]),
        service(3, structures[3], "Colis alimentaires", ["equipement-et-alimentation--alimentation"]),
    ]
    return structures, services


def test_r_offre_01_animateur_imports_and_sees_coverage_and_duplicates(client, make_user, ain_offer):
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    page = client.post(reverse("offer:import"), {"file": export_file(*ain_offer)}, follow=True).content.decode()
    assert "Import réussi : 7 structures, 3 services" in page
    assert OfferService.objects.get(id="fixture-service--2").departement == "01"
    dashboard = client.get(reverse("offer:dashboard"), {"territoire": "01D"}).content.decode()
    assert "à renforcer" in dashboard and "priorité" in dashboard
    candidate = DuplicateCandidate.objects.get(kind="structures")
    assert {candidate.first_id, candidate.second_id} == {"fixture--0", "fixture--99"}
    assert "même SIRET" in candidate.reasons


def test_import_is_all_or_nothing_with_line_and_field(client, make_user, ain_offer):
    structures, services = ain_offer
    services[1]["thematiques"] = ["mobilite--inventee"]
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    page = client.post(
        reverse("offer:import"), {"file": export_file(structures, services)}, follow=True
    ).content.decode()
    assert "Import refusé, rien n&#x27;a été enregistré : Services, ligne 2, champ « thematiques" in page
    assert not OfferStructure.objects.exists()


def test_dora_export_imported_in_two_files(client, make_user):
    data = Path(__file__).parent.parent / "samples"
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    for kind in ("structures", "services"):
        upload = SimpleUploadedFile(f"dora-{kind}.csv", (data / f"dora-{kind}.csv").read_bytes())
        page = client.post(reverse("offer:import"), {"file": upload}, follow=True).content.decode()
        assert "Import réussi" in page
    service = OfferService.objects.get(id="c0ffee00-1111-4c2d-8e9f-000000000002")
    assert service.departement == "01"
    assert service.data["frais"] == "gratuit"
    assert OfferStructure.objects.get(id=service.data["structure_id"]).data["nom"].startswith("Mobilité 01")


def test_another_territory_is_refused(client, make_user, ain_offer):
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "38D"))
    page = client.post(reverse("offer:import"), {"file": export_file(*ain_offer)}, follow=True).content.decode()
    assert "champ « code_insee » : hors du territoire de votre compte" in page
    assert not OfferService.objects.exists()
    client.force_login(make_user(Role.FRANCE_TRAVAIL, "01"))
    assert client.post(reverse("offer:import"), {"file": export_file(*ain_offer)}).status_code == 404


def test_merge_keeps_the_first_and_moves_funding_links(client, make_user, ain_offer):
    from conventions import services as convention_services
    from territories.models import Collectivity

    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    client.post(reverse("offer:import"), {"file": export_file(*ain_offer)})
    convention = convention_services.convention_create(collectivity=Collectivity.objects.get(code="01D"), year=2024)
    client.post(reverse("offer:link_funding", args=["fixture-service--2"]), {"convention": convention.pk})
    assert ServiceFunding.objects.get().service_id == "fixture-service--2"
    search = client.get(reverse("offer:search"), {"thematique": "mobilite--preparer-un-permis"}).content.decode()
    assert "Permis B accompagné" in search and "Convention 2024 – Ain" in search
    candidate = DuplicateCandidate.objects.get(kind="structures")
    client.post(reverse("offer:review", args=[candidate.pk]), {"decision": "fusionne"})
    assert not OfferStructure.objects.filter(id="fixture--99").exists()
    assert OfferService.objects.get(id="fixture-service--2").structure_id == "fixture--0"
    assert DuplicateCandidate.objects.get().status == "fusionne"
    links = client.get(reverse("offer:export", args=["financements"])).content.decode("utf-8").splitlines()
    assert links[1].startswith("fixture-service--2;")


def test_exports_accept_by_the_official_models(client, make_user, ain_offer):
    from data_inclusion.schema.v1 import Service, Structure

    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    client.post(reverse("offer:import"), {"file": export_file(*ain_offer)})
    exported = json.loads(client.get(reverse("offer:export", args=["json"])).content)
    assert len(exported["structures"]) == 7 and len(exported["services"]) == 3
    for record in exported["structures"]:
        Structure.model_validate(record)
    for record in exported["services"]:
        Service.model_validate(record)
    # Re-importing the export changes nothing: identical data.
    before = {s.id: s.data for s in OfferService.objects.all()}
    client.post(reverse("offer:import"), {"file": SimpleUploadedFile("offre.json", json.dumps(exported).encode())})
    assert {s.id: s.data for s in OfferService.objects.all()} == before


def test_entering_a_structure_and_a_service_by_hand(client, make_user):
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    page = client.post(
        reverse("offer:enter", args=["structure"]),
        {
            "nom": "Garage solidaire",
            "siret": "123",
            "code_postal": "01000",
            "code_insee": "01053",
            "commune": "Bourg-en-Bresse",
        },
    ).content.decode()
    assert "au moins 14 caractères" in page
    assert not OfferStructure.objects.exists()
    client.post(
        reverse("offer:enter", args=["structure"]),
        {"nom": "Garage solidaire", "siret": "82345678900011", "code_postal": "01000", "code_insee": "01053",
         "commune": "Bourg-en-Bresse", "adresse": "17 route de Lyon"},
    )  # fmt: skip
    created = OfferStructure.objects.get()
    client.post(
        reverse("offer:enter", args=["service"]),
        {"structure": created.pk, "nom": "Location de voitures à petit prix", "description": "Location solidaire.",
         "thematiques": ["mobilite--acceder-a-un-vehicule"], "publics": ["beneficiaires-des-minimas-sociaux"]},
    )  # fmt: skip
    service = OfferService.objects.get()
    assert (service.departement, service.thematiques) == ("01", ["mobilite--acceder-a-un-vehicule"])
    page = client.post(
        reverse("offer:enter", args=["structure"]),
        {"nom": "Ailleurs", "code_postal": "38000", "code_insee": "38185", "commune": "Grenoble"},
    ).content.decode()
    assert "hors du territoire de votre compte" in page


def test_offer_tables_export_search_duplicates_and_coverage(client, make_user, ain_offer):
    import io

    from openpyxl import load_workbook

    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    client.post(reverse("offer:import"), {"file": export_file(*ain_offer)})
    found = client.get(reverse("offer:search"), {"thematique": "mobilite--preparer-un-permis", "format": "csv"})
    lines = found.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("identifiant;service;structure;commune;département;thématiques")
    assert len(lines) == 2 and ";Permis B accompagné;C.C.A.S. Bourg-en-Bresse;" in lines[1]
    queue = load_workbook(io.BytesIO(client.get(reverse("offer:duplicates"), {"format": "xlsx"}).content))
    pairs = list(queue["Doublons probables"].iter_rows(min_row=2, values_only=True))
    assert {pairs[0][1], pairs[0][3]} == {"fixture--0", "fixture--99"}
    themes = client.get(reverse("offer:dashboard"), {"territoire": "01D", "format": "csv", "tableau": "thematiques"})
    rows = themes.content.decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + 69
    assert "Préparer un permis" in next(r for r in rows if "permis" in r.lower())


def test_bulk_import_keeps_one_history_record_per_real_change(client, make_user, ain_offer):
    agent = make_user(Role.DEPARTMENTAL_COUNCIL, "01D", first_name="Ana", last_name="Fictive")
    client.force_login(agent)
    client.post(reverse("offer:import"), {"file": export_file(*ain_offer)})
    structures, services = ain_offer
    original = structures[1]["nom"]
    structures[1] = {**structures[1], "nom": "Nouveau nom"}
    client.post(reverse("offer:import"), {"file": export_file(structures, services)})
    changed = OfferStructure.objects.get(id="fixture--1")
    assert [(h.history_type, h.nom, h.history_user) for h in changed.history.order_by("history_date")] == [
        ("+", original, agent),
        ("~", "Nouveau nom", agent),
    ]
    assert OfferStructure.objects.get(id="fixture--0").history.count() == 1  # unchanged: no new record
    assert OfferService.history.filter(history_type="+").count() == 3
