from territories.reference import collectivity_rsa_households

COUNTS = {
    ("67", 2018): 26507,
    ("67", 2019): 27478,
    ("68", 2018): 15239,
    ("68", 2019): 15272,
    ("69", 2019): 47585,
    ("01", 2019): 7690,
    ("02", 2018): 17632,
}


def test_single_departement_takes_its_latest_year():
    figure = collectivity_rsa_households(departement_codes=["01"], counts=COUNTS, shared_codes=set())
    assert (figure.households, figure.year, figure.note) == (7690, 2019, "")


def test_merged_collectivity_sums_its_departements_and_says_so():
    figure = collectivity_rsa_households(departement_codes=["67", "68"], counts=COUNTS, shared_codes=set())
    assert figure.households == 27478 + 15272
    assert figure.year == 2019
    assert figure.note == "Somme des départements 67 et 68."


def test_shared_departement_is_not_split_between_rhone_and_lyon():
    figure = collectivity_rsa_households(departement_codes=["69"], counts=COUNTS, shared_codes={"69"})
    assert figure.households is None
    assert "69 : 47585 en 2019" in figure.note


def test_departement_absent_from_source_is_unknown():
    figure = collectivity_rsa_households(departement_codes=["2A", "2B"], counts=COUNTS, shared_codes=set())
    assert (figure.households, figure.year) == (None, None)
    assert figure.note == "Non disponible dans la source."


def test_sum_uses_a_year_every_departement_has():
    counts = {("67", 2019): 10, ("67", 2018): 9, ("68", 2018): 5}
    figure = collectivity_rsa_households(departement_codes=["67", "68"], counts=counts, shared_codes=set())
    assert (figure.households, figure.year) == (14, 2018)
