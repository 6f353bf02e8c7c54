"""Volet 2 table (annexe 4 §4): new entrants and their orientation, per month. R-IND-01, R-IND-02, R-IND-03."""

VERSION = "volet2-v1"

COLUMNS = (
    "mois",
    "nouveaux_entrants",
    "t0_inconnu",
    "orientes_15_jours",
    "orientes_1_mois",
    "orientations_accompagnement_global",
    "absents_rdv_orientation",
)

# One row per month that has at least one new entrant; the caller fills the other months
# (0 within the delivery, empty for its first month and outside it). Reads the shared stage
# entrant_orientation (follow_ups.prepare).
SQL = """
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
"""
