"""The plain window-function query of volet 2, for the département crossover of `benchmarks/indicators.py`.

This is the engine's first version (commit 20ecb08): one SQL statement, runs of consecutive months found with
row_number, the previous month with lag, the orientation of each new entrant ranked with row_number; no
intermediate table. It computes the same counts as today's volet 2 on the synthetic deliveries (the benchmark
checks it month by month before timing it), in a different way: window functions over every person-month
instead of one aggregation per person into bit masks.
"""

MONTH_INDEX = "(year({col}) * 12 + month({col}) - 1)"


def month_index(column: str) -> str:
    return MONTH_INDEX.format(col=column)


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
"""  # noqa: S608 - constant SQL


VOLET2 = f"""
WITH {FOLLOW_UPS}
SELECT m,
       count(*) AS nouveaux_entrants,
       count(CASE WHEN t0 IS NULL THEN 1 END) AS t0_inconnu,
       -- notified before T0 + 15 days: T0 = 1 March counts a letter sent up to 15 March (R-IND-02)
       count(CASE WHEN t0 IS NOT NULL AND date_notification < t0 + INTERVAL 15 DAY THEN 1 END)
           AS orientes_15_jours,
       count(CASE WHEN t0 IS NOT NULL AND date_notification < t0 + INTERVAL 1 MONTH THEN 1 END)
           AS orientes_1_mois,
       count(CASE WHEN accompagnement_global THEN 1 END) AS orientations_accompagnement_global,
       count(CASE WHEN presence_rdv_orientation = false THEN 1 END) AS absents_rdv_orientation
FROM entrant_orientation
GROUP BY m
"""  # noqa: S608 - constant SQL
