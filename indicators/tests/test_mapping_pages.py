"""The column mapping pages: a sample read and proposed, the mapping saved by the council's agent, then the
département's own extracts uploaded as they are and computed."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from indicators.engine import column_mapping
from indicators.engine.reading import read_delivery
from indicators.engine.schema import FILES
from indicators.models import ColumnMapping, Delivery, IndicatorResult
from indicators.tests import extracts


@pytest.fixture
def cd_agent(client, make_user, settings, tmp_path):
    settings.INDICATORS_DATA_DIR = tmp_path / "indicateurs"
    user = make_user(Role.DEPARTMENTAL_COUNCIL, "01D", first_name="Jules")
    client.force_login(user)
    return user


def _sample(client, path, file, code="01D"):
    with open(path, "rb") as handle:
        return client.post(
            reverse("indicators:column_mappings", args=[code]),
            {"file": file, "sample": SimpleUploadedFile(path.name, handle.read())},
        )


def _save(client, file, header, columns, code="01D", values=None):
    """values: the value translations' texts by field (valeurs_<column>)."""
    data = {"file": file, "header": json.dumps(header)}
    data |= {f"colonne_{column}": source for column, source in columns.items()} | (values or {})
    return client.post(reverse("indicators:save_column_mapping", args=[code]), data, follow=True)


def test_a_sample_is_shown_with_its_identifiers_hidden_and_the_proposed_headers_selected(client, cd_agent, tmp_path):
    situations, _ = extracts.extract(tmp_path, "xlsx")
    response = _sample(client, situations, "situations_mensuelles")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Premières lignes de extrait_situations.xlsx" in page
    # the « N° CAF » column is the identifier, searched as a word of its own (the page's random tokens, CSRF
    # and script nonces, may contain the letters « B01 »)
    assert not re.search(r"(?<![\w-])B01(?![\w-])", page) and "•••" in page
    assert "versable" in page and "2024-02-01" in page  # the other cells as read (a month cell is its first day)
    form = response.context["form"]
    assert form.initial["colonne_id_rsa"] == "N° CAF"
    assert form.initial["colonne_date_reception_notification"] == ""  # no synonym: the user chooses it
    assert '<option value="Date réception (CAF)">' in page


def test_the_mapping_is_saved_then_the_extracts_are_uploaded_as_they_are(client, cd_agent, tmp_path):
    folder = tmp_path / "extraits"
    folder.mkdir()
    paths = extracts.extract(folder, "ods")
    for name in ("situations_mensuelles", "orientations"):
        response = _save(client, name, extracts.rows(name)[0], extracts.MAPPINGS[name])
        assert f"Correspondance enregistrée pour {name}" in response.content.decode()
    saved = ColumnMapping.objects.get(file="situations_mensuelles")
    assert saved.columns["date_reception_notification"] == "Date réception (CAF)"
    assert saved.updated_by == cd_agent

    files = [SimpleUploadedFile(path.name, path.read_bytes()) for path in paths]
    response = client.post(reverse("indicators:deliveries", args=["01D"]), {"files": files}, follow=True)
    assert "Livraison acceptée" in response.content.decode()
    assert Delivery.objects.get().row_counts == {"situations_mensuelles": 131, "orientations": 13}
    february = IndicatorResult.objects.get(table="volet2", month="2024-02-01")
    assert february.values == {
        "nouveaux_entrants": 3,
        "t0_inconnu": 0,
        "orientes_15_jours": 1,
        "orientes_1_mois": 3,
        "orientations_accompagnement_global": 0,
        "absents_rdv_orientation": 0,
    }


def test_a_mapping_without_a_required_column_is_not_saved(client, cd_agent):
    header = extracts.rows("situations_mensuelles")[0]
    columns = dict(extracts.MAPPINGS["situations_mensuelles"], mois="")
    response = _save(client, "situations_mensuelles", header, columns)
    assert "colonne obligatoire « mois » : choisissez l&#x27;en-tête qui la contient" in response.content.decode()
    assert not ColumnMapping.objects.exists()


def test_saving_again_replaces_the_mapping_and_it_can_be_deleted(client, cd_agent):
    header = extracts.rows("orientations")[0]
    _save(client, "orientations", header, extracts.MAPPINGS["orientations"])
    _save(client, "orientations", header, dict(extracts.MAPPINGS["orientations"], date_fin_suivi=""))
    assert "date_fin_suivi" not in ColumnMapping.objects.get().columns
    client.post(reverse("indicators:delete_column_mapping", args=["01D", "orientations"]))
    assert not ColumnMapping.objects.exists()


def test_an_unreadable_sample_is_refused_in_french(client, cd_agent, tmp_path):
    broken = tmp_path / "extrait.xlsx"
    broken.write_bytes(b"pas un classeur")
    response = _sample(client, broken, "orientations")
    assert "extrait.xlsx : classeur illisible (ce n&#x27;est pas un fichier XLSX ou ODS)" in response.content.decode()


