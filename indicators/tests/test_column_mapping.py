"""A département's extract with its own headers, in XLSX or ODS, read through a column mapping: the same tables
as the worked example's CSV files, the same volet 2 figures."""

import io
import shutil
import zipfile

import openpyxl
import pytest

from indicators.engine.column_mapping import (
    ColumnMapping,
    normalised,
    parse_values,
    propose,
    refusals,
    unknown_values,
)
from indicators.engine.reading import DeliveryError, read_delivery
from indicators.engine.schema import FILES
from indicators.tests import extracts

KEY = b"cle-de-test"
pytestmark = pytest.mark.usefixtures("reading_mode")
MAPPINGS = [ColumnMapping(name, columns) for name, columns in extracts.MAPPINGS.items()]


def test_headers_are_compared_without_case_accents_spaces_or_punctuation():
    assert normalised(" N° CAF ") == normalised("n caf") == "ncaf"
    assert normalised("Date d'ouverture du droit") == "datedouverturedudroit"
    assert normalised("État") == "etat"


def test_the_synonyms_propose_every_column_of_the_extract_but_the_unknown_header():
    header = extracts.rows("situations_mensuelles")[0]
    proposal = propose(header, FILES["situations_mensuelles"])
    assert proposal == {
        "id_rsa": "N° CAF",
        "id_france_travail": None,
        "mois": "Mois de droit",
        "etat_droit": "État du droit",
        "soumis_droits_devoirs": "Soumis aux droits et devoirs",
        "date_ouverture_droit": "Date d'ouverture du droit",
        "date_reception_notification": None,  # « Date réception (CAF) » is in no synonym list
    }
    assert propose(extracts.rows("orientations")[0], FILES["orientations"]) == extracts.MAPPINGS["orientations"] | {
        "organisme_referent": None
    }


def test_a_header_is_proposed_for_one_column_only_and_our_own_names_come_first():
    proposal = propose(["date de fin", "date_fin", "id_rsa"], FILES["contrats_engagement"])
    assert proposal["date_fin"] == "date_fin"
    assert proposal["id_rsa"] == "id_rsa"
    assert proposal["date_signature"] is None


def test_a_mapping_cannot_be_saved_without_a_required_column_or_with_a_header_twice():
    spec = FILES["situations_mensuelles"]
    columns = dict(extracts.MAPPINGS["situations_mensuelles"], mois="", etat_droit="N° CAF")
    assert refusals(columns, extracts.rows("situations_mensuelles")[0], spec) == [
        "colonne obligatoire « mois » : choisissez l'en-tête qui la contient",
        "l'en-tête « N° CAF » est choisi pour « id_rsa » et « etat_droit »",
    ]
    assert refusals({"id_rsa": "Numéro"}, ["N° CAF"], FILES["diagnostics"]) == [
        "colonne obligatoire « date » : choisissez l'en-tête qui la contient",
        "l'en-tête « Numéro » n'est pas dans le fichier",
    ]
    assert refusals(extracts.MAPPINGS["orientations"], None, FILES["orientations"]) == []


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_an_extract_with_other_headers_reads_as_the_worked_example(tmp_path, kind):
    expected = read_delivery(extracts.EXAMPLE, key=KEY)
    folder = tmp_path / "livraison"
    folder.mkdir()
    extracts.extract(folder, kind)

    delivery = read_delivery(folder, key=KEY, mappings=MAPPINGS)

    for name in ("situations_mensuelles", "orientations"):
        assert delivery.tables[name].equals(expected.tables[name]), name
    assert f"extrait_situations.{kind} : lu comme situations_mensuelles selon la correspondance" in "".join(
        delivery.warnings
    )


def test_without_its_mapping_an_extract_is_an_unknown_file(tmp_path):
    extracts.extract(tmp_path, "xlsx")
    with pytest.raises(DeliveryError) as refused:
        read_delivery(tmp_path, key=KEY)
    assert [str(issue) for issue in refused.value.issues] == [
        "situations_mensuelles.csv : fichier obligatoire absent de la livraison",
        "orientations.csv : fichier obligatoire absent de la livraison",
    ]


def test_a_file_named_after_the_format_has_its_headers_renamed_and_its_issues_name_the_sheet_rows(tmp_path):
    table = extracts.rows("situations_mensuelles")
    table[3][2] = "payé"  # État du droit, third data row: row 4 of the sheet, row 6 once two rows are above
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Extraction IODAS du 05/05/2024"])
    sheet.append([])
    for row in table:
        sheet.append(row)
    workbook.create_sheet("Notes")
    workbook.save(tmp_path / "situations_mensuelles.xlsx")
    shutil.copy(extracts.EXAMPLE / "orientations.csv", tmp_path)

    with pytest.raises(DeliveryError) as refused:
        read_delivery(tmp_path, key=KEY, mappings=MAPPINGS)
    # the title row is not the header: the mapped headers are not found on the first row
    assert "situations_mensuelles.xlsx, ligne 1, colonne « id_rsa » : colonne obligatoire absente" in str(refused.value)

    workbook.active.delete_rows(1)  # the title gone, one empty row left above the header
    workbook.save(tmp_path / "situations_mensuelles.xlsx")
    with pytest.raises(DeliveryError) as refused:
        read_delivery(tmp_path, key=KEY, mappings=MAPPINGS)
    assert [str(issue) for issue in refused.value.issues] == [
        "situations_mensuelles.xlsx, ligne 5, colonne « etat_droit », valeur « payé » : "
        "valeur inconnue (valeurs admises : versable, suspendu, radie)"
    ]


