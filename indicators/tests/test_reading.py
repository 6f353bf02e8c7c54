"""Reading a delivery: French CSV variants, Parquet, zip, and every bad input, all-or-nothing."""

import io
import zipfile
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from indicators.engine import reading
from indicators.engine.reading import DeliveryError, read_delivery
from indicators.engine.values import pseudonymise

# every test in memory, then with every file read from disk in blocks (a national delivery)
pytestmark = pytest.mark.usefixtures("reading_mode")

KEY = b"cle-de-test"
SITUATIONS = (
    "id_rsa;mois;etat_droit;soumis_droits_devoirs;date_ouverture_droit;date_reception_notification\n"
    "0012345;2024-01;versable;1;2024-01-05;2024-01-10\n"
    "0012345;2024-02;versable;1;2024-01-05;2024-01-10\n"
    "0099999;2024-02;suspendu;0;2023-03-01;\n"
)
ORIENTATIONS = (
    "id_rsa;date_notification;parcours;type_organisme;accompagnement_global;presence_rdv_orientation\n"
    "0012345;2024-01-20;emploi;france_travail;0;1\n"
)


def write(folder, **files):
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / name.replace("__", ".")).write_bytes(data)
    return folder


def issues(folder) -> list[str]:
    with pytest.raises(DeliveryError) as error:
        read_delivery(folder, key=KEY)
    return [str(issue) for issue in error.value.issues]


def test_a_valid_delivery_is_pseudonymised(tmp_path):
    delivery = read_delivery(
        write(tmp_path, situations_mensuelles__csv=SITUATIONS, orientations__csv=ORIENTATIONS), key=KEY
    )
    table = delivery.tables["situations_mensuelles"].to_pydict()
    assert table["personne"][0] == pseudonymise(KEY, "0012345")
    assert table["mois"] == [date(2024, 1, 1), date(2024, 2, 1), date(2024, 2, 1)]
    assert table["date_reception_notification"][2] is None
    assert "id_rsa" not in delivery.tables["situations_mensuelles"].column_names
    assert delivery.row_counts() == {"situations_mensuelles": 3, "orientations": 1}
    assert delivery.months() == (date(2024, 1, 1), date(2024, 2, 1))


def test_french_office_variants_give_the_same_tables(tmp_path):
    iso = read_delivery(
        write(tmp_path / "iso", situations_mensuelles__csv=SITUATIONS, orientations__csv=ORIENTATIONS), key=KEY
    )
    french_situations = (
        "\ufeffID_RSA,Mois,Etat_droit,Soumis_droits_devoirs,Date_ouverture_droit,Date_reception_notification\r\n"
        '"0012345",01/2024,VERSABLE,Oui,05/01/2024,10/01/2024\r\n'
        "0012345,02/2024,versable,o,05/01/2024,10/01/2024\r\n"
        "0099999,02/2024,Suspendu,NON,01/03/2023,\r\n"
    ).encode("utf-8")
    french_orientations = (
        "id_rsa;date_notification;parcours;type_organisme;accompagnement_global;presence_rdv_orientation;"
        "organisme_referent\r\n0012345;20/01/2024;emploi;france_travail;faux;VRAI;Agence de Bourg-en-Bresse – Sud\r\n"
    ).encode("cp1252")
    french = read_delivery(
        write(tmp_path / "fr", situations_mensuelles__csv=french_situations, orientations__csv=french_orientations),
        key=KEY,
    )
    assert french.tables["situations_mensuelles"].equals(iso.tables["situations_mensuelles"])
    orientation = french.tables["orientations"].to_pylist()[0]
    assert orientation["organisme_referent"] == "Agence de Bourg-en-Bresse – Sud"
    assert orientation["presence_rdv_orientation"] is True
    assert orientation["date_notification"] == date(2024, 1, 20)


