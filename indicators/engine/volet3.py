"""Volet 3 indicators (annexe 3 and annexe 4 §3), monthly, per collectivité. R-IND-05.

The instruction names these indicators without defining them; the definitions are this platform's,
documented in docs/indicators.md. The SQL returns counts and sums; shares, means and rounding are
computed in Python (`finish`) so that every engine gives the same figures.
"""

from decimal import ROUND_HALF_UP, Decimal

from indicators.engine.follow_ups import LATEST_OPEN, by_month, decoded, has_month, month_index, monthly_bits
from indicators.engine.schema import PARCOURS, TYPES_CONTRAT_EMPLOI

VERSION = "volet3-v1"

# Activity categories (activites.categorie) and jobs that count as progress in employability.
PROGRESSION_CATEGORIES = ("immersion", "formation")
SHORT_CONTRACTS = ("cdd", "ctt", "iae", "contrat_aide")

MONTH_START = "make_date(CAST(floor(m / 12) AS INTEGER), CAST(m % 12 + 1 AS INTEGER), 1)"

COLUMNS = (
    "mois",
    "inscrits_france_travail",
    "nouveaux_entrants",
    "sortants",
    "cer_signes",
    "ppae_signes",
    "ce_signes",
    "delai_ouverture_premier_rdv_median_jours",
    "delai_ouverture_premier_rdv_moyen_jours",
    "delai_diagnostic_premiere_action_median_jours",
    "delai_diagnostic_premiere_action_moyen_jours",
    *(f"suivis_parcours_{p}" for p in PARCOURS),
    "accompagnement_intensif",
    "part_accompagnement_intensif_pct",
    "retours_emploi_6_mois",
    "retours_emploi_durable_6_mois",
    *(f"retours_emploi_6_mois_{t}" for t in TYPES_CONTRAT_EMPLOI),
    "progression_employabilite_6_mois",
    "taux_satisfaction_personnes_pct",
    "taux_satisfaction_professionnels_pct",
)

COUNT_COLUMNS = {
    "inscrits_france_travail",
    "nouveaux_entrants",
    "sortants",
    "cer_signes",
    "ppae_signes",
    "ce_signes",
    *(f"suivis_parcours_{p}" for p in PARCOURS),
    "accompagnement_intensif",
    "retours_emploi_6_mois",
    "retours_emploi_durable_6_mois",
    *(f"retours_emploi_6_mois_{t}" for t in TYPES_CONTRAT_EMPLOI),
    "progression_employabilite_6_mois",
}

_in = lambda values: ", ".join(f"'{v}'" for v in values)  # noqa: E731 - constants of this module only


def month_list(width: int) -> str:
    """The months of the delivery with their first day and the first day of the next month."""
    offsets = ", ".join(f"({k})" for k in range(width))
    return f"""
month_list AS (
    SELECT m, {MONTH_START} AS ms, CAST({MONTH_START} + INTERVAL 1 MONTH AS DATE) AS next_ms
    FROM (
        SELECT b.first_m + ks.k AS m FROM bounds AS b CROSS JOIN (VALUES {offsets}) AS ks(k)
        WHERE b.first_m + ks.k <= b.last_m
    ) AS d
)"""


# Counts of the month: new entrants, contracts signed, satisfaction answers.
COUNTS = f"""
entrant_counts AS (
    SELECT m, count(*) AS nouveaux_entrants FROM entrants GROUP BY m
),
contracts AS (
    SELECT {month_index("date_signature")} AS m,
           count(CASE WHEN type = 'cer' THEN 1 END) AS cer_signes,
           count(CASE WHEN type = 'ppae' THEN 1 END) AS ppae_signes,
           count(CASE WHEN type = 'ce' THEN 1 END) AS ce_signes
    FROM contrats_engagement GROUP BY {month_index("date_signature")}
),
satisfaction_counts AS (
    SELECT {month_index("date")} AS m,
           count(CASE WHEN repondant = 'personne' THEN 1 END) AS n_persons,
           count(CASE WHEN repondant = 'personne' AND satisfait THEN 1 END) AS satisfied_persons,
           count(CASE WHEN repondant = 'professionnel' THEN 1 END) AS n_professionals,
           count(CASE WHEN repondant = 'professionnel' AND satisfait THEN 1 END) AS satisfied_professionals
    FROM satisfaction GROUP BY {month_index("date")}
)
"""


