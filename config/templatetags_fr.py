"""Template filters loaded in every template (TEMPLATES OPTIONS builtins)."""

from django import template

from config import formats

register = template.Library()

register.filter("euros", formats.format_euros)
register.filter("montant", formats.format_decimal)  # an amount in an input, as typed: `180 000,00`
register.filter("entier", formats.format_integer)
register.filter("date_fr", formats.format_date)
register.filter("percent", formats.format_percent)


@register.inclusion_tag("partials/breadcrumb.html")
def breadcrumb(*parts):
    """{% breadcrumb "Conventions" list_url "Exécution" exec_url "Page" %}: the links, then the current page.
    A link given an empty address is left out (a page the person may not open)."""
    *pairs, current = parts
    return {
        "links": [(pairs[i], pairs[i + 1]) for i in range(0, len(pairs) - 1, 2) if pairs[i + 1]],
        "current": current,
    }