def test_parquet_and_zip_are_read_like_csv(tmp_path):
    csv_delivery = read_delivery(
        write(tmp_path / "csv", situations_mensuelles__csv=SITUATIONS, orientations__csv=ORIENTATIONS), key=KEY
    )
    buffer = io.BytesIO()
    pq.write_table(
        pa.table(
            {
                "id_rsa": ["0012345", "0012345", "0099999"],
                "mois": ["2024-01", "2024-02", "2024-02"],
                "etat_droit": ["versable", "versable", "suspendu"],
                "soumis_droits_devoirs": [True, True, False],
                "date_ouverture_droit": [date(2024, 1, 5), date(2024, 1, 5), date(2023, 3, 1)],
                "date_reception_notification": [date(2024, 1, 10), date(2024, 1, 10), None],
            }
        ),
        buffer,
    )
    archive = tmp_path / "livraison.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("lot/situations_mensuelles.parquet", buffer.getvalue())
        zipped.writestr("lot/orientations.csv", ORIENTATIONS)
    zipped_delivery = read_delivery(archive, key=KEY)
    for name in ("situations_mensuelles", "orientations"):
        assert zipped_delivery.tables[name].equals(csv_delivery.tables[name])


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("0012345;13/2024;versable;1;2024-01-05;", "ligne 2, colonne « mois », valeur « 13/2024 » : mois inexistant"),
        ("0012345;2024-01;payé;1;2024-01-05;", "valeur inconnue (valeurs admises : versable, suspendu, radie)"),
        (
            "0012345;2024-01;versable;peut-être;2024-01-05;",
            "colonne « soumis_droits_devoirs », valeur « peut-être » : booléen invalide",
        ),
        (
            "0012345;2024-01;versable;1;31/02/2024;",
            "colonne « date_ouverture_droit », valeur « 31/02/2024 » : date inexistante",
        ),
        ("0012345;2024-01;versable;1;;", "ligne 2, colonne « date_ouverture_droit » : valeur obligatoire manquante"),
        (
            "1,23E+11;2024-01;versable;1;2024-01-05;",
            "colonne « id_rsa » : identifiant transformé en nombre par un tableur",
        ),
        (
            '=HYPERLINK("x");2024-01;versable;1;2024-01-05;',
            "colonne « id_rsa » : contenu commençant par =, +, - ou @ refusé",
        ),
        ("0012345;2024-01;versable;1", "ligne 2 : 4 champs au lieu de 6"),
    ],
)
def test_bad_values_name_file_line_column_and_value(tmp_path, line, expected):
    header = SITUATIONS.splitlines()[0]
    found = issues(write(tmp_path, situations_mensuelles__csv=f"{header}\n{line}\n", orientations__csv=ORIENTATIONS))
    assert any(message.startswith("situations_mensuelles.csv") and expected in message for message in found), found


def test_identifiers_never_appear_in_messages(tmp_path):
    header = SITUATIONS.splitlines()[0]
    found = issues(
        write(
            tmp_path,
            situations_mensuelles__csv=f"{header}\n+33612345678;2024-01;versable;1;2024-01-05;\n",
            orientations__csv=ORIENTATIONS,
        )
    )
    assert found and not any("33612345678" in message for message in found)


def test_formula_in_a_text_column_is_refused(tmp_path):
    bad = ORIENTATIONS.replace("presence_rdv_orientation\n", "presence_rdv_orientation;organisme_referent\n").replace(
        ";0;1\n", ";0;1;@SUM(A1:A9)\n"
    )
    found = issues(write(tmp_path, situations_mensuelles__csv=SITUATIONS, orientations__csv=bad))
    assert found == [
        "orientations.csv, ligne 2, colonne « organisme_referent », valeur « @SUM(A1:A9) » : "
        "contenu commençant par =, +, - ou @ refusé (formule de tableur)"
    ]


def test_duplicate_key_points_to_the_first_line(tmp_path):
    found = issues(
        write(
            tmp_path,
            situations_mensuelles__csv=SITUATIONS + "0012345;02/2024;versable;1;2024-01-05;\n",
            orientations__csv=ORIENTATIONS,
        )
    )
    assert found == [
        "situations_mensuelles.csv, ligne 5, colonne « id_rsa, mois » : doublon de clé : déjà présente ligne 3"
    ]


