import re

import pytest
from django.urls import reverse

from accounts.models import Role
from territories.models import Collectivity

pytestmark = pytest.mark.django_db


def test_editing_signatories_is_audited_with_who_before_and_after(client, make_user):
    agent = make_user(Role.DDETS, "01", first_name="Alex", last_name="Fictif")
    client.force_login(agent)
    url = reverse("territories:collectivity_edit", args=["01D"])
    for name in ("M. Premier", "Mme Seconde"):  # each saved from the page, with the version it shows
        shown = re.search(r'name="lock_version" value="(\d+)"', client.get(url).content.decode())[1]
        client.post(url, {"president_name": name, "prefect_name": "", "contact_email": "", "lock_version": shown})

    last = Collectivity.history.filter(code="01D").latest("history_date")
    assert last.history_user == agent
    page = client.get(reverse("territories:collectivity_history", args=["01D"])).content.decode()
    assert "Alex Fictif" in page
    assert "<td>président(e) du conseil départemental</td><td>M. Premier</td><td>Mme Seconde</td>" in page


def test_invalid_email_is_refused_and_nothing_is_saved(client, make_user):
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    response = client.post(
        reverse("territories:collectivity_edit", args=["01D"]),
        {"president_name": "Quelqu'un", "prefect_name": "", "contact_email": "pas-une-adresse"},
    )
    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide." in response.content.decode()
    assert Collectivity.objects.get(code="01D").president_name == ""


def test_collectivity_page_shows_the_rsa_figure_with_its_source(client, make_user):
    client.force_login(make_user(Role.DREETS, "44"))
    page = client.get(reverse("territories:collectivity_detail", args=["6AE"])).content.decode()
    assert "42\u00a0750 au 31/12/2019" in page
    assert "Somme des départements 67 et 68." in page
    assert "Source : DREES" in page


def test_france_travail_sees_no_edit_or_history_link(client, make_user):
    client.force_login(make_user(Role.FRANCE_TRAVAIL, "01"))
    page = client.get(reverse("territories:collectivity_detail", args=["01D"])).content.decode()
    assert "Modifier les signataires" not in page
    assert "Historique" not in page


def test_dreets_region_page_lists_its_collectivities(client, make_user):
    client.force_login(make_user(Role.DREETS, "32"))
    page = client.get(reverse("territories:region_detail", args=["32"])).content.decode()
    for name in ("Aisne", "Nord", "Oise", "Pas-de-Calais", "Somme"):
        assert name in page
    assert not re.search(r"(?<![\w-])Ain(?![\w-])", page)  # a word of its own, not letters of a CSRF token


def test_collectivity_lists_export_in_the_scope_of_the_user(client, make_user):
    client.force_login(make_user(Role.DREETS, "84"))
    lines = client.get(reverse("territories:collectivity_list"), {"format": "csv"}).content.decode("utf-8-sig")
    rows = lines.splitlines()
    assert rows[0] == "code;collectivité;région;foyers allocataires du RSA"
    assert {row.split(";")[2] for row in rows[1:]} == {"Auvergne-Rhône-Alpes"}
    assert any(row.startswith("01D;Ain;") for row in rows)


def test_signatories_changed_meanwhile_are_not_overwritten(client, make_user):
    url = reverse("territories:collectivity_edit", args=["01D"])
    first, second = make_user(Role.DDETS, "01", username="premier"), make_user(Role.DEPARTMENTAL_COUNCIL, "01D")
    client.force_login(first)
    seen_by_first = re.search(r'name="lock_version" value="(\d+)"', client.get(url).content.decode())[1]
    client.force_login(second)
    seen_by_second = re.search(r'name="lock_version" value="(\d+)"', client.get(url).content.decode())[1]
    saved = client.post(url, {"president_name": "Mme Seconde", "prefect_name": "", "contact_email": "",
                              "lock_version": seen_by_second})  # fmt: skip
    assert saved.status_code == 302
    client.force_login(first)
    refused = client.post(url, {"president_name": "M. Premier", "prefect_name": "P", "contact_email": "",
                                "lock_version": seen_by_first})  # fmt: skip
    assert refused.status_code == 200
    assert (
        "Les signataires de la collectivité de l&#x27;Ain ont été modifiés par quelqu&#x27;un d&#x27;autre depuis "
        "l&#x27;affichage de la page ; rien n&#x27;a été enregistré" in refused.content.decode()
    )
    ain = Collectivity.objects.get(code="01D")
    assert (ain.president_name, ain.prefect_name) == ("Mme Seconde", "")
    assert Collectivity.history.filter(code="01D").latest("history_date").history_user == second
    # reloaded, the page shows the current version and the first agent's change goes through
    current = re.search(r'name="lock_version" value="(\d+)"', client.get(url).content.decode())[1]
    client.post(
        url, {"president_name": "M. Premier", "prefect_name": "P", "contact_email": "", "lock_version": current}
    )
    assert Collectivity.objects.get(code="01D").president_name == "M. Premier"


@pytest.mark.parametrize(
    ("version", "message"),
    [(None, "La page ne dit pas quelle version des signataires elle montrait"),
     ("deux", "La version des signataires envoyée n&#x27;est pas un nombre")],
)  # fmt: skip
def test_signatories_posted_without_the_version_seen_are_refused(client, make_user, version, message):
    """A page cached before the check, or a hand-made request, cannot overwrite the signatories unchecked."""
    url = reverse("territories:collectivity_edit", args=["01D"])
    client.force_login(make_user(Role.DDETS, "01"))
    before = Collectivity.objects.get(code="01D")
    posted = {"president_name": "M. Sans Version", "prefect_name": "P", "contact_email": ""}
    if version is not None:
        posted["lock_version"] = version
    refused = client.post(url, posted)
    assert refused.status_code == 200
    assert message in refused.content.decode()
    after = Collectivity.objects.get(code="01D")
    assert (after.president_name, after.lock_version) == (before.president_name, before.lock_version)
