"""The département's own identifiers on the orientation work list (indicators.identifiers): kept encrypted for
the persons listed only, when the deployment sets a key; shown to the CD's agents, never exported; deleted with
the next delivery or after three months."""

import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from indicators import identifiers, storage
from indicators.engine.reading import read_delivery
from indicators.engine.values import Pseudonymiser, pseudonymise
from indicators.models import Delivery, ListedIdentifier
from indicators.results import pseudonym

WORKED_EXAMPLE = Path(__file__).resolve().parent / "data" / "volet2"
KEY = Fernet.generate_key().decode()
# B14 enters the perimeter in April 2024 (the delivery's last month), T0 on 10 April: without its orientation
# it is the only person left to orient.
WITHOUT_B14_ORIENTATION = ("orientations.csv", "B14;2024-04-02", "B99;2024-04-02")
# B14 as a word of its own: a page's random tokens (CSRF, script nonces) may contain the letters « B14 »
B14 = re.compile(r"(?<![\w-])B14(?![\w-])")


def test_each_distinct_identifier_is_hashed_once_and_given_back_only_when_kept():
    kept = Pseudonymiser(b"k", keep=True)
    assert kept(" B01") != kept("B02") and kept("B01") == pseudonymise(b"k", "B01")
    assert kept.raw_of([pseudonymise(b"k", "B02"), 123]) == {pseudonymise(b"k", "B02"): "B02"}
    kept.forget()
    assert kept.raw_of([pseudonymise(b"k", "B02")]) == {}
    with pytest.raises(ValueError):
        Pseudonymiser(b"k").raw_of([1])


def test_reading_with_kept_identifiers_gives_the_same_tables():
    plain = read_delivery(WORKED_EXAMPLE, key=b"cle")
    kept = read_delivery(WORKED_EXAMPLE, key=b"cle", keep_identifiers=True)
    assert plain.pseudonymiser is None
    assert kept.tables["situations_mensuelles"].equals(plain.tables["situations_mensuelles"])
    persons = set(kept.tables["situations_mensuelles"].column("personne").to_pylist())
    assert sorted(kept.pseudonymiser.raw_of(persons).values()) == [f"B{i:02d}" for i in range(1, 15)]


def delivery_zip(replace=None) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for path in WORKED_EXAMPLE.glob("*.csv"):
            text = path.read_text("utf-8")
            if replace and path.name == replace[0]:
                text = text.replace(replace[1], replace[2], 1)
            zipped.writestr(path.name, text)
    buffer.seek(0)
    buffer.name = "livraison.zip"
    return buffer


@pytest.fixture
def cd_agent(client, make_user, settings, tmp_path):
    settings.INDICATORS_DATA_DIR = tmp_path / "indicateurs"
    settings.WORKLIST_IDENTIFIER_KEY = KEY
    user = make_user(Role.DEPARTMENTAL_COUNCIL, "01D")
    client.force_login(user)
    return user


def deliver(client, replace=WITHOUT_B14_ORIENTATION):
    response = client.post(
        reverse("indicators:deliveries", args=["01D"]), {"files": delivery_zip(replace)}, follow=True
    )
    assert "Livraison acceptée" in response.content.decode()
    return Delivery.objects.order_by("-pk").first()


def worklist_page(client) -> str:
    return client.get(reverse("indicators:worklist", args=["01D"])).content.decode()


@pytest.mark.django_db
def test_the_cd_agent_sees_the_identifier_of_the_person_to_orient_and_only_it_is_kept(client, cd_agent):
    delivery = deliver(client)
    kept = ListedIdentifier.objects.get()
    assert kept.delivery == delivery and kept.pseudonym == pseudonymise(b"demo-only-pseudonymisation-key", "B14")
    # a Fernet token (its version byte, then the ciphertext), opened by the key only
    assert kept.token.startswith("gAAAAA") and Fernet(KEY.encode()).decrypt(kept.token.encode()) == b"B14"
    assert timedelta(days=91) < kept.expires_at - timezone.now() <= timedelta(days=92)
    page = worklist_page(client)
    assert '<td data-testid="identifier">B14</td>' in page and "Identifiant du département" in page
    # the stored files number the persons (engine.persons); the page shows the pseudonym
    stored = pq.read_table(storage.table_paths(delivery.pk)["situations_mensuelles"]).column("personne")
    assert set(stored.to_pylist()) == set(range(14))
    assert pseudonym(pseudonymise(b"demo-only-pseudonymisation-key", "B14")) in page
    export = client.get(reverse("indicators:worklist", args=["01D"]) + "?format=csv").content.decode("utf-8")
    assert not B14.search(export) and "1 personne à orienter" in page


@pytest.mark.django_db
def test_nothing_is_kept_without_the_key(client, cd_agent, settings):
    settings.WORKLIST_IDENTIFIER_KEY = ""
    deliver(client)
    assert not ListedIdentifier.objects.exists()
    page = worklist_page(client)
    assert "1 personne à orienter" in page and not B14.search(page) and "Identifiant du département" not in page


@pytest.mark.django_db
def test_nobody_is_kept_when_nobody_is_to_orient(client, cd_agent):
    deliver(client, replace=None)
    assert not ListedIdentifier.objects.exists()


@pytest.mark.django_db
def test_the_next_delivery_deletes_the_identifiers_of_the_previous_one(client, cd_agent):
    first = deliver(client)
    second = deliver(client)
    assert list(ListedIdentifier.objects.values_list("delivery", flat=True)) == [second.pk]
    assert first.pk != second.pk
    deliver(client, replace=None)
    assert not ListedIdentifier.objects.exists()


@pytest.mark.django_db
def test_after_three_months_they_are_no_longer_shown_and_the_daily_purge_deletes_them(client, cd_agent):
    deliver(client)
    ListedIdentifier.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page = worklist_page(client)
    assert not B14.search(page) and "1 personne à orienter" in page
    call_command("purge_identifiers", stdout=io.StringIO())
    assert not ListedIdentifier.objects.exists()


@pytest.mark.django_db
def test_a_rotated_key_still_opens_them_and_a_foreign_key_shows_nothing(client, cd_agent, settings):
    deliver(client)
    settings.WORKLIST_IDENTIFIER_KEY = f"{Fernet.generate_key().decode()}, {KEY}"
    assert identifiers.of_delivery(Delivery.objects.get()) == {
        pseudonymise(b"demo-only-pseudonymisation-key", "B14"): "B14"
    }
    settings.WORKLIST_IDENTIFIER_KEY = Fernet.generate_key().decode()
    page = worklist_page(client)
    assert not B14.search(page) and "1 personne à orienter" in page


@pytest.mark.django_db
def test_only_the_councils_own_agents_open_the_list(client, cd_agent, make_user):
    deliver(client)
    for role, territory in ((Role.DDETS, "01"), (Role.DEPARTMENTAL_COUNCIL, "38D"), (Role.DGEFP, None)):
        client.force_login(make_user(role, territory))
        assert client.get(reverse("indicators:worklist", args=["01D"])).status_code == 404