def test_missing_required_column_and_file(tmp_path):
    found = issues(write(tmp_path, situations_mensuelles__csv="id_rsa;mois;etat_droit\n1;2024-01;versable\n"))
    assert (
        "situations_mensuelles.csv, ligne 1, colonne « soumis_droits_devoirs » : colonne obligatoire absente" in found
    )
    assert "orientations.csv : fichier obligatoire absent de la livraison" in found


def test_empty_files_are_refused(tmp_path):
    found = issues(
        write(tmp_path, situations_mensuelles__csv="", orientations__csv=ORIENTATIONS.splitlines()[0] + "\n")
    )
    assert found == ["situations_mensuelles.csv : fichier vide"]
    found = issues(
        write(
            tmp_path / "b", situations_mensuelles__csv=SITUATIONS.splitlines()[0] + "\n", orientations__csv=ORIENTATIONS
        )
    )
    assert found == ["situations_mensuelles.csv : aucune ligne de données"]


def test_unknown_columns_and_files_are_warnings(tmp_path):
    folder = write(
        tmp_path,
        situations_mensuelles__csv=SITUATIONS.replace(
            "date_reception_notification\n", "date_reception_notification;commentaire\n"
        ),
        orientations__csv=ORIENTATIONS,
        notes__txt="à lire",
    )
    # The extra header cell makes every data row one field short: that is an error, not a warning.
    assert "ligne 2 : 6 champs au lieu de 7" in " ".join(issues(folder))
    folder = write(
        tmp_path / "ok", situations_mensuelles__csv=SITUATIONS, orientations__csv=ORIENTATIONS, notes__txt="à lire"
    )
    assert read_delivery(folder, key=KEY).warnings == ["notes.txt : fichier inconnu, ignoré."]


def test_unknown_enum_lists_the_allowed_values(tmp_path):
    found = issues(
        write(
            tmp_path,
            situations_mensuelles__csv=SITUATIONS,
            orientations__csv=ORIENTATIONS.replace("france_travail", "pole_emploi"),
        )
    )
    assert found == [
        "orientations.csv, ligne 2, colonne « type_organisme », valeur « pole_emploi » : "
        "valeur inconnue (valeurs admises : france_travail, departement, ccas, mission_locale, "
        "cap_emploi, association, autre)"
    ]


def test_leading_zeros_lost_by_a_spreadsheet(tmp_path):
    rows = [f"{100000 + i:07d};2024-01;versable;1;2024-01-05;" for i in range(30)]
    rows.append("12345;2024-01;versable;1;2024-01-05;")
    content = SITUATIONS.splitlines()[0] + "\n" + "\n".join(rows) + "\n"
    found = issues(write(tmp_path, situations_mensuelles__csv=content, orientations__csv=ORIENTATIONS))
    assert found == [
        "situations_mensuelles.csv, ligne 32, colonne « id_rsa » : "
        "identifiant de 5 chiffres alors que les autres en ont 7 : "
        "zéros initiaux perdus (fichier ouvert dans un tableur ?)"
    ]


@pytest.mark.parametrize(("short", "reported"), [(1, True), (2, False)])
def test_leading_zeros_are_checked_from_20_lines_when_95_percent_share_a_length(tmp_path, short, reported):
    # 20 lines exactly: 19 identifiers of 7 digits and one of 5 (95 %) are reported; 18 and two (90 %) are not
    rows = [f"{100000 + i:07d};2024-01;versable;1;2024-01-05;" for i in range(20 - short)]
    rows += [f"{12345 + i};2024-01;versable;1;2024-01-05;" for i in range(short)]
    content = SITUATIONS.splitlines()[0] + "\n" + "\n".join(rows) + "\n"
    folder = write(tmp_path, situations_mensuelles__csv=content, orientations__csv=ORIENTATIONS)
    if reported:
        assert issues(folder) == [
            "situations_mensuelles.csv, ligne 21, colonne « id_rsa » : identifiant de 5 chiffres alors que les autres "
            "en ont 7 : zéros initiaux perdus (fichier ouvert dans un tableur ?)"
        ]
    else:
        assert read_delivery(folder, key=KEY).tables["situations_mensuelles"].num_rows == 20


