"""Dashboards and shareable links (R-IND-06)."""

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from indicators.tests.examples import upload
from steering import sharing
from steering.dashboards import masked
from steering.models import SharedLink
from tests.factories import SharedLinkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.INDICATORS_DATA_DIR = tmp_path / "indicateurs"


def test_masking_of_small_counts():
    assert [masked(v) for v in (0, 10, 11, 250, None, "x")] == ["< 11", "< 11", 11, 250, None, "x"]


def shared_url(client, code="01D"):
    page = client.post(
        reverse("steering:share", args=[code]), {"destinataires": "Comité départemental", "jours": 10}, follow=True
    )
    return re.search(r"http://testserver(/pilotage/partage/[^ <]+/)", page.content.decode())[1]


def test_r_ind_06_shared_link_shows_aggregates_only_and_stops_when_revoked(client, make_user):
    cd = make_user(Role.DEPARTMENTAL_COUNCIL, "01D")
    client.force_login(cd)
    upload(client)  # the worked example: every count is small
    url = shared_url(client)
    client.logout()
    page = client.get(url).content.decode()
    assert "Comité départemental" in page
    assert '<td>02/2024</td><td class="app-amount">&lt; 11</td>' in page
    # no identifier of any kind (the page's random script nonces, base64, can hold « B11 » by chance)
    assert not re.search(r"B\d\d", re.sub(r'nonce="[^"]*"', "", page))
    assert "a-orienter" not in page and "Se déconnecter" not in page
    link = SharedLink.objects.get()
    client.force_login(cd)
    client.post(reverse("steering:revoke", args=["01D", link.pk]))
    client.logout()
    assert client.get(url).status_code == 410


def test_shared_link_expires_and_a_forged_one_is_refused(client, make_user):
    client.force_login(make_user(Role.DDETS, "01"))
    url = shared_url(client)
    client.logout()
    assert client.get(url).status_code == 200
    SharedLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(url).status_code == 410
    assert client.get(url.replace(url.split("/")[-2][:6], "abcdef")).status_code == 404


def test_france_travail_and_neighbours_cannot_share(client, make_user):
    client.force_login(make_user(Role.FRANCE_TRAVAIL, "01"))
    assert client.post(reverse("steering:share", args=["01D"])).status_code == 404
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "38D"))
    assert client.post(reverse("steering:share", args=["01D"])).status_code == 404
    assert not SharedLink.objects.exists()


def test_drill_down_national_region_collectivity(client, make_user):
    client.force_login(make_user(Role.DGEFP))
    national = client.get(reverse("steering:national")).content.decode()
    assert 'href="/pilotage/regions/84/?annee=2024"' in national
    region = client.get(reverse("steering:region", args=["84"])).content.decode()
    assert 'href="/pilotage/collectivites/01D/"' in region
    page = client.get(reverse("steering:collectivity", args=["01D"])).content.decode()
    assert "Comparaison avec l'enquête OARSA" in page
    assert "Part des personnes orientées (%)" in page
    client.force_login(make_user(Role.DREETS, "32"))
    assert client.get(reverse("steering:region", args=["84"])).status_code == 404
    assert client.get(reverse("steering:collectivity", args=["01D"])).status_code == 404


def test_a_year_that_is_not_a_year_is_a_french_400_not_a_crash(client, make_user):
    client.force_login(make_user(Role.DGEFP))
    response = client.get(reverse("steering:national"), {"annee": "2024'"})
    assert response.status_code == 400
    assert "Paramètre « annee » invalide : « 2024&#x27; »" in response.content.decode()
    assert client.get(reverse("steering:national"), {"annee": "2025"}).status_code == 200
    # four digits but no calendar year: the conventions running in it cannot be looked up
    assert client.get(reverse("steering:region", args=["84"]), {"annee": "0000"}).status_code == 400


def test_region_totals_group_the_territory_rows_by_region():
    from types import SimpleNamespace as N

    from steering.dashboards import Row, region_totals

    ara, hdf = N(pk=1), N(pk=2)
    rows = [
        Row(N(region_id=1), None, True, D("10.00"), D("6.00"), None, 0),
        Row(N(region_id=1), None, False, D("5.50"), D("0"), None, 0),
        Row(N(region_id=2), None, False, D("1.00"), D("1.00"), None, 0),
    ]
    totals = region_totals([ara, hdf], rows)
    assert [(t.collectivities, t.late, t.committed, t.paid) for t in totals] == [
        (2, 1, D("15.50"), D("6.00")),
        (1, 0, D("1.00"), D("1.00")),
    ]


