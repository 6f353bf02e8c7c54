"""Finding 1 of the security audit: an offer import must not overwrite the records another territory
referenced (cd-59 importing Ain's ids moved them to the Nord, renamed them and took their funding link)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from offer.models import OfferService, OfferStructure
from offer.sample_data import BASES, service, structure

pytestmark = pytest.mark.django_db


def upload(structures, services):
    return SimpleUploadedFile("offre.json", json.dumps({"structures": structures, "services": services}).encode())


def test_an_identifier_of_another_territory_is_refused_and_nothing_moves(client, make_user):
    ain = structure(0, *BASES[0])
    ain_service = service(1, ain, "Aide aux démarches", ["mobilite--preparer-un-permis"])
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    client.post(reverse("offer:import"), {"file": upload([ain], [ain_service])})
    nord = {"commune": "Lille", "code_insee": "59350", "code_postal": "59000"}
    taken = {**ain, "nom": "Reprise par le Nord", **nord}
    taken_service = {**ain_service, "nom": "Service repris", **nord}
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "59D"))
    page = client.post(
        reverse("offer:import"), {"file": upload([taken], [taken_service])}, follow=True
    ).content.decode()
    assert "Import refusé, rien n&#x27;a été enregistré" in page
    assert "Structures, ligne 1, champ « id » : identifiant « fixture--0 » déjà référencé par un autre" in page
    assert "Services, ligne 1, champ « id » : identifiant « fixture-service--1 » déjà référencé" in page
    kept = OfferStructure.objects.get(id="fixture--0")
    assert (kept.departement, kept.nom) == ("01", BASES[0][0])
    assert OfferService.objects.get(id="fixture-service--1").departement == "01"
