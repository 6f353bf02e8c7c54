"""The DGEFP creates a multi-year campaign from the pages, with its own model text (checked, all or nothing);
the others read the campaigns; a convention of the new campaign is written with that campaign's model."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from campaigns.lookup import default_year
from campaigns.models import Campaign, ModelText
from conventions import services
from conventions.document import model_text, text_of
from territories.models import Collectivity
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db

MODEL = (
    "# Convention pluriannuelle {{ first_year }}-{{ last_year }} n° {{ number }}\n"
    "Vu la loi {{ finance_law }} de finances pour {{ year }},\n"
    "La présente convention est conclue pour la période du {{ start }} au {{ end }}.\n"
)


def form(**changes):
    values = {
        "name": "Campagne 2025–2027",
        "instruction": "Instruction du 31 mars 2025",
        "first_year": "2025",
        "last_year": "2027",
        "announced_envelope": "168000000.00",
        "advance_rate": "0.6",
        "volet2_collectivity_share": "0.5",
        "finalisation_month": "6", "finalisation_day": "30", "signature_month": "9", "signature_day": "30",
        "report_months": "3",
        "finance_laws_text": "2025 : n° 2025-127 du 14 février 2025",
        "indicator_tables": ["volet2", "volet3", "plein_emploi"],
        "ineligible_natures": ["iae", "frais_generaux", "developpement_si"],
        "intensive_pathways_target": "360000",
    }  # fmt: skip
    values.update(changes)
    return values


def upload(text: str, name: str = "modele-2025.txt"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


def test_the_dgefp_creates_a_triennial_campaign_whose_conventions_use_its_model(client):
    client.force_login(UserFactory(role=Role.DGEFP))
    response = client.post(reverse("campaigns:create"), {**form(), "model_file": upload(MODEL)})
    campaign = Campaign.objects.get(first_year=2025)
    assert response.status_code == 302 and response["Location"] == reverse("campaigns:detail", args=[campaign.pk])
    assert (campaign.last_year, campaign.finance_laws, campaign.signature_month) == (
        2027,
        {"2025": "n° 2025-127 du 14 février 2025"},
        9,
    )
    assert campaign.model_text.text == MODEL and len(campaign.model_text.sha256) == 64
    assert campaign.ineligible_natures == ["iae", "frais_generaux", "developpement_si"]
    assert default_year() == 2025  # the pages now open on the current campaign

    detail = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "Campagne 2025–2027" in detail and "n° 2025-127 du 14 février 2025" in detail
    assert client.get(reverse("campaigns:model_text", args=[campaign.model_text.pk])).content.decode() == MODEL

    convention = services.convention_create(collectivity=Collectivity.objects.get(code="01D"), year=2025)
    assert text_of(model_text(convention)) == [
        "Convention pluriannuelle 2025-2027 n° CIE-2025-01D",
        "Vu la loi n° 2025-127 du 14 février 2025 de finances pour 2025,",
        "La présente convention est conclue pour la période du 1er janvier 2025 au 31 décembre 2027.",
    ]
    # the 2024 conventions keep annexe 7
    old = services.convention_create(collectivity=Collectivity.objects.get(code="01D"), year=2024)
    assert "Vu la loi n° 2023-1322 du 29 décembre 2023 de finances pour 2024," in text_of(model_text(old))


@pytest.mark.parametrize(
    ("changes", "text", "expected"),
    [
        (
            {"first_year": "2024", "last_year": "2026"},
            MODEL,
            "Les années 2024 à 2024 relèvent déjà de « Campagne 2024 ».",
        ),
        ({}, MODEL + "{{ montant_secret }}\n", "modele-2025.txt, ligne 4 : champ inconnu « montant_secret »."),
        ({}, "{% load static %}", "modele-2025.txt, ligne 1 : balise « {% load %} » non admise"),
    ],
)
def test_a_refused_campaign_saves_nothing_and_says_why(client, changes, text, expected):
    client.force_login(UserFactory(role=Role.DGEFP))
    texts_before = ModelText.objects.count()
    response = client.post(reverse("campaigns:create"), {**form(**changes), "model_file": upload(text)}, follow=True)
    assert expected in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert not Campaign.objects.filter(first_year=2025).exists()
    assert ModelText.objects.count() == texts_before


def test_a_deadline_that_is_not_a_date_every_year_is_refused(client):
    client.force_login(UserFactory(role=Role.DGEFP))
    response = client.post(reverse("campaigns:create"), {**form(signature_month="2", signature_day="29")})
    assert "Échéance de signature : 29/2 n&#x27;est pas une date de chaque année." in response.content.decode()
    assert not Campaign.objects.filter(first_year=2025).exists()


def test_only_the_dgefp_creates_a_campaign_everyone_reads_them(client):
    ddets = UserFactory(role=Role.DDETS, departement=Collectivity.objects.get(code="01D").departements.get())
    client.force_login(ddets)
    assert client.get(reverse("campaigns:create")).status_code == 404
    assert client.post(reverse("campaigns:create"), {**form(), "model_file": upload(MODEL)}).status_code == 404
    assert not Campaign.objects.filter(first_year=2025).exists()
    page = client.get(reverse("campaigns:list")).content.decode()
    assert "Campagne 2024" in page and "Créer une campagne" not in page
    campaign = Campaign.objects.get(first_year=2024)
    detail = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "n° 2023-1322 du 29 décembre 2023" in detail
    assert "/financement/plafonds/" not in detail  # the ceilings are the DGEFP's and the DREETS' pages


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("Vu la loi de finances".encode("latin-1") + b"\xe9\xe9", "modele-2025.txt : encodage attendu UTF-8."),
        (b"a" * (1024 * 1024 + 1), "modele-2025.txt : fichier trop volumineux (1 Mio au plus)."),
    ],
)
def test_a_model_file_not_in_utf8_or_too_large_is_refused(client, content, expected):
    client.force_login(UserFactory(role=Role.DGEFP))
    file = SimpleUploadedFile("modele-2025.txt", content, content_type="text/plain")
    response = client.post(reverse("campaigns:create"), {**form(), "model_file": file}, follow=True)
    assert expected in response.content.decode()
    assert not Campaign.objects.filter(first_year=2025).exists()


def test_the_pages_of_a_year_s_figures_open_on_the_year_under_way_of_a_multi_year_campaign(client):
    """In the second year of a triennial campaign, the consolidation, the mid-year remontée and the steering
    dashboards opened without a year show that year's figures; a new convention still starts with the campaign."""
    under_way = date.today().year
    CampaignFactory(first_year=under_way - 1)
    client.force_login(UserFactory(role=Role.DGEFP))
    pages = {
        reverse("funding:consolidation"): f"<h1>Consolidation des crédits {under_way}</h1>",
        reverse("funding:mid_year_consolidation"): f"<h1>Remontée à mi-année {under_way}</h1>",
        reverse("steering:national"): f"<h1>Pilotage national {under_way}</h1>",
        reverse("steering:region", args=["84"]): f"({under_way})</h1>",
    }
    for url, heading in pages.items():
        assert heading in client.get(url).content.decode(), url
    assert default_year() == under_way - 1
    assert f'value="{under_way - 1}"' in client.get(reverse("conventions:create")).content.decode()
