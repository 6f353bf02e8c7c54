"""New intensive accompaniment pathways per month (campaigns from 2025: targets of new intensive pathways per
département). The platform's definition, built on volet 3's « accompagnement intensif » (a person in the
perimeter with a follow-up in progress whose activity hours of the month reach 15 a week on average): a person
starts an intensive pathway in M when intensive in M and not in M − 1. Unavailable for the delivery's first
month (M − 1 unknown), like the new entrants. Reads the shared stages (follow_ups.prepare)."""

from indicators.engine.volet3 import ACTIVITY_HOURS, INTENSIVE_PEOPLE, month_list

VERSION = "parcours-intensifs-v1"

COLUMNS = ("mois", "personnes_en_parcours_intensif", "nouveaux_parcours_intensifs")
# Needs the month before: empty for the delivery's first month.
STARTED_COLUMNS = ("nouveaux_parcours_intensifs",)


def sql(width: int) -> str:
    """One row per month with at least one person in an intensive pathway."""
    return f"""
WITH {month_list(width)},
{ACTIVITY_HOURS},
{INTENSIVE_PEOPLE}
SELECT ip.m,
       count(*) AS personnes_en_parcours_intensif,
       count(CASE WHEN before.personne IS NULL THEN 1 END) AS nouveaux_parcours_intensifs
FROM intensive_people AS ip
LEFT JOIN intensive_people AS before ON before.personne = ip.personne AND before.m = ip.m - 1
GROUP BY ip.m
"""