# Delays of the new entrants of M: to the first honoured appointment, and from the first diagnostic to the
# first activity.
DELAYS = """
first_appointments AS (
    -- new entrants of M: their first honoured appointment, and first honoured diagnostic, on or after the
    -- opening of the right
    SELECT e.personne, e.m, e.date_ouverture_droit, min(r.date) AS first_date,
           min(CASE WHEN r.nature = 'diagnostic' THEN r.date END) AS diagnostic_date
    FROM entrants AS e
    JOIN rendez_vous AS r ON r.personne = e.personne AND r.statut = 'honore' AND r.date >= e.date_ouverture_droit
    GROUP BY e.personne, e.m, e.date_ouverture_droit
),
meeting_delays AS (
    -- from the opening of the right to the first honoured appointment
    SELECT m, median(days) AS median_meeting, sum(days) AS sum_meeting, count(*) AS n_meeting
    FROM (SELECT m, date_diff('day', date_ouverture_droit, first_date) AS days FROM first_appointments) AS d
    GROUP BY m
),
first_diagnostic AS (
    SELECT personne, m, diagnostic_date FROM first_appointments WHERE diagnostic_date IS NOT NULL
),
first_action AS (
    -- from the first honoured diagnostic to the start of the first activity after it
    SELECT d.personne, d.m, date_diff('day', d.diagnostic_date, min(a.date_debut)) AS days
    FROM first_diagnostic AS d
    JOIN activites AS a ON a.personne = d.personne AND a.date_debut >= d.diagnostic_date
    GROUP BY d.personne, d.m, d.diagnostic_date
),
action_delays AS (
    SELECT m, median(days) AS median_action, sum(days) AS sum_action, count(*) AS n_action
    FROM first_action GROUP BY m
)
"""


# Intensive accompaniment: persons followed in the perimeter whose activity hours reach 15 a week.
ACTIVITY_HOURS = """
activity_hours AS (
    -- each activity's hours spread evenly over its days, summed over the days of M
    SELECT a.personne, ml.m, date_diff('day', ml.ms, ml.next_ms) AS month_days,
           sum(a.heures * (date_diff('day', greatest(a.date_debut, ml.ms), least(a.date_fin, ml.next_ms - INTERVAL 1 DAY)) + 1)
               / (date_diff('day', a.date_debut, a.date_fin) + 1)) AS hours
    FROM activites AS a
    JOIN month_list AS ml ON a.date_debut < ml.next_ms AND a.date_fin >= ml.ms
    WHERE a.date_fin >= a.date_debut
    GROUP BY a.personne, ml.m, date_diff('day', ml.ms, ml.next_ms)
)"""
INTENSIVE_PEOPLE = f"""
intensive_people AS (
    -- the persons in the perimeter with a follow-up in progress whose activities reach 15 hours a week on
    -- average over the month, one row per person and month
    SELECT h.personne, h.m
    FROM activity_hours AS h
    JOIN followed_people AS f ON f.personne = h.personne
    CROSS JOIN bounds AS b
    WHERE {has_month("f.followed", "h.m - b.first_m")} AND h.hours * 7 >= 15 * h.month_days
)"""
INTENSIVE = f"""{ACTIVITY_HOURS},
{INTENSIVE_PEOPLE},
intensive AS (
    SELECT m, count(*) AS accompagnement_intensif FROM intensive_people GROUP BY m
)
"""


# The new entrants of M followed for six months: jobs, progress in employability.
COHORT = f"""
cohort AS (
    SELECT e.personne, e.m, ml.ms, CAST(ml.ms + INTERVAL 6 MONTH AS DATE) AS until
    FROM entrants AS e JOIN month_list AS ml ON ml.m = e.m
),
jobs AS (
    SELECT c.personne, c.m,
           max(CASE WHEN j.type_contrat IN ('cdi', 'creation_entreprise')
                      OR (j.type_contrat IN ('cdd', 'ctt', 'alternance') AND j.duree_mois >= 6) THEN 1 ELSE 0 END) AS durable,
           {", ".join(f"max(CASE WHEN j.type_contrat = '{t}' THEN 1 ELSE 0 END) AS job_{t}" for t in TYPES_CONTRAT_EMPLOI)},
           max(CASE WHEN j.type_contrat IN ({_in(SHORT_CONTRACTS)}) AND (j.duree_mois IS NULL OR j.duree_mois < 6)
                    THEN 1 ELSE 0 END) AS short_job
    FROM cohort AS c
    JOIN emplois AS j ON j.personne = c.personne AND j.date_debut >= c.ms AND j.date_debut < c.until
    GROUP BY c.personne, c.m
),
progress_activities AS (
    SELECT c.personne, c.m
    FROM cohort AS c
    JOIN activites AS a ON a.personne = c.personne AND a.date_debut >= c.ms AND a.date_debut < c.until
                        AND a.categorie IN ({_in(PROGRESSION_CATEGORIES)})
),
diagnostic_counts AS (
    -- the diagnostics of the new entrants only: the join below pairs each with the person's others
    SELECT personne, date,
           CASE WHEN freins IS NULL OR freins = '' THEN 0
                ELSE length(freins) - length(replace(freins, '|', '')) + 1 END AS n_freins
    FROM diagnostics
    WHERE personne IN (SELECT personne FROM entrants)
),
lifted_obstacles AS (
    -- a diagnostic in the six months listing fewer obstacles than an earlier one
    SELECT c.personne, c.m
    FROM cohort AS c
    JOIN diagnostic_counts AS later ON later.personne = c.personne AND later.date >= c.ms AND later.date < c.until
    JOIN diagnostic_counts AS earlier ON earlier.personne = c.personne AND earlier.date < later.date
                                      AND earlier.n_freins > later.n_freins
),
progressed AS (
    -- a short job, an immersion or a training, or fewer obstacles: each new entrant of M counted once
    SELECT m, count(*) AS progression_employabilite_6_mois
    FROM (
        SELECT personne, m FROM jobs WHERE short_job = 1
        UNION
        SELECT personne, m FROM progress_activities
        UNION
        SELECT personne, m FROM lifted_obstacles
    ) AS p
    GROUP BY m
),
job_results AS (
    SELECT m,
           count(*) AS retours_emploi_6_mois,
           count(CASE WHEN durable = 1 THEN 1 END) AS retours_emploi_durable_6_mois,
           {", ".join(f"count(CASE WHEN job_{t} = 1 THEN 1 END) AS retours_emploi_6_mois_{t}" for t in TYPES_CONTRAT_EMPLOI)}
    FROM jobs GROUP BY m
)
"""