def test_two_mappings_recognising_one_file_ask_for_its_name(tmp_path):
    extracts.extract(tmp_path, "xlsx")
    twice = [*MAPPINGS, ColumnMapping("diagnostics", {"id_rsa": "N° CAF", "date": "Mois de droit"})]
    with pytest.raises(DeliveryError) as refused:
        read_delivery(tmp_path, key=KEY, mappings=twice)
    assert (
        "extrait_situations.xlsx : en-têtes reconnus pour plusieurs fichiers (situations_mensuelles, diagnostics) : "
        "renommez-le"
    ) in str(refused.value)


def _inflating_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/worksheets/sheet1.xml", " " * 20_000_000)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"PK\x03\x04 pas un classeur", "classeur illisible (ce n'est pas un fichier XLSX ou ODS)"),
        (_inflating_workbook(), "classeur dont le contenu décompressé dépasse les limites : fichier refusé"),
    ],
)
def test_a_broken_or_inflating_workbook_is_refused_with_its_name(tmp_path, content, message):
    (tmp_path / "situations_mensuelles.xlsx").write_bytes(content)
    shutil.copy(extracts.EXAMPLE / "orientations.csv", tmp_path)
    with pytest.raises(DeliveryError) as refused:
        read_delivery(tmp_path, key=KEY)
    assert str(refused.value.issues[0]) == f"situations_mensuelles.xlsx : {message}"


def test_an_extract_with_its_own_words_for_the_states_reads_through_a_value_mapping(tmp_path):
    expected = read_delivery(extracts.EXAMPLE, key=KEY)
    extracts.extract(tmp_path, "xlsx", labels=True)
    with pytest.raises(DeliveryError) as refused:
        read_delivery(tmp_path, key=KEY, mappings=MAPPINGS)
    assert (
        "extrait_situations.xlsx, ligne 2, colonne « etat_droit », valeur « Droit ouvert et versable » : "
        "valeur inconnue (valeurs admises : versable, suspendu, radie)"
    ) in str(refused.value)

    translated = [
        ColumnMapping(m.file, m.columns, extracts.VALUES if m.file == "situations_mensuelles" else {}) for m in MAPPINGS
    ]
    delivery = read_delivery(tmp_path, key=KEY, mappings=translated)

    assert delivery.tables["situations_mensuelles"].equals(expected.tables["situations_mensuelles"])


def test_a_value_mapping_is_compared_without_case_or_accents_and_checked_against_the_format():
    mapping = ColumnMapping("situations_mensuelles", {}, {"etat_droit": {"Radié": "radie"}})
    translate = mapping.translator("etat_droit")
    assert [translate(text) for text in ("RADIE", "radié ", "versable")] == ["radie", "radie", "versable"]
    assert mapping.translator("mois") is None
    column = FILES["situations_mensuelles"].column("etat_droit")
    assert parse_values("Droit ouvert = versable\n\nRadié = RADIE\nEn attente =\n", column) == (
        {"Droit ouvert": "versable", "Radié": "radie"},
        [],
    )
    assert parse_values("Clos = ferme\nsans signe égal", column)[1] == [
        "« etat_droit », ligne 1 : « ferme » n'est pas une valeur du format (versable, suspendu, radie)",
        "« etat_droit », ligne 2 : écrivez « valeur de l'extraction = valeur du format »",
    ]
    assert parse_values("a = versable\n" * 201, column) == ({}, ["« etat_droit » : 200 valeurs traduites au plus"])
    duties = FILES["situations_mensuelles"].column("soumis_droits_devoirs")
    assert unknown_values(duties, ["oui", "Soumis", "0", "Non soumis", "Soumis"]) == ["Soumis", "Non soumis"]


def test_a_csv_extract_with_another_name_is_recognised_by_its_headers(tmp_path):
    expected = read_delivery(extracts.EXAMPLE, key=KEY)
    for name, columns in extracts.MAPPINGS.items():
        text = (extracts.EXAMPLE / f"{name}.csv").read_text("utf-8")
        header, body = text.split("\n", 1)
        renamed = ";".join(columns.get(cell, cell) for cell in header.split(";"))
        (tmp_path / f"export_{name}_iodas.csv").write_text(renamed + "\n" + body, "utf-8-sig")

    delivery = read_delivery(tmp_path, key=KEY, mappings=MAPPINGS)

    assert delivery.tables == expected.tables
