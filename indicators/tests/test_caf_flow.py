"""The CAF/MSA monthly beneficiary flow (vrsb0801) into situations_mensuelles: field by field, refusals in French
naming file, line and tag, the CLI, and a delivery uploaded as flows through the page. Fixtures: fictitious flows
built on the schema's structure (data/caf/)."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Role
from indicators.caf_flow import FlowError, convert
from indicators.engine import months
from indicators.engine.reading import read_delivery
from indicators.engine.runners import DuckDBRunner
from indicators.engine.tables import volet2_table

FLOWS = sorted((Path(__file__).resolve().parent / "data" / "caf").glob("*.xml"))
EXPECTED = """id_rsa;mois;etat_droit;soumis_droits_devoirs;date_ouverture_droit;date_reception_notification
2900175000001;2025-01;versable;1;2024-06-10;2025-02-04
1880175000002;2025-01;versable;0;2024-06-10;2025-02-04
2850175000003;2025-01;suspendu;1;2023-03-01;2025-02-04
2700175000005;2025-01;radie;1;2022-09-01;2025-02-04
0000005-DEM;2025-01;versable;1;2024-11-02;2025-02-04
2900175000001;2025-02;versable;1;2024-06-10;2025-03-05
1880175000002;2025-02;versable;0;2024-06-10;2025-03-05
2850175000003;2025-02;versable;1;2023-03-01;2025-03-05
1950175000004;2025-02;versable;1;2025-01-20;2025-03-05
0000005-DEM;2025-02;suspendu;1;2024-11-02;2025-03-05
"""
ORIENTATIONS = "id_rsa;date_notification;parcours;type_organisme\n1950175000004;2025-03-10;emploi;france_travail\n"


def converted(paths=FLOWS, **options) -> tuple[str, list[str]]:
    output = io.StringIO()
    report = convert(paths, output, **options)
    return output.getvalue(), report.lines()


def test_each_field_of_the_flow_lands_in_its_column():
    text, said = converted()
    # DEM and CJT with their own droits et devoirs flag; a child without RSA prestation and a pending request
    # (ETATDOSRSA 0) left out; 4 (payment suspended) is suspendu, 5 (closed) radie; no NIR: matricule-role
    assert text == EXPECTED
    assert said == [
        "9 foyers lus, 10 ligne(s) de situations_mensuelles écrite(s).",
        "1 personne(s) non reprise(s) : demande en attente de décision ou droit refusé (ETATDOSRSA 0 ou 1).",
        "1 personne(s) non reprise(s) : personne du foyer sans prestation RSA.",
    ]
    assert "2025-03-07" in converted(received_on={FLOWS[1]: date(2025, 3, 7)})[0].splitlines()[-1]


def test_the_converted_flows_are_a_delivery_the_engine_computes(tmp_path):
    (tmp_path / "situations_mensuelles.csv").write_text(converted()[0], encoding="utf-8")
    (tmp_path / "orientations.csv").write_text(ORIENTATIONS, encoding="utf-8")
    delivery = read_delivery(tmp_path, key=b"k")
    february = volet2_table(DuckDBRunner(delivery.tables), months.parse("2025-02"), months.parse("2025-02"))[0]
    # back from suspension, and the request of January accepted in February: both new; the second oriented
    # 5 days after T0 (the February flow, created 5 March)
    assert (february["nouveaux_entrants"], february["orientes_15_jours"]) == (2, 1)


def flow(tmp_path, body: str, name="flux.xml") -> Path:
    path = tmp_path / name
    path.write_text('<?xml version="1.0" encoding="ISO-8859-1"?>\n' + body, encoding="iso-8859-1")
    return path


HEAD = "<Racine><IdentificationFlux><DTCREAFLUX>2025-02-04</DTCREAFLUX><DTREF>2025-01-31</DTREF></IdentificationFlux>"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (HEAD + "<InfosFoyerRSA><Personne></InfosFoyerRSA></Racine>", "flux.xml, ligne 2 : XML illisible"),
        ("<Racine><Autre/></Racine>", "flux.xml : pas de bloc IdentificationFlux"),
        (HEAD + "\n<InfosFoyerRSA>\n<PrestationRSA><SituationDossierRSA><EtatDossierRSA><ETATDOSRSA>9</ETATDOSRSA>"
         "</EtatDossierRSA></SituationDossierRSA></PrestationRSA></InfosFoyerRSA></Racine>",
         "flux.xml, ligne 3, balise ETATDOSRSA : valeur « 9 » inconnue"),
        (HEAD + "\n\n<InfosFoyerRSA><PrestationRSA><SituationDossierRSA><EtatDossierRSA><ETATDOSRSA>2</ETATDOSRSA>"
         "</EtatDossierRSA></SituationDossierRSA></PrestationRSA></InfosFoyerRSA></Racine>",
         "flux.xml, ligne 4, balise DTDEMRSA : date de la demande de RSA absente"),
    ],
)  # fmt: skip
def test_a_flow_that_cannot_be_converted_is_refused_naming_file_line_and_tag(tmp_path, body, message):
    with pytest.raises(FlowError) as refusal:
        converted([flow(tmp_path, body)])
    assert str(refusal.value).startswith(message)


def test_two_flows_of_the_same_month_are_refused(tmp_path):
    copy = tmp_path / "copie.xml"
    copy.write_bytes(FLOWS[0].read_bytes())
    with pytest.raises(FlowError, match=re.escape("copie.xml : le mois 2025-01 est déjà couvert par flux-2025-01.xml")):
        converted([FLOWS[0], copy])


def test_the_command_writes_the_file_whole_or_not_at_all(tmp_path):
    output = tmp_path / "situations_mensuelles.csv"
    out = io.StringIO()
    call_command("convert_caf_flow", *map(str, FLOWS), "--sortie", str(output), "--recu-le", "2025-02-06",
                 "--recu-le", "2025-03-06", stdout=out)  # fmt: skip
    assert output.read_text("utf-8") == EXPECTED.replace("2025-02-04", "2025-02-06").replace("2025-03-05", "2025-03-06")
    assert "9 foyers lus" in out.getvalue()
    with pytest.raises(CommandError, match="1 date\\(s\\) --recu-le pour 2 fichier\\(s\\)"):
        call_command("convert_caf_flow", *map(str, FLOWS), "--sortie", str(output), "--recu-le", "2025-02-06")
    broken = flow(tmp_path, HEAD + "<InfosFoyerRSA>")
    with pytest.raises(CommandError, match=re.escape("flux.xml, ligne 2 : XML illisible")):
        call_command("convert_caf_flow", str(broken), "--sortie", str(tmp_path / "autre.csv"))
    assert not list(tmp_path.glob("autre.csv*"))


@pytest.fixture
def cd_agent(client, make_user, settings, tmp_path):
    settings.INDICATORS_DATA_DIR = tmp_path / "indicateurs"
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))


def upload(client, *files):
    uploads = []
    for name, content in files:
        handle = io.BytesIO(content)
        handle.name = name
        uploads.append(handle)
    return client.post(reverse("indicators:deliveries", args=["01D"]), {"files": uploads}, follow=True)


@pytest.mark.django_db
def test_a_council_uploads_its_caf_flows_with_its_orientations(client, cd_agent):
    files = [(path.name, path.read_bytes()) for path in FLOWS] + [("orientations.csv", ORIENTATIONS.encode())]
    page = upload(client, *files).content.decode()
    assert "Livraison acceptée" in page
    assert "9 foyers lus, 10 ligne(s) de situations_mensuelles écrite(s)." in page
    assert "2900175000001" not in page


@pytest.mark.django_db
def test_a_broken_flow_refuses_the_delivery_and_names_the_line(client, cd_agent):
    files = [("flux.xml", (HEAD + "\n<InfosFoyerRSA>").encode()), ("orientations.csv", ORIENTATIONS.encode())]
    page = upload(client, *files).content.decode()
    assert "Livraison refusée" in page and "flux.xml, ligne 2 : XML illisible" in page


def test_an_external_entity_is_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-DU-SERVEUR")
    body = (
        f'<!DOCTYPE Racine [<!ENTITY s SYSTEM "file://{secret}">]>' + HEAD + "<InfosFoyerRSA><IdentificationRSA>"
        "<Organisme><MATRICULE>&s;</MATRICULE></Organisme><DemandeRSA><DTDEMRSA>2024-01-01</DTDEMRSA></DemandeRSA>"
        "</IdentificationRSA><Personne><Prestations><NATPREST>RSA</NATPREST><ROLEPERS>DEM</ROLEPERS></Prestations>"
        "</Personne><PrestationRSA><SituationDossierRSA><EtatDossierRSA><ETATDOSRSA>2</ETATDOSRSA></EtatDossierRSA>"
        "</SituationDossierRSA></PrestationRSA></InfosFoyerRSA></Racine>"
    )
    text, said = converted([flow(tmp_path, body)])
    assert "SECRET" not in text and said[0] == "1 foyer lu, 0 ligne(s) de situations_mensuelles écrite(s)."
