from config.french import Noun, count


def test_agreement_of_participles_and_determiners():
    assert Noun("fiche action", feminine=True).done() == "Fiche action enregistrée"
    assert Noun("parcours type").done() == "Parcours type enregistré"
    assert Noun("fiche action", feminine=True).this == "cette fiche action"
    assert Noun("élément de la feuille de route").this == "cet élément de la feuille de route"
    assert Noun("parcours type").this == "ce parcours type"


def test_plurals():
    assert count(1, "doublon probable") == "1 doublon probable"
    assert count(0, "doublon probable") == "0 doublon probable"
    assert count(3, "doublon probable") == "3 doublons probables"
    assert count(2, "structure") == "2 structures"
