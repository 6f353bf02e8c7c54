"""Validation with the official models, file formats, coverage and duplicate detection, without a database."""

import io
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from data_inclusion.schema.v1 import Service, Structure
from openpyxl import load_workbook

from offer import coverage, duplicates, files
from offer.sample_data import BASES, labelled_structures, service, structure
from offer.services import departement_of
from offer.validation import validate


def test_r_offre_01_bad_inputs_per_line_and_field():
    good = structure(1, "Centre social Le Lavoir", "Oyonnax", "7 rue du Lavoir", "40123456700010")
    rows = [
        (2, good),
        (3, {**good, "id": "x3", "siret": "4012345670001"}),
        (4, {**good, "id": "x4", "code_postal": "1100"}),
        (5, {**good, "id": "x5", "date_maj": "2099-01-01"}),
        (6, {**good, "id": "x6", "nom": "Centre social Le Lavoir."}),
        (7, {k: v for k, v in good.items() if k != "nom"} | {"id": "x7"}),
    ]
    records, issues = validate("structures", rows)
    found = {(i.line, i.field, i.level) for i in issues}
    assert (3, "siret", "erreur") in found
    assert (4, "code_postal", "erreur") in found
    assert (5, "date_maj", "erreur") in found
    assert (6, "nom", "avertissement") in found
    assert (7, "nom", "erreur") in found
    assert [r["id"] for r in records] == ["fixture--1", "x6"]  # a warning does not reject the line
    message = next(str(i) for i in issues if i.line == 5)
    assert message == (
        "Structures, ligne 5, champ « date_maj » : "
        "La date de dernière modification ne peut pas être dans le futur. (erreur)"
    )


def test_r_offre_01_messages_are_french_with_the_value_and_the_allowed_ones():
    good = structure(1, "Centre social Le Lavoir", "Oyonnax", "7 rue du Lavoir", "40123456700010")
    rows = [
        (2, {**good, "siret": "4012345670001"}),
        (3, {**good, "site_web": "pas une adresse"}),
        (4, {k: v for k, v in good.items() if k != "nom"}),
        (5, {**good, "courriel": "accueil.lavoir.fr"}),
        (6, {**good, "date_maj": "2024-13-45"}),
    ]
    messages = [str(i) for i in validate("structures", rows)[1]]
    assert messages == [
        "Structures, ligne 2, champ « siret » : au moins 14 caractères (erreur)",
        "Structures, ligne 3, champ « site_web » : adresse web invalide (erreur)",
        "Structures, ligne 4, champ « nom » : champ obligatoire absent (erreur)",
        "Structures, ligne 5, champ « courriel » : adresse électronique invalide (erreur)",
        "Structures, ligne 6, champ « date_maj » : date invalide (AAAA-MM-JJ attendu) (erreur)",
    ]
    paying = {**service(1, good, "Atelier", ["mobilite--preparer-un-permis"]), "frais": "cher"}
    assert [str(i) for i in validate("services", [(2, paying)])[1]] == [
        "Services, ligne 2, champ « frais » : valeur « cher » inconnue ; valeurs admises : gratuit, payant (erreur)"
    ]


def test_r_offre_01_unknown_thematique_or_public():
    s = structure(1, "Centre social Le Lavoir", "Oyonnax", "7 rue du Lavoir", None)
    rows = [
        (2, service(1, s, "Atelier", ["mobilite--inventee"])),
        (3, service(2, s, "Atelier", ["mobilite--preparer-un-permis"], publics=["martiens"])),
    ]
    records, issues = validate("services", rows)
    assert records == []
    assert [(i.line, i.field.split(".")[0]) for i in issues] == [(2, "thematiques"), (3, "publics")]


def test_lists_in_csv_cells_as_json_or_separated():
    s = structure(1, "Centre social Le Lavoir", "Oyonnax", "7 rue du Lavoir", None)
    row = {
        **service(1, s, "Atelier", []),
        "thematiques": "mobilite--preparer-un-permis|sante--acces-aux-soins",
        "publics": '["jeunes"]',
    }
    records, issues = validate("services", [(2, row)])
    assert issues == []
    assert sorted(records[0]["thematiques"]) == ["mobilite--preparer-un-permis", "sante--acces-aux-soins"]
    assert records[0]["publics"] == ["jeunes"]


