"""The bank block of article 6: the RIB's key and its agreement with the IBAN (well-known published examples)."""

import pytest

from conventions.banking import iban_errors, rib_errors, rib_key

BANQUE_DE_FRANCE = ("30001", "00794", "12345678901", "85", "FR7630001007941234567890185")
LA_BANQUE_POSTALE = ("20041", "01005", "0500013M026", "06", "FR1420041010050500013M02606")


@pytest.mark.parametrize("bank, branch, account, key, iban", [BANQUE_DE_FRANCE, LA_BANQUE_POSTALE])
def test_published_ribs_are_consistent(bank, branch, account, key, iban):
    assert rib_key(bank, branch, account) == key
    assert iban_errors(iban) == []
    assert rib_errors(bank, branch, account, key, iban) == []


def test_a_wrong_key_is_refused():
    assert rib_errors("20041", "01005", "0500013M026", "07") == [
        "Clé RIB 07 incohérente avec le code établissement, le code guichet et le numéro de compte"
    ]


def test_a_rib_of_another_account_than_the_iban_is_refused():
    assert rib_errors(*BANQUE_DE_FRANCE[:4], iban=LA_BANQUE_POSTALE[4]) == [
        "Le RIB ne correspond pas à l'IBAN : l'IBAN français reprend code établissement, guichet, compte et clé"
    ]


def test_malformed_parts_are_named():
    assert rib_errors("3000", "0079", "123", "8") == [
        "Code établissement invalide : 5 chiffres",
        "Code guichet invalide : 5 chiffres",
        "Numéro de compte invalide : 11 chiffres ou lettres",
        "Clé RIB invalide : 2 chiffres",
    ]
