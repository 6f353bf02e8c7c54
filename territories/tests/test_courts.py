"""The tribunal administratif named in article 11 of each convention: the reference data against the text of
article R221-3 of the code de justice administrative (and R221-1 for the names of the overseas courts)."""

import pytest

from territories.courts import administrative_court, courts
from territories.models import Collectivity, Departement, Region

# Article R221-3, as the code writes it (version in force since the décret n° 2015-1444 of 6 November 2015).
R221_3 = """Amiens : Aisne, Oise, Somme ;
Bastia : Corse-du-Sud, Haute-Corse ;
Besançon : Doubs, Jura, Haute-Saône, Territoire-de-Belfort ;
Bordeaux : Dordogne, Gironde, Lot-et-Garonne ;
Caen : Calvados, Manche, Orne ;
Cergy-Pontoise : Hauts-de-Seine, Val-d'Oise ;
Châlons-en-Champagne : Ardennes, Aube, Marne, Haute-Marne ;
Clermont-Ferrand : Allier, Cantal, Haute-Loire, Puy-de-Dôme ;
Dijon : Côte-d'Or, Nièvre, Saône-et-Loire, Yonne ;
Grenoble : Drôme, Isère, Savoie, Haute-Savoie ;
Lille : Nord, Pas-de-Calais ;
Limoges : Corrèze, Creuse, Indre, Haute-Vienne ;
Lyon : Ain, Ardèche, Loire, Rhône ;
Marseille : Alpes-de-Haute-Provence, Hautes-Alpes, Bouches-du-Rhône ;
Melun : Seine-et-Marne, Val-de-Marne ;
Montpellier : Aude, Hérault, Pyrénées-Orientales ;
Montreuil : Seine-Saint-Denis ;
Nancy : Meurthe-et-Moselle, Meuse, Vosges ;
Nantes : Loire-Atlantique, Maine-et-Loire, Mayenne, Sarthe, Vendée ;
Nice : Alpes-Maritimes ;
Nîmes : Gard, Lozère, Vaucluse ;
Orléans : Cher, Eure-et-Loir, Indre-et-Loire, Loir-et-Cher, Loiret ;
Paris : Paris ;
Pau : Gers, Landes, Pyrénées-Atlantiques, Hautes-Pyrénées ;
Poitiers : Charente, Charente-Maritime, Deux-Sèvres, Vienne ;
Rennes : Côtes-d'Armor, Finistère, Ille-et-Vilaine, Morbihan ;
Rouen : Eure, Seine-Maritime ;
Strasbourg : Moselle, Bas-Rhin, Haut-Rhin ;
Toulon : Var ;
Toulouse : Ariège, Aveyron, Haute-Garonne, Lot, Tarn, Tarn-et-Garonne ;
Versailles : Essonne, Yvelines ;
Basse-Terre : Guadeloupe ;
Cayenne : Guyane ;
Fort-de-France : Martinique ;
Mamoudzou : Mayotte ;
Saint-Denis : La Réunion"""
# R221-1: the overseas courts are named after their territory, not their seat.
OVERSEAS = {
    "Basse-Terre": "de la Guadeloupe",
    "Cayenne": "de la Guyane",
    "Fort-de-France": "de la Martinique",
    "Mamoudzou": "de Mayotte",
    "Saint-Denis": "de La Réunion",
}
ELISION = {"Amiens": "d'Amiens", "Orléans": "d'Orléans"}


def expected_courts() -> dict[str, str]:
    """département name → the name after « Tribunal administratif »."""
    result = {}
    for line in R221_3.splitlines():
        seat, _, names = line.rstrip(" ;").partition(" : ")
        for name in names.split(", "):
            result[name] = OVERSEAS.get(seat) or ELISION.get(seat) or f"de {seat}"
    return result


@pytest.mark.django_db
def test_every_departement_has_the_court_of_article_r221_3():
    names = dict(Departement.objects.values_list("code", "name"))
    actual = {names[code]: after_de for code, (_, after_de) in courts().items()}
    assert len(actual) == 101
    assert actual == expected_courts()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, court",
    [
        ("6AE", "de Strasbourg"),
        ("69M", "de Lyon"),
        ("20R", "de Bastia"),
        ("75C", "de Paris"),
        ("972R", "de la Martinique"),
        ("973R", "de la Guyane"),
        ("974D", "de La Réunion"),
        ("59D", "de Lille"),
        ("80D", "d'Amiens"),
    ],
)
def test_collectivities_with_departemental_powers(code, court):
    assert Collectivity.objects.get(code=code).administrative_court == court


def test_departements_of_two_courts_are_refused():
    with pytest.raises(ValueError, match="pas un seul tribunal administratif"):
        administrative_court(["01", "59"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, of",
    [
        ("84", "d'Auvergne-Rhône-Alpes"),
        ("32", "des Hauts-de-France"),
        ("44", "du Grand Est"),
        ("75", "de la Nouvelle-Aquitaine"),
        ("11", "d'Île-de-France"),
        ("53", "de Bretagne"),
        ("01", "de la Guadeloupe"),
        ("04", "de La Réunion"),
    ],
)
def test_regions_named_with_their_article(code, of):
    assert Region.objects.get(code=code).of_name == of
