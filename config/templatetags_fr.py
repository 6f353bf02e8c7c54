"""Template filters loaded in every template (TEMPLATES OPTIONS builtins)."""

from django import template

from config import formats

register = template.Library()

register.filter("euros", formats.format_euros)
register.filter("entier", formats.format_integer)
register.filter("date_fr", formats.format_date)