def test_identifiers_that_are_not_all_digits_are_not_checked_for_lost_zeros(tmp_path):
    # quoted, so that the file is read line by line; of different lengths, but letters: no spreadsheet lost them
    rows = [f'"A{100000 + i:07d}";2024-01;versable;1;2024-01-05;' for i in range(30)] + [
        '"A12345";2024-01;versable;1;2024-01-05;'
    ]
    content = SITUATIONS.splitlines()[0] + "\n" + "\n".join(rows) + "\n"
    delivery = read_delivery(
        write(tmp_path, situations_mensuelles__csv=content, orientations__csv=ORIENTATIONS), key=KEY
    )
    assert delivery.tables["situations_mensuelles"].num_rows == 31


def test_undecodable_file(tmp_path):
    found = issues(
        write(tmp_path, situations_mensuelles__csv=SITUATIONS.encode() + b"\x81\x8d\n", orientations__csv=ORIENTATIONS)
    )
    assert found == ["situations_mensuelles.csv, ligne 5 : encodage non reconnu (attendu UTF-8 ou Windows-1252)"]


def test_zip_bomb_is_refused_without_inflating(tmp_path):
    archive = tmp_path / "bombe.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("situations_mensuelles.csv", b"0" * (20 * 1024 * 1024))
        zipped.writestr("orientations.csv", ORIENTATIONS)
    found = issues(archive)
    assert found == ["situations_mensuelles.csv : taux de compression supérieur à 100 : archive refusée"]


def test_too_many_members_and_oversized_files(tmp_path, monkeypatch):
    archive = tmp_path / "nombreux.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for i in range(reading.MAX_ZIP_MEMBERS + 1):
            zipped.writestr(f"f{i}.csv", "x")
    assert issues(archive) == ["nombreux.zip : archive de plus de 32 fichiers refusée"]
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 100)
    found = issues(write(tmp_path / "gros", situations_mensuelles__csv=SITUATIONS, orientations__csv=ORIENTATIONS))
    assert "situations_mensuelles.csv : fichier trop volumineux (limite 0 Mio)" in found


def test_a_zip_of_32_files_at_each_limit_to_the_byte_is_read(tmp_path, monkeypatch):
    situations, orientations = SITUATIONS.encode(), ORIENTATIONS.encode()

    def archive(name: str) -> Path:
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as zipped:
            zipped.writestr("situations_mensuelles.csv", situations)
            zipped.writestr("orientations.csv", orientations)
            for i in range(reading.MAX_ZIP_MEMBERS - 2):
                zipped.writestr(f"note{i}.txt", "x")
        return path

    monkeypatch.setattr(reading, "MAX_FILE_BYTES", len(situations))  # the larger file, to the byte
    monkeypatch.setattr(reading, "MAX_ZIP_RATIO", 1)  # files stored uncompressed: a ratio of 1 exactly
    monkeypatch.setattr(reading, "MAX_TOTAL_BYTES", len(situations) + len(orientations) + 30)  # the notes too
    assert len(read_delivery(archive("juste.zip"), key=KEY).warnings) == 30  # the notes: unknown files
    monkeypatch.setattr(reading, "MAX_TOTAL_BYTES", len(situations) + len(orientations) + 29)
    assert issues(archive("total.zip")) == ["note29.txt : contenu décompressé au-delà des limites : archive refusée"]
    folder = write(tmp_path / "dossier", situations_mensuelles__csv=situations, orientations__csv=orientations)
    assert read_delivery(folder, key=KEY).tables["situations_mensuelles"].num_rows == 3
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", len(situations) - 1)
    assert issues(archive("fichier.zip")) == ["situations_mensuelles.csv : fichier trop volumineux (limite 0 Mio)"]
    # refused for its size, not also said to be absent
    assert issues(folder) == ["situations_mensuelles.csv : fichier trop volumineux (limite 0 Mio)"]