@pytest.fixture
def offer():
    structures = [structure(i, *base) for i, base in enumerate(BASES[:5])]
    services = [
        service(
            1,
            structures[0],
            "Aide aux démarches",
            ["difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives"],
        ),
        service(2, structures[1], "Permis accompagné", ["mobilite--preparer-un-permis"], publics=["jeunes"]),
    ]
    structures_records, _ = validate("structures", [(i + 2, s) for i, s in enumerate(structures)])
    service_records, _ = validate("services", [(i + 2, s) for i, s in enumerate(services)])
    return {"structures": structures_records, "services": service_records}


@pytest.mark.parametrize("fmt", ["json", "xlsx", "csv", "parquet"])
def test_r_offre_03_round_trip_and_exports_pass_the_official_models(offer, fmt):
    if fmt == "json":
        read = files.read_offer("offre.json", files.write_json(offer))
    elif fmt == "xlsx":
        read = files.read_offer("offre.xlsx", files.write_xlsx(offer))
    elif fmt == "csv":
        read = {k: files.read_offer(f"{k}.csv", files.write_csv(offer[k]))[k] for k in files.KINDS}
    else:
        read = {k: files.read_offer(f"{k}.parquet", files.write_parquet(offer[k]))[k] for k in files.KINDS}
    for kind, model in (("structures", Structure), ("services", Service)):
        again, issues = validate(kind, read[kind])
        assert issues == []
        assert again == offer[kind]
        for record in again:
            model.model_validate(record)


def test_xlsx_has_the_two_sheets(offer):
    workbook = load_workbook(io.BytesIO(files.write_xlsx(offer)))
    assert workbook.sheetnames == ["Structures", "Services"]
    assert workbook["Services"]["A1"].value == "source"
    assert pq.read_table(io.BytesIO(files.write_parquet(offer["services"]))).num_rows == 2


def test_r_offre_02_coverage_priorities_first_and_themes_to_reinforce():
    rows = coverage.coverage(
        [["mobilite--preparer-un-permis"], ["mobilite--preparer-un-permis", "sante--acces-aux-soins"]]
    )
    assert len(rows) == 69
    assert rows[0].priority
    permit = next(r for r in rows if r.code == "mobilite--preparer-un-permis")
    assert (permit.services, permit.status) == (2, "référencée plusieurs fois")
    childcare = next(r for r in rows if r.code == "famille--garde-denfants")
    assert childcare.priority and childcare.status == "à renforcer"
    assert coverage.summary(rows) == {"thematiques": 69, "a_renforcer": 67, "plusieurs_fois": 1}


def test_r_offre_02_duplicate_detection_precision_and_recall_on_a_labelled_fixture():
    records, pairs = labelled_structures()
    assert len(pairs) >= 100
    found = {tuple(sorted((p.a, p.b))) for p in duplicates.find_duplicates(records)}
    true_positive = sum(1 for a, b, dup in pairs if dup and tuple(sorted((a, b))) in found)
    false_positive = sum(1 for a, b, dup in pairs if not dup and tuple(sorted((a, b))) in found)
    false_negative = sum(1 for a, b, dup in pairs if dup and tuple(sorted((a, b))) not in found)
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    assert precision >= 0.95, (precision, recall)
    assert recall >= 0.85, (precision, recall)


def test_duplicates_normalisation():
    assert duplicates.normalise("C.C.A.S. de Saint-Denis") == "centre communal action sociale de saint denis"
    assert duplicates.name_similarity("Restos du Cœur Ambérieu", "RESTOS DU COEUR AMBERIEU") == 1.0


DORA = Path(__file__).parent.parent / "samples"


def _dora(kind: str, edit=None) -> dict:
    data = (DORA / f"dora-{kind}.csv").read_bytes()
    if edit:
        data = edit(data)
    return files.read_offer(f"dora-{kind}.csv", data)


