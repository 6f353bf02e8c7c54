"""Shared SQL building blocks: the perimeter P(p, M) and the follow-ups S(p, M) of the spec.

Months are handled as integer indices (year × 12 + month − 1) so that "the next month" and
"consecutive months" are plain arithmetic on every engine. A month beyond the last one of the
delivery is unknown, not absent: a follow-up is never closed by the end of the data.
"""

import re

MONTH_INDEX = "(year({col}) * 12 + month({col}) - 1)"


def month_index(column: str) -> str:
    return MONTH_INDEX.format(col=column)


# The chain of CTEs behind every table: sit (one row per person and month, with P), bounds (first and
# last month of the delivery), follow_ups (one row per orientation, with the month index from which its
# follow-up is closed), entrants (NE(p, M)) and entrant_orientation (their first orientation from M on).
FOLLOW_UPS = f"""
sit AS (
    SELECT personne,
           {month_index("mois")} AS m,
           etat_droit,
           inscrit_france_travail,
           date_ouverture_droit,
           date_reception_notification AS t0,
           (etat_droit = 'versable' AND soumis_droits_devoirs) AS p
    FROM situations_mensuelles
),
bounds AS (
    SELECT min(m) AS first_m, max(m) AS last_m FROM sit
),
presence AS (
    -- runs of consecutive months in the RSA (any state but radie)
    SELECT personne, min(m) AS seg_start, max(m) AS seg_end
    FROM (
        SELECT personne, m, m - row_number() OVER (PARTITION BY personne ORDER BY m) AS grp
        FROM sit WHERE etat_droit <> 'radie'
    ) AS runs
    GROUP BY personne, grp
),
suspension AS (
    -- runs of consecutive suspended months
    SELECT personne, min(m) AS seg_start, max(m) AS seg_end
    FROM (
        SELECT personne, m, m - row_number() OVER (PARTITION BY personne ORDER BY m) AS grp
        FROM sit WHERE etat_droit = 'suspendu'
    ) AS runs
    GROUP BY personne, grp
),
orient AS (
    -- e: the first month after the orientation's month that the delivery covers
    SELECT o.personne, o.date_notification, o.parcours, o.type_organisme, o.accompagnement_global,
           o.presence_rdv_orientation, o.date_fin_suivi,
           {month_index("o.date_notification")} AS m_o,
           greatest({month_index("o.date_notification")} + 1, b.first_m) AS e
    FROM orientations AS o CROSS JOIN bounds AS b
),
suspension_close AS (
    -- the first day of the 13th consecutive month of suspension after the orientation's month
    SELECT k.personne, k.e, min(greatest(s.seg_start, k.e) + 12) AS close_m
    FROM (SELECT DISTINCT personne, e FROM orient) AS k
    JOIN suspension AS s ON s.personne = k.personne AND s.seg_end - greatest(s.seg_start, k.e) >= 12
    GROUP BY k.personne, k.e
),
follow_ups AS (
    SELECT o.personne, o.date_notification, o.m_o, o.parcours, o.type_organisme,
           o.accompagnement_global, o.presence_rdv_orientation,
           least(
               -- date_fin_suivi: a closure dated on the first day of a month closes it from that month
               CASE WHEN o.date_fin_suivi IS NULL THEN NULL
                    WHEN day(o.date_fin_suivi) = 1 THEN {month_index("o.date_fin_suivi")}
                    ELSE {month_index("o.date_fin_suivi")} + 1 END,
               -- the first month after the orientation's month in which the person is radie or absent
               CASE WHEN o.e > b.last_m THEN NULL
                    WHEN ps.seg_end IS NULL THEN o.e
                    WHEN ps.seg_end >= b.last_m THEN NULL
                    ELSE ps.seg_end + 1 END,
               sc.close_m
           ) AS close_m
    FROM orient AS o
    CROSS JOIN bounds AS b
    LEFT JOIN presence AS ps ON ps.personne = o.personne AND ps.seg_start <= o.e AND o.e <= ps.seg_end
    LEFT JOIN suspension_close AS sc ON sc.personne = o.personne AND sc.e = o.e
),
flagged AS (
    SELECT personne, m, p, t0, date_ouverture_droit, inscrit_france_travail,
           lag(m) OVER (PARTITION BY personne ORDER BY m) AS prev_m,
           lag(p) OVER (PARTITION BY personne ORDER BY m) AS prev_p
    FROM sit
),
candidates AS (
    -- P(p, M) and not P(p, M-1), for every month but the first of the delivery
    SELECT f.personne, f.m, f.t0, f.date_ouverture_droit
    FROM flagged AS f CROSS JOIN bounds AS b
    WHERE f.p AND f.m > b.first_m AND NOT (f.prev_m IS NOT NULL AND f.prev_m = f.m - 1 AND f.prev_p)
),
followed_candidates AS (
    SELECT DISTINCT c.personne, c.m
    FROM candidates AS c
    JOIN follow_ups AS o ON o.personne = c.personne AND o.m_o < c.m AND (o.close_m IS NULL OR o.close_m > c.m)
),
entrants AS (
    -- NE(p, M): R-IND-01
    SELECT c.personne, c.m, c.t0, c.date_ouverture_droit
    FROM candidates AS c
    LEFT JOIN followed_candidates AS f ON f.personne = c.personne AND f.m = c.m
    WHERE f.personne IS NULL
),
entrant_orientation AS (
    -- the first orientation notified on or after the first day of the entry month
    SELECT personne, m, t0, date_ouverture_droit, date_notification, accompagnement_global, presence_rdv_orientation
    FROM (
        SELECT e.personne, e.m, e.t0, e.date_ouverture_droit, o.date_notification, o.accompagnement_global,
               o.presence_rdv_orientation,
               row_number() OVER (
                   PARTITION BY e.personne, e.m
                   ORDER BY o.date_notification, o.accompagnement_global, o.presence_rdv_orientation
               ) AS rank
        FROM entrants AS e
        LEFT JOIN orient AS o ON o.personne = e.personne AND o.m_o >= e.m
    ) AS ranked
    WHERE rank = 1
)
"""


def _ctes() -> dict[str, str]:
    """The chain above, split into its named CTEs (in order)."""
    parts = re.split(r"\n(?=[a-z_]+ AS \()", FOLLOW_UPS.strip())
    return {re.match(r"([a-z_]+) AS \(", part)[1]: part.rstrip().rstrip(",") for part in parts}


CTES = _ctes()
SIT = CTES["sit"]

# The stages every table shares, computed once per runner and kept as tables (DuckDB) or cached views
# (Spark), each with the CTEs it needs; an earlier stage is then read, not recomputed.
STAGES = {
    "bounds": ("sit", "bounds"),
    "follow_ups": ("sit", "presence", "suspension", "orient", "suspension_close", "follow_ups"),
    "entrants": ("sit", "flagged", "candidates", "followed_candidates", "entrants"),
    "entrant_orientation": ("orient", "entrant_orientation"),
}


def stage_sql(name: str) -> str:
    ctes = ",\n".join(CTES[cte] for cte in STAGES[name])
    return f"WITH {ctes}\nSELECT * FROM {name}"


def prepare(runner) -> None:
    """Compute the shared stages once for this runner (idempotent)."""
    if getattr(runner, "prepared", False):
        return
    for name in STAGES:
        runner.materialise(name, stage_sql(name))
    runner.prepared = True
