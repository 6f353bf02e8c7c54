"""pydantic's own validation messages are English: the common ones in French, with their limits and the
allowed values (offer validation, API). Messages already written in French by a validator are kept."""

FRENCH = {
    "missing": "champ obligatoire absent",
    "string_too_short": "au moins {min_length} caractères",
    "string_too_long": "au plus {max_length} caractères",
    "string_pattern_mismatch": "format invalide (motif attendu : {pattern})",
    "too_short": "au moins {min_length} élément(s)",
    "too_long": "au plus {max_length} élément(s)",
    "enum": "valeur « {input} » inconnue ; valeurs admises : {expected}",
    "literal_error": "valeur « {input} » inconnue ; valeurs admises : {expected}",
    "url_parsing": "adresse web invalide",
    "url_type": "adresse web invalide",
    "url_scheme": "adresse web invalide (http ou https)",
    "date_parsing": "date invalide (AAAA-MM-JJ attendu)",
    "date_from_datetime_parsing": "date invalide (AAAA-MM-JJ attendu)",
    "date_type": "date invalide (AAAA-MM-JJ attendu)",
    "datetime_parsing": "date et heure invalides",
    "float_parsing": "nombre invalide",
    "float_type": "nombre invalide",
    "int_parsing": "nombre entier invalide",
    "int_type": "nombre entier invalide",
    "bool_parsing": "booléen invalide (true ou false)",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "greater_than": "doit être strictement supérieur à {gt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "less_than": "doit être strictement inférieur à {lt}",
    "string_type": "texte attendu",
    "list_type": "liste attendue",
}


def french_message(error: dict) -> str:
    """The message of one pydantic error (an item of `ValidationError.errors()`), in French."""
    template = FRENCH.get(error["type"])
    if template:
        ctx = {k: str(v).replace("' or '", ", ").replace("'", "") for k, v in (error.get("ctx") or {}).items()}
        return template.format(input=error.get("input"), **ctx)
    if error["type"] == "value_error" and "email address" in error["msg"]:
        return "adresse électronique invalide"
    return error["msg"].removeprefix("Value error, ")