@pytest.mark.parametrize("role, territory", [(Role.DEPARTMENTAL_COUNCIL, "02D"), (Role.DDETS, "01")])
def test_only_those_who_upload_may_map(client, make_user, role, territory):
    client.force_login(make_user(role, territory))
    assert client.get(reverse("indicators:column_mappings", args=["01D"])).status_code == 404
    response = _save(client, "orientations", ["a"], {"id_rsa": "a"})
    assert response.status_code == 404
    assert not ColumnMapping.objects.exists()


def test_the_demo_extracts_read_through_their_mapping_as_the_demo_delivery(db, tmp_path):
    from indicators.demo import EXTRACT_HEADERS, demo_delivery, write_demo_extracts
    from territories.models import Collectivity

    ain = Collectivity.objects.get(code="01D")
    expected_folder = tmp_path / "csv"
    demo_delivery(ain, seed=99).write_csv(expected_folder, french=True)
    for path in expected_folder.iterdir():
        if path.stem not in EXTRACT_HEADERS:
            path.unlink()
    extracts_folder = tmp_path / "extraits"
    paths = write_demo_extracts(ain, extracts_folder)
    assert sorted(p.name for p in extracts_folder.iterdir()) == sorted(p.name for p in paths)
    for name, headers in EXTRACT_HEADERS.items():
        proposal = column_mapping.propose(list(headers.values()), FILES[name])
        unknown = {"date_reception_notification"} if name == "situations_mensuelles" else set()
        assert {column for column, header in proposal.items() if header is None} == unknown
    mappings = [column_mapping.ColumnMapping(name, headers) for name, headers in EXTRACT_HEADERS.items()]

    delivery = read_delivery(extracts_folder, key=b"cle-de-test", mappings=mappings)

    assert delivery.tables == read_delivery(expected_folder, key=b"cle-de-test").tables
    assert delivery.row_counts()["situations_mensuelles"] > 10_000


def test_the_software_s_own_values_are_listed_translated_and_applied(client, cd_agent, tmp_path):
    situations, orientations = extracts.extract(tmp_path, "xlsx", labels=True)
    response = _sample(client, situations, "situations_mensuelles")
    initial = response.context["form"].initial
    # the values the format refuses, found in the sample, each on a line to complete
    assert initial["valeurs_etat_droit"].splitlines() == ["Droit ouvert et versable =", "Droit suspendu ="]
    assert initial["valeurs_soumis_droits_devoirs"].splitlines() == ["Soumis =", "Non soumis ="]

    header = extracts.rows("situations_mensuelles")[0]
    columns = extracts.MAPPINGS["situations_mensuelles"]
    refused = client.post(
        reverse("indicators:save_column_mapping", args=["01D"]),
        {"file": "situations_mensuelles", "header": json.dumps(header), "valeurs_etat_droit": "Radié = ferme"}
        | {f"colonne_{column}": source for column, source in columns.items()},
    )
    assert "« ferme » n&#x27;est pas une valeur du format (versable, suspendu, radie)" in refused.content.decode()
    assert not ColumnMapping.objects.exists()

    texts = {
        column: "\n".join(f"{source} = {target}" for source, target in table.items())
        for column, table in extracts.VALUES.items()
    }
    client.post(
        reverse("indicators:save_column_mapping", args=["01D"]),
        {"file": "situations_mensuelles", "header": json.dumps(header)}
        | {f"colonne_{column}": source for column, source in columns.items()}
        | {f"valeurs_{column}": text for column, text in texts.items()},
    )
    _save(client, "orientations", extracts.rows("orientations")[0], extracts.MAPPINGS["orientations"])
    assert ColumnMapping.objects.get(file="situations_mensuelles").values == extracts.VALUES
    page = client.get(reverse("indicators:column_mappings", args=["01D"])).content.decode()
    assert "« Droit ouvert et versable » → versable" in page

    files = [SimpleUploadedFile(path.name, path.read_bytes()) for path in (situations, orientations)]
    response = client.post(reverse("indicators:deliveries", args=["01D"]), {"files": files}, follow=True)
    assert "Livraison acceptée" in response.content.decode()
    assert IndicatorResult.objects.get(table="volet2", month="2024-02-01").values["nouveaux_entrants"] == 3


def _edit_page(client, file, code="01D"):
    return client.get(reverse("indicators:edit_column_mapping", args=[code, file]))


def _post_form(client, form, changes, code="01D"):
    """The edit page's form posted as the browser would: its initial values, with `changes`."""
    data = {name: value for name, value in form.initial.items() if not isinstance(value, list)}
    data |= {"header": json.dumps(form.initial["header"])} | changes
    return client.post(reverse("indicators:save_column_mapping", args=[code]), data, follow=True)


