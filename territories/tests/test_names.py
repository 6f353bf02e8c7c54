"""The article of each département's name (TNCC of the COG), as the convention writes it after « de »:
all 101 départements and the collectivités with départemental powers, written out."""

import pytest

from territories.models import Collectivity, Departement
from territories.names import of_name, with_article

pytestmark = pytest.mark.django_db

OF_NAME = {
    "01": "de l'Ain",
    "02": "de l'Aisne",
    "03": "de l'Allier",
    "04": "des Alpes-de-Haute-Provence",
    "05": "des Hautes-Alpes",
    "06": "des Alpes-Maritimes",
    "07": "de l'Ardèche",
    "08": "des Ardennes",
    "09": "de l'Ariège",
    "10": "de l'Aube",
    "11": "de l'Aude",
    "12": "de l'Aveyron",
    "13": "des Bouches-du-Rhône",
    "14": "du Calvados",
    "15": "du Cantal",
    "16": "de la Charente",
    "17": "de la Charente-Maritime",
    "18": "du Cher",
    "19": "de la Corrèze",
    "2A": "de la Corse-du-Sud",
    "2B": "de la Haute-Corse",
    "21": "de la Côte-d'Or",
    "22": "des Côtes-d'Armor",
    "23": "de la Creuse",
    "24": "de la Dordogne",
    "25": "du Doubs",
    "26": "de la Drôme",
    "27": "de l'Eure",
    "28": "d'Eure-et-Loir",
    "29": "du Finistère",
    "30": "du Gard",
    "31": "de la Haute-Garonne",
    "32": "du Gers",
    "33": "de la Gironde",
    "34": "de l'Hérault",
    "35": "d'Ille-et-Vilaine",
    "36": "de l'Indre",
    "37": "d'Indre-et-Loire",
    "38": "de l'Isère",
    "39": "du Jura",
    "40": "des Landes",
    "41": "de Loir-et-Cher",
    "42": "de la Loire",
    "43": "de la Haute-Loire",
    "44": "de la Loire-Atlantique",
    "45": "du Loiret",
    "46": "du Lot",
    "47": "de Lot-et-Garonne",
    "48": "de la Lozère",
    "49": "de Maine-et-Loire",
    "50": "de la Manche",
    "51": "de la Marne",
    "52": "de la Haute-Marne",
    "53": "de la Mayenne",
    "54": "de Meurthe-et-Moselle",
    "55": "de la Meuse",
    "56": "du Morbihan",
    "57": "de la Moselle",
    "58": "de la Nièvre",
    "59": "du Nord",
    "60": "de l'Oise",
    "61": "de l'Orne",
    "62": "du Pas-de-Calais",
    "63": "du Puy-de-Dôme",
    "64": "des Pyrénées-Atlantiques",
    "65": "des Hautes-Pyrénées",
    "66": "des Pyrénées-Orientales",
    "67": "du Bas-Rhin",
    "68": "du Haut-Rhin",
    "69": "du Rhône",
    "70": "de la Haute-Saône",
    "71": "de Saône-et-Loire",
    "72": "de la Sarthe",
    "73": "de la Savoie",
    "74": "de la Haute-Savoie",
    "75": "de Paris",
    "76": "de la Seine-Maritime",
    "77": "de Seine-et-Marne",
    "78": "des Yvelines",
    "79": "des Deux-Sèvres",
    "80": "de la Somme",
    "81": "du Tarn",
    "82": "du Tarn-et-Garonne",
    "83": "du Var",
    "84": "du Vaucluse",
    "85": "de la Vendée",
    "86": "de la Vienne",
    "87": "de la Haute-Vienne",
    "88": "des Vosges",
    "89": "de l'Yonne",
    "90": "du Territoire-de-Belfort",
    "91": "de l'Essonne",
    "92": "des Hauts-de-Seine",
    "93": "de la Seine-Saint-Denis",
    "94": "du Val-de-Marne",
    "95": "du Val-d'Oise",
    "971": "de la Guadeloupe",
    "972": "de la Martinique",
    "973": "de la Guyane",
    "974": "de La Réunion",
    "976": "de Mayotte",
}

SPECIAL = {
    "20R": "de la Collectivité de Corse",
    "6AE": "de la Collectivité européenne d'Alsace",
    "69M": "de la Métropole de Lyon",
    "75C": "de la Ville de Paris",
    "972R": "de la Collectivité territoriale de Martinique",
    "973R": "de la Collectivité territoriale de Guyane",
}


def test_every_departement_is_named_with_its_article():
    assert {d.code: d.of_name for d in Departement.objects.all()} == OF_NAME


def test_every_collectivity_is_named_with_its_article():
    named = {c.code: c.of_name for c in Collectivity.objects.all()}
    assert {code: named[code] for code in SPECIAL} == SPECIAL
    assert named["01D"] == "de l'Ain" and named["59D"] == "du Nord" and named["02D"] == "de l'Aisne"
    assert len(named) == 100  # every collectivité of the reference data


def test_the_reference_data_spells_lot_et_garonne():
    assert Departement.objects.get(code="47").name == "Lot-et-Garonne"


@pytest.mark.parametrize(
    ("name", "tncc", "article", "of"),
    [
        ("Ain", 5, "l'Ain", "de l'Ain"),
        ("Nord", 2, "le Nord", "du Nord"),
        ("Somme", 3, "la Somme", "de la Somme"),
        ("Landes", 4, "les Landes", "des Landes"),
        ("Eure-et-Loir", 1, "Eure-et-Loir", "d'Eure-et-Loir"),
        ("Paris", 0, "Paris", "de Paris"),
    ],
)
def test_the_six_articles(name, tncc, article, of):
    assert (with_article(name, tncc), of_name(name, tncc)) == (article, of)