def test_r_offre_01_dora_csv_export_read_as_data_inclusion_v1():
    structures, issues = validate("structures", _dora("structures")["structures"])
    assert issues == []
    ccas = structures[0]
    assert ccas["nom"] == "Centre communal d'action sociale de Bourg-en-Bresse"  # the final dot removed
    assert ccas["date_maj"] == "2026-10-14"  # DORA's timestamp reduced to the date
    assert ccas["description"].startswith("Accueil et accompagnement social")
    assert ccas["horaires_accueil"] == "Lundi au vendredi 8h30-12h et 13h30-17h"
    assert ccas["reseaux_porteurs"] == ["france-travail"]
    services, issues = validate("services", _dora("services")["services"])
    assert issues == []
    rsa, mobility = services
    assert rsa["publics"] == ["beneficiaires-des-minimas-sociaux"]
    assert rsa["publics_precisions"] == "adultes"  # no v1 equivalent: kept as text
    assert rsa["zone_eligibilite"] == ["01053"]
    assert rsa["mobilisable_par"] == ["professionnels"]
    assert sorted(rsa["modes_mobilisation"]) == ["envoyer-un-courriel", "telephoner"]
    assert rsa["conditions_acces"] == "Être orienté par le Département\nNotification d'orientation"
    assert mobility["frais"] == "gratuit"  # « gratuit-sous-conditions »
    assert mobility["frais_precisions"] == "2 € par jour pour les allocataires du RSA"
    assert mobility["zone_eligibilite"] == ["01"]
    assert sorted(mobility["publics"]) == ["beneficiaires-des-minimas-sociaux", "demandeurs-emploi", "jeunes"]
    assert sorted(mobility["mobilisable_par"]) == ["professionnels", "usagers"]
    assert mobility["lien_mobilisation"] == "https://www.mobilite01.fr/demande"
    assert mobility["mobilisation_precisions"] == "Sur rendez-vous uniquement"


def test_r_offre_01_dora_value_without_v1_equivalent_reported_on_its_line_and_field():
    rows = _dora("services", lambda d: d.replace(b"mobilite--acceder-a-un-vehicule", b"mobilite--louer-un-vehicule"))
    records, issues = validate("services", rows["services"])
    assert [r["nom"] for r in records] == ["Accompagnement des allocataires du RSA"]
    assert [(i.line, i.field, i.level) for i in issues] == [(3, "thematiques.0", "erreur")]


def test_dora_files_in_one_zip_and_bad_archives():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for kind in ("structures", "services"):
            archive.write(DORA / f"dora-{kind}.csv", f"export-dora/dora-{kind}.csv")
    rows = files.read_offer("export-dora.zip", buffer.getvalue())
    assert (len(rows["structures"]), len(rows["services"])) == (2, 2)
    assert rows["services"][1][1]["frais"] == "gratuit"
    with pytest.raises(files.OfferFileError, match="archive zip illisible"):
        files.read_offer("export.zip", b"PK pas une archive")
    twice = io.BytesIO()
    with zipfile.ZipFile(twice, "w") as archive:
        archive.writestr("a/services.csv", "id\n")
        archive.writestr("b/services.csv", "id\n")
    with pytest.raises(files.OfferFileError, match="deux fichiers de services"):
        files.read_offer("export.zip", twice.getvalue())


@pytest.mark.parametrize(
    ("place", "departement"),
    [
        ({"code_insee": "01053", "code_postal": "01000"}, "01"),
        ({"code_insee": "2A004", "code_postal": "20000"}, "2A"),
        ({"code_insee": "2B033", "code_postal": "20200"}, "2B"),
        ({"code_insee": "97411", "code_postal": "97400"}, "974"),
        ({"code_insee": "01249", "code_postal": "69000"}, "01"),  # the commune decides, not the post office
        ({"code_postal": "38000"}, "38"),
        ({"code_insee": "", "code_postal": "97300"}, "973"),
        ({"code_postal": "20000"}, ""),  # 2A or 2B: the postal code does not say
        ({}, ""),
    ],
)
def test_the_departement_of_a_record_decides_who_may_change_it(place, departement):
    assert departement_of({"id": "x", **place}) == departement