def test_national_and_region_tables_export_in_csv_and_xlsx(client, make_user):
    import io

    from openpyxl import load_workbook

    from conventions import services
    from territories.models import Collectivity

    services.convention_create(collectivity=Collectivity.objects.get(code="01D"), year=2024)
    client.force_login(make_user(Role.DGEFP))
    national = client.get(reverse("steering:national"), {"annee": 2024, "format": "csv"})
    assert national["Content-Disposition"] == 'attachment; filename="pilotage-national-2024.csv"'
    lines = national.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "code région;région;collectivités;conventions en retard;engagé (€);versé (€)"
    ara = Collectivity.objects.filter(region__code="84").count()
    assert f"84;Auvergne-Rhône-Alpes;{ara};1;0,00;0,00" in lines
    region = client.get(reverse("steering:region", args=["84"]), {"annee": 2024, "format": "csv"})
    lines = region.content.decode("utf-8-sig").splitlines()
    assert lines[1] == "01D;Ain;Brouillon;en retard;0,00;0,00;;;;0"
    assert len(lines) == 1 + ara
    workbook = client.get(reverse("steering:region", args=["84"]), {"annee": 2024, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(workbook.content))["Collectivités"]
    assert [c.value for c in sheet[2]][:4] == ["01D", "Ain", "Brouillon", "en retard"]
    client.force_login(make_user(Role.DREETS, "32"))
    assert client.get(reverse("steering:region", args=["84"]), {"format": "csv"}).status_code == 404


def test_national_and_region_pages_read_the_database_a_fixed_number_of_times(
    client, make_user, django_assert_max_num_queries
):
    """One query per table, not one per collectivité (the national page lists the 100 of them)."""
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    upload(client)
    client.force_login(make_user(Role.DGEFP))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("steering:national")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("steering:region", args=["84"])).status_code == 200


def test_collectivity_dashboard_tables_export_one_by_one_and_all_together(client, make_user):
    import io

    from openpyxl import load_workbook

    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    upload(client)
    url = reverse("steering:collectivity", args=["01D"])
    page = client.get(url).content.decode()
    assert "?format=csv&amp;tableau=credits" in page and "?format=xlsx&amp;tableau=offre" in page
    volet2 = client.get(url, {"format": "csv", "tableau": "volet2"})
    assert volet2["Content-Disposition"] == 'attachment; filename="pilotage-01D-volet2.csv"'
    lines = volet2.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "mois;nouveaux entrants;orientés en 15 jours;part orientés en 15 jours (%);orientés en 1 mois"
    assert lines[1] == "10/2022;;;;"  # the first month of the delivery: unavailable, not zero
    workbook = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    assert workbook.sheetnames == [
        "Crédits par volet", "Volet 2", "Enquête OARSA 2015-2018", "Plan d'action", "Offre par thématique",
    ]  # fmt: skip
    themes = list(workbook["Offre par thématique"].iter_rows(min_row=2, values_only=True))
    assert len(themes) == 69
    assert themes[0][4] == "oui" and themes[0][3] == "à renforcer"  # the priorities first; no service yet
    oarsa = [row[0] for row in workbook["Enquête OARSA 2015-2018"].iter_rows(min_row=2, values_only=True)]
    assert "Part des personnes orientées (%)" in oarsa


@pytest.mark.parametrize(("typed", "days"), [("", 30), (None, 30), (" 45 ", 45), ("1", 1), ("365", 365)])
def test_validity_of_a_shared_link_as_typed(typed, days):
    assert sharing.validity_days(typed) == days


@pytest.mark.parametrize("typed", ["0", "366", "-3", "1e3", "trente", "10.5"])
def test_a_validity_outside_one_to_365_days_is_refused_not_moved_into_the_range(typed):
    with pytest.raises(sharing.InvalidDuration, match=f"entre 1 et 365. Saisi : « {re.escape(typed)} »"):
        sharing.validity_days(typed)


def test_a_link_for_400_days_is_refused_and_none_is_created(client, make_user):
    client.force_login(make_user(Role.DDETS, "01"))
    page = client.post(reverse("steering:share", args=["01D"]), {"jours": "400"}, follow=True).content.decode()
    assert "Durée du lien invalide : un nombre de jours entre 1 et 365. Saisi : « 400 »." in page
    assert not SharedLink.objects.exists()


def test_a_revocation_is_attributed_and_the_first_one_stands(client, make_user):
    link = SharedLinkFactory(label="Comité de suivi")
    first, second = make_user(Role.DDETS, "01", username="premier"), make_user(Role.DDETS, "01", username="second")
    client.force_login(first)
    page = client.get(reverse("steering:collectivity", args=["01D"])).content.decode()
    assert f"Comité de suivi – créé le {timezone.localdate():%d/%m/%Y} par {link.created_by.username}" in page
    client.post(reverse("steering:revoke", args=["01D", link.pk]))
    link.refresh_from_db()
    revoked_at = link.revoked_at
    assert (link.revoked_by, link.active) == (first, False)
    # the second agent revokes it again from a page opened before: the first revocation stands
    client.force_login(second)
    client.post(reverse("steering:revoke", args=["01D", link.pk]))
    link.refresh_from_db()
    assert (link.revoked_by, link.revoked_at) == (first, revoked_at)
    page = client.get(reverse("steering:collectivity", args=["01D"])).content.decode()
    assert f"révoqué le {timezone.localtime(revoked_at):%d/%m/%Y à %H:%M} par premier" in page


def test_an_expired_link_says_so_and_a_neighbour_cannot_revoke(client, make_user):
    link = SharedLinkFactory(expires_at=timezone.now() - timedelta(days=1))
    client.force_login(make_user(Role.DDETS, "01"))
    page = client.get(reverse("steering:collectivity", args=["01D"])).content.decode()
    assert f"expiré le {timezone.localtime(link.expires_at):%d/%m/%Y}" in page
    other = SharedLinkFactory()
    client.force_login(make_user(Role.DDETS, "38"))
    assert client.post(reverse("steering:revoke", args=["38D", other.pk])).status_code == 404
    assert client.post(reverse("steering:revoke", args=["01D", other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
