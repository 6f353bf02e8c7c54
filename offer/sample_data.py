"""Realistic, fictitious offer records for the demo and the tests: structures and services in the Ain, and a
labelled set of duplicate / distinct pairs for measuring the duplicate detection."""

from datetime import date, timedelta

TODAY = date.today()
COMMUNES = {
    "Bourg-en-Bresse": ("01053", "01000"),
    "Oyonnax": ("01283", "01100"),
    "Ambérieu-en-Bugey": ("01004", "01500"),
    "Bellegarde-sur-Valserine": ("01033", "01200"),
}

# (name, commune, address, siret)
BASES = [
    (
        "Centre communal d'action sociale de Bourg-en-Bresse",
        "Bourg-en-Bresse",
        "3 avenue Arsène d'Arsonval",
        "21010053900012",
    ),
    ("Mission locale jeunes Bresse Dombes Côtière", "Bourg-en-Bresse", "12 boulevard Joliot Curie", "41922883700029"),
    ("Épicerie sociale Le Panier Bressan", "Bourg-en-Bresse", "8 rue du Peloux", "50123456700018"),
    ("Secours populaire antenne d'Oyonnax", "Oyonnax", "21 rue Anatole France", "77568130900456"),
    ("Restos du Cœur Ambérieu-en-Bugey", "Ambérieu-en-Bugey", "2 rue Alexandre Bérard", "44239843200123"),
    ("Atelier chantier d'insertion Tremplin", "Oyonnax", "45 cours de Verdun", "38123456700027"),
    ("Auto-école sociale Mobil'Emploi", "Bourg-en-Bresse", "5 rue des Casernes", "81234567800015"),
    ("Garage solidaire de la Plaine de l'Ain", "Ambérieu-en-Bugey", "17 route de Lyon", "82345678900011"),
    (
        "Crèche à vocation d'insertion professionnelle Les P'tits Loups",
        "Bellegarde-sur-Valserine",
        "4 rue de la Poste",
        "83456789000017",
    ),
    ("Maison France services de Bellegarde", "Bellegarde-sur-Valserine", "1 place Carnot", "21010033100016"),
    ("Centre de santé mutualiste Oyonnax", "Oyonnax", "30 rue Jules Michelet", "77567890100034"),
    ("Point conseil budget Ain", "Bourg-en-Bresse", "14 place de la Grenouillère", "84567890100012"),
    ("Association d'aide alimentaire La Passerelle", "Oyonnax", "9 rue Paul Painlevé", "85678901200014"),
    ("Plateforme mobilité Ain Sud", "Ambérieu-en-Bugey", "6 avenue Roger Salengro", "86789012300019"),
    (
        "Centre d'information sur les droits des femmes et des familles",
        "Bourg-en-Bresse",
        "2 rue de la Liberté",
        "87890123400015",
    ),
    ("Recyclerie solidaire Le Grenier", "Bellegarde-sur-Valserine", "33 rue de la République", "88901234500011"),
    ("Espace emploi formation de la Plaine", "Ambérieu-en-Bugey", "11 rue de la Gare", "89012345600017"),
    ("Cap emploi Ain", "Bourg-en-Bresse", "20 rue du Docteur Ebrard", "39012345600013"),
    ("Centre social Le Lavoir", "Oyonnax", "7 rue du Lavoir", "40123456700010"),
    ("Relais petite enfance Bresse", "Bourg-en-Bresse", "22 rue Bourgmayer", "21010053900020"),
]

VARIANTS = [
    lambda n: n.replace("Centre communal d'action sociale", "C.C.A.S."),
    lambda n: n.upper(),
    lambda n: n.replace("é", "e").replace("è", "e").replace("É", "E").replace("Œ", "Oe").replace("œ", "oe"),
    lambda n: n + " (antenne)",
    lambda n: n.replace(" de ", " ").replace(" d'", " "),
    lambda n: n[:-1] if len(n) > 20 else n + "s",  # a typo
]

# Distinct structures that look alike: same commune, shared words, different SIRET and address.
LOOKALIKES = [
    ("Épicerie solidaire du quartier de la Reyssouze", "Bourg-en-Bresse", "40 rue Lamartine", "90123456700016"),
    ("Mission locale antenne de Pont-de-Vaux", "Bourg-en-Bresse", "3 place de la Mairie", "41922883700045"),
    ("Centre social Est Oyonnax", "Oyonnax", "55 rue Brillat-Savarin", "91234567800012"),
    ("Garage associatif du Bugey", "Ambérieu-en-Bugey", "3 chemin des Prés", "92345678900018"),
    ("Maison des services au public Valserine", "Bellegarde-sur-Valserine", "10 rue Lafayette", "93456789000014"),
    ("Point info famille Bourg", "Bourg-en-Bresse", "9 rue Teynière", "94567890100010"),
    ("Centre de santé infirmier Oyonnax", "Oyonnax", "2 rue Voltaire", "95678901200017"),
    ("Plateforme emploi Ain Nord", "Oyonnax", "18 rue Bichat", "96789012300013"),
    ("Association d'entraide La Passerelle des Familles", "Oyonnax", "71 avenue Jean Jaurès", "97890123400019"),
    ("Recyclerie Valserine Emploi", "Bellegarde-sur-Valserine", "6 impasse du Moulin", "98901234500015"),
]


def structure(index: int, name: str, commune: str, address: str, siret: str | None, **extra) -> dict:
    code_insee, code_postal = COMMUNES[commune]
    record = {
        "source": "fixture", "id": f"fixture--{index}", "nom": name,
        "date_maj": (TODAY - timedelta(days=30)).isoformat(), "commune": commune,
        "code_insee": code_insee, "code_postal": code_postal, "adresse": address,
    }  # fmt: skip
    if siret:
        record["siret"] = siret
    record.update(extra)
    return record


def labelled_structures() -> tuple[list[dict], list[tuple[str, str, bool]]]:
    """Records and labelled pairs: (id, id, is a duplicate). At least 100 pairs."""
    records, pairs = [], []
    for i, (name, commune, address, siret) in enumerate(BASES):
        records.append(structure(i, name, commune, address, siret))
    index = 1000
    for i, (name, commune, address, siret) in enumerate(BASES):
        for k, variant in enumerate(VARIANTS[:4] if i % 2 == 0 else VARIANTS[2:]):
            same_siret = (i + k) % 3 != 0
            new_address = address.replace("rue", "r.") if k % 2 else address
            records.append(structure(index, variant(name), commune, new_address, siret if same_siret else None))
            pairs.append((f"fixture--{i}", f"fixture--{index}", True))
            index += 1
    for name, commune, address, siret in LOOKALIKES:
        records.append(structure(index, name, commune, address, siret))
        for i, base in enumerate(BASES):
            if base[1] == commune:
                pairs.append((f"fixture--{i}", f"fixture--{index}", False))
        index += 1
    return records, pairs


def service(index: int, structure_record: dict, name: str, themes: list[str], **extra) -> dict:
    record = {
        "source": "fixture", "id": f"fixture-service--{index}", "structure_id": structure_record["id"], "nom": name,
        "description": f"{name} : accompagnement proposé par {structure_record['nom']}.",
        "date_maj": (TODAY - timedelta(days=60)).isoformat(), "thematiques": themes,
        "publics": ["beneficiaires-des-minimas-sociaux"], "modes_accueil": ["en-presentiel"],
        "commune": structure_record["commune"], "code_insee": structure_record["code_insee"],
        "code_postal": structure_record["code_postal"], "adresse": structure_record["adresse"],
    }  # fmt: skip
    record.update(extra)
    return record
