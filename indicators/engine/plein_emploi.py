"""The delays of the loi pour le plein emploi (décret 2024-1244, art. D.262-65-2 CASF), per month: a new entrant
not oriented by the département within six weeks of T0 falls to France Travail; the contrat d'engagement is signed
within one month of the orientation's notification. Definitions: « Delays of the loi pour le plein emploi » in
the exchange format's spec; T0 and the orientation of a new entrant are volet 2's (the shared stage
entrant_orientation, follow_ups.prepare)."""

from datetime import date

from indicators.engine import months
from indicators.engine.follow_ups import month_index

VERSION = "plein-emploi-v1"

COLUMNS = (
    "mois",
    "nouveaux_entrants",
    "t0_inconnu",
    "orientes_6_semaines",
    "a_orienter_par_france_travail",
    "orientations_notifiees",
    "contrats_1_mois",
    "provisoire",
)
# Counted over the new entrants: unavailable for the delivery's first month (M − 1 unknown).
ENTRANT_COLUMNS = COLUMNS[1:5]
# Available for every month of the delivery.
MONTH_COLUMNS = COLUMNS[5:]

ORIENTATION_DAYS = 42  # six weeks
CONTRACT_DELAY = "INTERVAL 1 MONTH"


def _day(value: date) -> str:
    return f"DATE '{value.isoformat()}'"


def past_deadline(last_day: date) -> str:
    """A new entrant of known T0 not oriented before T0 + 42 days, that day reached by the delivery's last day."""
    return (
        f"t0 IS NOT NULL AND (date_notification IS NULL OR date_notification >= t0 + INTERVAL {ORIENTATION_DAYS} DAY)"
        f" AND t0 + INTERVAL {ORIENTATION_DAYS} DAY <= {_day(last_day)}"
    )


def entrants_sql(last_day: date) -> str:
    """One row per month with new entrants (reads the stage entrant_orientation)."""
    return f"""
SELECT m,
       count(*) AS nouveaux_entrants,
       count(CASE WHEN t0 IS NULL THEN 1 END) AS t0_inconnu,
       count(CASE WHEN t0 IS NOT NULL AND date_notification < t0 + INTERVAL {ORIENTATION_DAYS} DAY THEN 1 END)
           AS orientes_6_semaines,
       count(CASE WHEN {past_deadline(last_day)} THEN 1 END) AS a_orienter_par_france_travail
FROM entrant_orientation
GROUP BY m
"""


def orientations_sql(first_m: int, last_m: int) -> str:
    """One row per month of the delivery with orientations notified: how many, and how many of them were
    followed by a contrat d'engagement of the same person signed on or after the notification day and before
    the notification + one calendar month (several contracts count the orientation once)."""
    return f"""
SELECT m, CAST(sum(n) AS BIGINT) AS orientations_notifiees, CAST(sum(n * signed) AS BIGINT) AS contrats_1_mois
FROM (
    SELECT o.m, o.n,
           max(CASE WHEN c.date_signature >= o.date_notification
                     AND c.date_signature < o.date_notification + {CONTRACT_DELAY} THEN 1 ELSE 0 END) AS signed
    FROM (
        -- the same person's orientations of the same day, counted n times, share their contracts
        SELECT personne, date_notification, {month_index("date_notification")} AS m, count(*) AS n
        FROM orientations
        WHERE {month_index("date_notification")} BETWEEN {int(first_m)} AND {int(last_m)}
        GROUP BY personne, date_notification
    ) AS o
    LEFT JOIN contrats_engagement AS c ON c.personne = o.personne
    GROUP BY o.personne, o.date_notification, o.m, o.n
) AS each_orientation
GROUP BY m
"""


def france_travail_list_sql(first_m: int, last_m: int, last_day: date) -> str:
    """The persons counted in a_orienter_par_france_travail for the months first_m to last_m: their entry
    month, T0 and orientation, if any."""
    return f"""
SELECT personne, m, t0, date_ouverture_droit, date_notification
FROM entrant_orientation
WHERE m BETWEEN {int(first_m)} AND {int(last_m)} AND {past_deadline(last_day)}
"""


def provisional(month: date, last_day: date) -> int:
    """1 while a later delivery can still change the month's counts: its last day + 42 days is after the
    delivery's last day."""
    return int(date.fromordinal(months.last_day(month).toordinal() + ORIENTATION_DAYS) > last_day)