def test_a_saved_mapping_is_edited_without_a_sample(client, cd_agent):
    header = extracts.rows("situations_mensuelles")[0]
    columns = extracts.MAPPINGS["situations_mensuelles"]
    texts = {
        f"valeurs_{column}": "\n".join(f"{source} = {target}" for source, target in table.items())
        for column, table in extracts.VALUES.items()
    }
    _save(client, "situations_mensuelles", header, columns, values=texts)
    listing = client.get(reverse("indicators:column_mappings", args=["01D"])).content.decode()
    assert reverse("indicators:edit_column_mapping", args=["01D", "situations_mensuelles"]) in listing

    response = _edit_page(client, "situations_mensuelles")
    page, form = response.content.decode(), response.context["form"]
    assert "Sans fichier d'exemple" in page and 'data-testid="sample-lines"' not in page
    # the saved choices selected, among the headers the mapping names, and its translations to correct
    assert {c: form.initial[f"colonne_{c}"] for c in columns} == columns
    assert sorted(form.initial["header"]) == sorted(columns.values())
    assert sorted(form.initial["valeurs_etat_droit"].splitlines()) == sorted(texts["valeurs_etat_droit"].splitlines())

    etat = columns["etat_droit"]
    saved = _post_form(client, form, {"valeurs_etat_droit": texts["valeurs_etat_droit"] + "\nClôturé = radie"})
    assert "Correspondance enregistrée" in saved.content.decode()
    mapping = ColumnMapping.objects.get()
    assert mapping.values["etat_droit"] == dict(extracts.VALUES["etat_droit"], **{"Clôturé": "radie"})
    assert mapping.columns["etat_droit"] == etat and mapping.updated_by == cd_agent

    # a header the saved mapping does not name needs a sample
    refused = _post_form(
        client, _edit_page(client, "situations_mensuelles").context["form"], {"colonne_mois": "Période"}
    )
    assert "Sélectionnez un choix valide. Période n’en fait pas partie." in refused.content.decode()
    assert ColumnMapping.objects.get().columns == mapping.columns


def test_an_edit_based_on_an_older_mapping_is_refused_and_names_who_changed_it(client, cd_agent, make_user):
    header = extracts.rows("orientations")[0]
    _save(client, "orientations", header, extracts.MAPPINGS["orientations"])
    opened = _edit_page(client, "orientations").context["form"]
    colleague = make_user(Role.DEPARTMENTAL_COUNCIL, "01D", username="amartin", first_name="Alice", last_name="Martin")
    client.force_login(colleague)
    _save(client, "orientations", header, dict(extracts.MAPPINGS["orientations"], date_fin_suivi=""))
    client.force_login(cd_agent)

    response = _post_form(client, opened, {})
    page = response.content.decode()
    assert "la correspondance de orientations a été modifiée par Alice Martin le " in page
    assert "rechargez-la et recommencez" in page
    assert "date_fin_suivi" not in ColumnMapping.objects.get().columns  # the colleague's change kept
    # reopened, the page edits the current mapping
    assert (
        "Correspondance enregistrée"
        in _post_form(client, _edit_page(client, "orientations").context["form"], {}).content.decode()
    )

    client.post(reverse("indicators:delete_column_mapping", args=["01D", "orientations"]))
    deleted = _post_form(client, opened, {}).content.decode()
    assert "la correspondance de orientations a été supprimée depuis l&#x27;ouverture de cette page" in deleted
    assert not ColumnMapping.objects.exists()


def test_only_a_saved_mapping_of_one_s_own_collectivity_is_edited(client, cd_agent, make_user):
    assert _edit_page(client, "orientations").status_code == 404
    _save(client, "orientations", extracts.rows("orientations")[0], extracts.MAPPINGS["orientations"])
    assert _edit_page(client, "orientations").status_code == 200
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "02D"))
    assert _edit_page(client, "orientations", code="01D").status_code == 404


def test_a_new_mapping_created_meanwhile_by_someone_else_is_not_overwritten(cd_agent, make_user, monkeypatch):
    """Two agents create the mapping of a file at once: both find none, the second insert meets the first's
    (the uniqueness of a file's mapping), and is refused when its page was opened on no mapping."""
    from indicators import mappings
    from territories.models import Collectivity

    ain = Collectivity.objects.get(code="01D")
    colleague = make_user(Role.DEPARTMENTAL_COUNCIL, "01D", username="amartin", first_name="Alice", last_name="Martin")
    header, columns = extracts.rows("orientations")[0], extracts.MAPPINGS["orientations"]
    mappings.save(collectivity=ain, user=colleague, file="orientations", columns=columns, header=header)
    monkeypatch.setattr(mappings, "_locked", lambda collectivity, file: None)  # read before the colleague's commit

    mine = dict(columns, date_fin_suivi="")
    with pytest.raises(mappings.MappingRefused, match="modifiée par Alice Martin le "):
        mappings.save(collectivity=ain, user=cd_agent, file="orientations", columns=mine, header=header, based_on="")
    assert (
        ColumnMapping.objects.get().updated_by == colleague and "date_fin_suivi" in ColumnMapping.objects.get().columns
    )
    # without a page's version (not checked), the save replaces it
    mappings.save(collectivity=ain, user=cd_agent, file="orientations", columns=mine, header=header)
    assert (
        ColumnMapping.objects.get().updated_by == cd_agent
        and "date_fin_suivi" not in ColumnMapping.objects.get().columns
    )
