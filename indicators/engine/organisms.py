"""Distribution by type of organisme référent at 31 December, as in the DREES OARSA survey. R-IND-04.

Persons in the droits et devoirs perimeter in December of the year, with a follow-up in progress on
1 January of the next year, by the type of organisme of their latest open orientation.
"""

from decimal import ROUND_HALF_UP, Decimal

from indicators.engine.follow_ups import SIT, decoded
from indicators.engine.schema import TYPES_ORGANISME

VERSION = "organismes-v1"
COLUMNS = ("annee", "type_organisme", "personnes", "part_pct")
PERIMETER = -1  # the row of the persons in the perimeter, beside the codes of the types (0 and up)


def sql(year: int) -> str:
    december = year * 12 + 11
    january = december + 1
    return f"""
WITH {SIT},
december AS (SELECT personne FROM sit WHERE m = {december} AND p),
latest AS (
    -- the type (a code of follow_ups) of the latest notified open orientation, the greatest on the same day
    SELECT d.personne,
           max(date_diff('day', DATE '1900-01-01', o.date_notification) * 100 + o.type_organisme) AS latest_key
    FROM december AS d
    JOIN follow_ups AS o ON o.personne = d.personne AND o.m_o < {january}
                         AND (o.close_m IS NULL OR o.close_m > {january})
    GROUP BY d.personne
)
SELECT latest_key % 100 AS type_organisme, count(*) AS personnes
FROM latest GROUP BY latest_key % 100
UNION ALL
SELECT {PERIMETER} AS type_organisme, count(*) AS personnes FROM december
"""


def table(runner, year: int) -> list[dict]:
    counts = {row["type_organisme"]: row["personnes"] for row in runner.query(sql(year))}
    perimeter = counts.pop(PERIMETER, 0)
    counts = {decoded(code, TYPES_ORGANISME): n for code, n in counts.items()}
    followed = sum(counts.values())
    rows = []
    for kind in TYPES_ORGANISME:
        n = counts.get(kind, 0)
        rows.append({"annee": year, "type_organisme": kind, "personnes": n, "part_pct": percent(n, followed)})
    rows.append(
        {
            "annee": year,
            "type_organisme": "total_suivis",
            "personnes": followed,
            "part_pct": percent(followed, followed),
        }
    )
    rows.append(
        {
            "annee": year,
            "type_organisme": "perimetre_droits_devoirs",
            "personnes": perimeter,
            "part_pct": None,
        }
    )
    return rows


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
