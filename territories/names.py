"""French names of départements and collectivités with their article, from the type de nom en clair (TNCC)
of the official geographic code (COG, INSEE): « l'Ain », « le Nord », « la Somme », « les Landes »; and the
name after « de »: « de l'Ain », « du Nord », « de la Somme », « des Landes », « d'Eure-et-Loir », « de Paris »."""

# TNCC → (article before the name, form after « de »)
ARTICLES = {
    0: ("", "de "),  # no article, name starting with a consonant (Paris, Lot-et-Garonne)
    1: ("", "d'"),  # no article, name starting with a vowel (Eure-et-Loir)
    2: ("le ", "du "),
    3: ("la ", "de la "),
    4: ("les ", "des "),
    5: ("l'", "de l'"),
    6: ("aux ", "des "),
    7: ("las ", "de las "),
    8: ("los ", "de los "),
}


def with_article(name: str, tncc: int) -> str:
    """« l'Ain », « le Nord », « Paris »."""
    return ARTICLES[tncc][0] + name


def of_name(name: str, tncc: int) -> str:
    """« de l'Ain », « du Nord », « de la Somme », « des Landes », « d'Eure-et-Loir », « de La Réunion »."""
    return ARTICLES[tncc][1] + name
