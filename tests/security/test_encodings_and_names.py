"""Finding 9 of the security audit (continued): a UTF-16 CSV got seven « colonne obligatoire absente » instead
of one message about its encoding; two files of the same name in a zip or an upload were merged silently."""

import pytest

from indicators.engine.reading import DeliveryError, read_delivery

SITUATIONS = (
    "id_rsa;mois;etat_droit;soumis_droits_devoirs;date_ouverture_droit;date_reception_notification\n"
    "0012345;2024-01;versable;1;2024-01-05;2024-01-10\n"
)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_csv_gets_one_message_about_its_encoding(tmp_path, encoding):
    (tmp_path / "situations_mensuelles.csv").write_bytes(SITUATIONS.encode(encoding))
    with pytest.raises(DeliveryError) as refused:
        read_delivery(tmp_path, key=b"cle-de-test")
    about_it = [str(issue) for issue in refused.value.issues if issue.file == "situations_mensuelles.csv"]
    assert about_it == ["situations_mensuelles.csv : encodage UTF-16 non accepté : enregistrez le fichier en CSV UTF-8"]


def test_two_files_of_the_same_name_in_a_zip_are_refused(tmp_path):
    import zipfile

    archive = tmp_path / "livraison.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("janvier/situations_mensuelles.csv", SITUATIONS)
        zipped.writestr("fevrier/situations_mensuelles.csv", SITUATIONS)
    with pytest.raises(DeliveryError) as refused:
        read_delivery(archive, key=b"cle-de-test")
    assert [str(issue) for issue in refused.value.issues] == [
        "livraison.zip : deux fichiers s'appellent situations_mensuelles.csv dans l'archive : archive refusée"
    ]


@pytest.mark.django_db
def test_two_uploaded_files_of_the_same_name_are_refused(make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from indicators.ingestion import UploadRefused, receive_delivery
    from territories.models import Collectivity

    files = [SimpleUploadedFile("situations_mensuelles.csv", SITUATIONS.encode()) for _ in range(2)]
    with pytest.raises(UploadRefused, match=r"Deux fichiers déposés portent le même nom : situations_mensuelles\.csv"):
        receive_delivery(collectivity=Collectivity.objects.get(code="01D"), user=None, files=files)
