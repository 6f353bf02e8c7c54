import pytest

from territories.loading import load_reference_data
from territories.models import Collectivity, Departement, Region, RsaHouseholdCount

pytestmark = pytest.mark.django_db


def test_r_conv_01_every_signing_collectivity_is_loaded_with_its_region():
    assert Region.objects.count() == 18
    assert Departement.objects.count() == 101
    assert Collectivity.objects.count() == 100
    expected = {
        "20R": ("Collectivité de Corse", "94", ["2A", "2B"]),
        "6AE": ("Collectivité européenne d'Alsace", "44", ["67", "68"]),
        "69D": ("Rhône", "84", ["69"]),
        "69M": ("Métropole de Lyon", "84", ["69"]),
        "75C": ("Ville de Paris", "11", ["75"]),
        "971D": ("Guadeloupe", "01", ["971"]),
        "972R": ("Collectivité territoriale de Martinique", "02", ["972"]),
        "973R": ("Collectivité territoriale de Guyane", "03", ["973"]),
        "974D": ("La Réunion", "04", ["974"]),
        "976D": ("Mayotte", "06", ["976"]),
    }
    for code, (name, region, departements) in expected.items():
        collectivity = Collectivity.objects.get(code=code)
        assert (collectivity.name, collectivity.region.code, collectivity.departement_codes) == (
            name,
            region,
            departements,
        )
    # Every département belongs to at least one collectivité; only 69 to two.
    assert not Departement.objects.filter(collectivities=None).exists()
    shared = [d.code for d in Departement.objects.all() if d.collectivities.count() > 1]
    assert shared == ["69"]


def test_rsa_households_keep_source_and_year():
    ain = Collectivity.objects.get(code="01D")
    assert (ain.rsa_households, ain.rsa_households_year) == (7690, 2019)
    assert "DREES" in ain.rsa_households_source
    alsace = Collectivity.objects.get(code="6AE")
    assert alsace.rsa_households == 27478 + 15272
    assert alsace.rsa_households_note == "Somme des départements 67 et 68."
    assert Collectivity.objects.get(code="69M").rsa_households is None
    assert RsaHouseholdCount.objects.get(departement__code="02", year=2017).households == 17328


def test_reference_load_is_idempotent():
    history_rows = Collectivity.history.count()
    report = load_reference_data()
    assert report.created == {}
    assert report.updated == {}
    assert Collectivity.objects.count() == 100
    assert Collectivity.history.count() == history_rows


def test_reference_load_repairs_a_changed_row_and_keeps_user_edits():
    ain = Collectivity.objects.get(code="01D")
    ain.name = "Ain (faute de frappe)"
    ain.president_name = "Mme Fictive"
    ain.save()
    report = load_reference_data()
    assert report.updated == {"collectivités": 1}
    ain.refresh_from_db()
    assert ain.name == "Ain"
    assert ain.president_name == "Mme Fictive"
