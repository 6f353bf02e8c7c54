"""Query-string parameters shared by the pages, read once and checked."""

from django.core.exceptions import BadRequest

# The first year of the contractualisation and of the demo data.
DEFAULT_YEAR = 2024


def year_param(params, default: int = DEFAULT_YEAR) -> int:
    """The ``annee`` of ``request.GET`` or ``request.POST``; a value that is not a year is a 400 in French."""
    text = str(params.get("annee", "")).strip()
    if not text:
        return default
    if not (text.isdigit() and len(text) == 4):
        raise BadRequest(
            f"Paramètre « annee » invalide : « {text} ». Indiquez une année sur quatre chiffres, par exemple 2024."
        )
    return int(text)
