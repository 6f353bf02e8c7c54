"""The offer's writes, below the pages: detection within a territory, the warnings of an import, merges."""

import json

import pytest

from offer import services
from offer.models import DuplicateCandidate, OfferService, OfferStructure, ServiceFunding
from offer.sample_data import BASES, service, structure
from territories.models import Collectivity
from tests.factories import ActionSheetFactory, ConventionFactory

pytestmark = pytest.mark.django_db

ISERE = {"code_insee": "38185", "code_postal": "38000"}  # Grenoble


def twin_structures(first: int, **place) -> list[dict]:
    """Two records of one structure (same SIRET, name and address), in the Ain unless `place` says otherwise."""
    name, commune, address, siret = BASES[0]
    return [structure(first + i, name, commune, address, siret, **place) for i in range(2)]


def test_detection_for_a_departement_leaves_the_others_alone():
    services.save_offer([*twin_structures(0), *twin_structures(10, **ISERE)], [])

    services.detect_duplicates(["01"])
    assert set(DuplicateCandidate.objects.values_list("departement", "first_id", "second_id")) == {
        ("01", "fixture--0", "fixture--1")
    }

    services.detect_duplicates()  # nationally
    assert set(DuplicateCandidate.objects.values_list("departement", flat=True)) == {"01", "38"}


def test_services_are_compared_as_services():
    """Two services of one structure with the same themes: the reasons name the structure and the themes, which
    only the comparison of services weighs."""
    home = structure(0, *BASES[0])
    themes = ["mobilite--preparer-un-permis"]
    services.save_offer([home], [service(1, home, "Permis B accompagné", themes), service(2, home, "Permis B", themes)])

    services.detect_duplicates(["01"])

    candidate = DuplicateCandidate.objects.get(kind="services")
    assert (candidate.first_id, candidate.second_id) == ("fixture-service--1", "fixture-service--2")
    assert {"même structure", "mêmes thématiques"} <= set(candidate.reasons)


def test_an_import_returns_its_warnings_and_saves_the_lines():
    good = structure(1, *BASES[1])
    warned = structure(2, "Épicerie sociale Le Panier Bressan.", *BASES[2][1:])
    data = json.dumps({"structures": [good, warned], "services": []}).encode()

    result = services.import_offer(filename="offre.json", data=data, allowed_departements={"01"})

    assert (result.structures, result.services) == (2, 0)
    assert [(w.line, w.field, w.level) for w in result.warnings] == [(2, "nom", "avertissement")]
    assert OfferStructure.objects.count() == 2


def test_merging_two_services_moves_the_funding_links_the_first_lacks():
    home = structure(0, *BASES[0])
    services.save_offer([home], [service(1, home, "Permis B", []), service(2, home, "Permis B accompagné", [])])
    kept, dropped = OfferService.objects.get(id="fixture-service--1"), OfferService.objects.get(id="fixture-service--2")
    convention = ConventionFactory(collectivity=Collectivity.objects.get(code="01D"))
    sheet = ActionSheetFactory(convention=convention)
    ServiceFunding.objects.create(service=kept, convention=convention, action_sheet=None)
    ServiceFunding.objects.create(service=dropped, convention=convention, action_sheet=None)  # the first has it
    ServiceFunding.objects.create(service=dropped, convention=convention, action_sheet=sheet)  # it has not
    candidate = DuplicateCandidate.objects.create(
        kind="services", first_id=kept.id, second_id=dropped.id, score=0.9, reasons=[], departement="01"
    )

    services.review(candidate=candidate, decision=DuplicateCandidate.Status.MERGED, by=None)

    assert not OfferService.objects.filter(id=dropped.id).exists()
    assert set(ServiceFunding.objects.values_list("service_id", "action_sheet")) == {
        (kept.id, None),
        (kept.id, sheet.pk),
    }
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.MERGED


def test_merging_a_pair_whose_second_record_is_gone_only_records_the_decision():
    services.save_offer(twin_structures(0), [])
    candidate = DuplicateCandidate.objects.create(
        kind="structures", first_id="fixture--0", second_id="fixture--1", score=1.0, reasons=[], departement="01"
    )
    OfferStructure.objects.filter(id="fixture--1").delete()  # removed by another import meanwhile

    services.review(candidate=candidate, decision=DuplicateCandidate.Status.MERGED, by=None)

    assert list(OfferStructure.objects.values_list("id", flat=True)) == ["fixture--0"]
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.MERGED