def monthly_sql(width: int) -> str:
    """One row per month with the counts and sums that are not read from the masks. Reads the shared
    stages (follow_ups.prepare)."""
    return f"""
WITH {month_list(width)},
{COUNTS},
{DELAYS},
{INTENSIVE},
{COHORT}
SELECT ml.m,
       ec.nouveaux_entrants,
       ct.cer_signes, ct.ppae_signes, ct.ce_signes,
       md.median_meeting, md.sum_meeting, md.n_meeting,
       ad.median_action, ad.sum_action, ad.n_action,
       i.accompagnement_intensif,
       jr.retours_emploi_6_mois, jr.retours_emploi_durable_6_mois,
       {", ".join(f"jr.retours_emploi_6_mois_{t}" for t in TYPES_CONTRAT_EMPLOI)},
       pg.progression_employabilite_6_mois,
       sc.n_persons, sc.satisfied_persons, sc.n_professionals, sc.satisfied_professionals
FROM month_list AS ml
LEFT JOIN entrant_counts AS ec ON ec.m = ml.m
LEFT JOIN contracts AS ct ON ct.m = ml.m
LEFT JOIN meeting_delays AS md ON md.m = ml.m
LEFT JOIN action_delays AS ad ON ad.m = ml.m
LEFT JOIN intensive AS i ON i.m = ml.m
LEFT JOIN job_results AS jr ON jr.m = ml.m
LEFT JOIN progressed AS pg ON pg.m = ml.m
LEFT JOIN satisfaction_counts AS sc ON sc.m = ml.m
"""


# Counts read from the masks, month by month.
PEOPLE_MASKS = {
    "inscrits_france_travail": "pe.registered",
    # P(p, M-1) and not P(p, M): bit k marks a leaver of the month k + 1
    "sortants": "pe.perimeter & ~(pe.perimeter >> 1) & (b.all_months >> 1)",
}


def rows(runner, first_m: int, width: int) -> dict[int, dict]:
    """{month index: counts and sums} over the months of the delivery."""
    result = {row["m"]: dict(row) for row in runner.query(monthly_sql(width))}
    people = runner.query(monthly_bits(PEOPLE_MASKS, width, "people AS pe CROSS JOIN bounds AS b"))
    by_parcours: dict[int, list[dict]] = {}
    for row in runner.query(
        f"WITH {LATEST_OPEN}\n{monthly_bits({'suivis': 'months'}, width, 'latest_open', by='parcours')}"
    ):
        by_parcours.setdefault(row["parcours"], []).append(row)
    for m, counts in by_month(people, ["inscrits_france_travail"], first_m, width).items():
        result.setdefault(m, {}).update(counts)
    for m, counts in by_month(people, ["sortants"], first_m, width, shift=1).items():
        result.setdefault(m, {}).update(counts)
    for code, rows_of_parcours in by_parcours.items():
        parcours = decoded(code, PARCOURS)
        for m, counts in by_month(rows_of_parcours, ["suivis"], first_m, width).items():
            result.setdefault(m, {})[f"suivis_parcours_{parcours}"] = counts["suivis"]
    for counts in result.values():
        counts["n_followed"] = sum(counts.get(f"suivis_parcours_{p}", 0) for p in PARCOURS)
    return result


TENTH = Decimal("0.1")


def _rounded(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _ratio(numerator, denominator, scale=1) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(scale) * Decimal(numerator or 0) / Decimal(denominator)).quantize(TENTH, rounding=ROUND_HALF_UP)


def finish(row: dict) -> dict:
    """Derived columns from the SQL's counts and sums."""
    return {
        **row,
        "delai_ouverture_premier_rdv_median_jours": _rounded(row.get("median_meeting")),
        "delai_ouverture_premier_rdv_moyen_jours": _ratio(row.get("sum_meeting"), row.get("n_meeting")),
        "delai_diagnostic_premiere_action_median_jours": _rounded(row.get("median_action")),
        "delai_diagnostic_premiere_action_moyen_jours": _ratio(row.get("sum_action"), row.get("n_action")),
        "part_accompagnement_intensif_pct": _ratio(row.get("accompagnement_intensif"), row.get("n_followed"), 100),
        "taux_satisfaction_personnes_pct": _ratio(row.get("satisfied_persons"), row.get("n_persons"), 100),
        "taux_satisfaction_professionnels_pct": _ratio(
            row.get("satisfied_professionals"), row.get("n_professionals"), 100
        ),
    }
