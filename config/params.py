"""Query-string parameters shared by the pages, read once and checked."""

from django.core.exceptions import BadRequest


def year_param(params, default: int | None = None, name: str = "annee") -> int:
    """The ``annee`` of ``request.GET`` or ``request.POST`` (or another ``name``); a value that is not a year is a
    400 in French. Without one, ``default``, else the year of the current campaign (`campaigns.lookup`)."""
    from campaigns.lookup import default_year

    text = str(params.get(name, "")).strip()
    if not text:
        return default if default is not None else default_year()
    if not (text.isdigit() and len(text) == 4 and int(text) > 0):
        raise BadRequest(
            f"Paramètre « {name} » invalide : « {text[:20]} ». Indiquez une année sur quatre chiffres, "
            f"par exemple {default_year()}."
        )
    return int(text)