def test_a_zip_made_on_a_mac_is_read_without_its_folders_and_resource_files(tmp_path):
    path = tmp_path / "livraison.zip"
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr("livraison/", "")
        zipped.writestr("livraison/situations_mensuelles.csv", SITUATIONS)
        zipped.writestr("livraison/orientations.csv", ORIENTATIONS)
        zipped.writestr("__MACOSX/livraison/._situations_mensuelles.csv", b"\x00\x05\x16\x07")
    delivery = read_delivery(path, key=KEY)
    assert (delivery.tables["situations_mensuelles"].num_rows, delivery.warnings) == (3, [])


def test_a_parquet_file_at_its_limits_of_rows_and_bytes_is_read():
    buffer = io.BytesIO()
    pq.write_table(pa.table({"x": list(range(10))}), buffer)
    data = buffer.getvalue()
    inflated = pq.ParquetFile(io.BytesIO(data)).metadata.row_group(0).total_byte_size
    assert reading.parquet_bomb(data, max_rows=10, max_bytes=inflated) is None
    assert reading.parquet_bomb(data, max_rows=9, max_bytes=inflated) == "10 lignes : 9 au plus par fichier"
    assert reading.parquet_bomb(data, max_rows=10, max_bytes=inflated - 1) == (
        "contenu décompressé au-delà de 0 Mio : fichier refusé"
    )


def test_many_errors_are_capped_and_counted(tmp_path):
    header = SITUATIONS.splitlines()[0]
    rows = "\n".join(f"{i:07d};2024-99;versable;1;2024-01-05;" for i in range(250))
    with pytest.raises(DeliveryError) as error:
        read_delivery(
            write(tmp_path, situations_mensuelles__csv=f"{header}\n{rows}\n", orientations__csv=ORIENTATIONS), key=KEY
        )
    assert len(error.value.issues) == 200
    assert error.value.truncated == 50
    assert error.value.summary().endswith("… et 50 autres erreurs.")


def test_corrupt_parquet(tmp_path):
    found = issues(write(tmp_path, situations_mensuelles__parquet=b"PAR1 pas vraiment", orientations__csv=ORIENTATIONS))
    assert found == ["situations_mensuelles.parquet : fichier Parquet illisible (ArrowInvalid)"]


def test_a_delivery_covers_62_months_at_most(tmp_path):
    """The engine folds each person's months into a 62-bit mask: a longer delivery is refused, and says why."""
    header = SITUATIONS.splitlines()[0]
    ok = header + "\n0012345;2019-01;versable;1;2019-01-05;\n0012345;2024-02;versable;1;2019-01-05;\n"
    assert read_delivery(write(tmp_path / "a", situations_mensuelles__csv=ok, orientations__csv=ORIENTATIONS), key=KEY)
    too_long = ok.replace("2024-02;", "2024-03;")
    assert issues(write(tmp_path / "b", situations_mensuelles__csv=too_long, orientations__csv=ORIENTATIONS)) == [
        "situations_mensuelles, colonne « mois », valeur « 01/2019 à 03/2024 » : "
        "une livraison couvre 62 mois consécutifs au plus"
    ]


def test_month_shift_and_last_day():
    from datetime import date

    from indicators.engine import months

    assert months.shift(date(2024, 2, 1), -2) == date(2023, 12, 1)
    assert months.last_day(date(2024, 2, 1)) == date(2024, 2, 29)
    assert months.last_day(date(2023, 12, 1)) == date(2023, 12, 31)


def test_a_zip_member_named_like_a_parent_folder_is_an_unknown_file(tmp_path):
    archive = tmp_path / "livraison.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("situations_mensuelles.csv", SITUATIONS)
        zipped.writestr("orientations.csv", ORIENTATIONS)
        zipped.writestr("dossier/..", "id_rsa;mois\n1;2024-01\n")
    delivery = read_delivery(archive, key=KEY)
    assert delivery.row_counts() == {"situations_mensuelles": 3, "orientations": 1}
    assert ".. : fichier inconnu, ignoré." in delivery.warnings
