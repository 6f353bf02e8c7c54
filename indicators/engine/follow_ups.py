"""Shared SQL building blocks: the perimeter P(p, M), the follow-ups S(p, M) and the new entrants NE(p, M)
of the spec.

Months are integer indices (year × 12 + month − 1). Within a computation, the months of the delivery are
also bits: bit k of a mask stands for the month first_m + k. Each person's months are read once and folded
into four masks (in the perimeter, present in the RSA, suspended, registered at France Travail); "the
previous month", "the first month after e in which p is absent" or "13 consecutive months of suspension"
are then a few bit operations on one row per person, instead of window passes over every person-month.
A BIGINT holds 62 months: a computation covers at most 62 consecutive months (`MAX_MONTHS`). The four
masks are gathered in as few aggregates as the width allows, each aggregate holding several masks side by
side (one aggregate costs as much as reading the column): on DuckDB, one HUGEINT holds the four masks of up to
31 months; on Spark, which has no integer wider than BIGINT, two BIGINT aggregates do up to 31 months.

A month beyond the last one of the delivery is unknown, not absent: a follow-up is never closed by the
end of the data.
"""

import re

from indicators.engine.schema import PARCOURS, TYPES_ORGANISME

MAX_MONTHS = 62

MONTH_INDEX = "(year({col}) * 12 + month({col}) - 1)"


def month_index(column: str) -> str:
    return MONTH_INDEX.format(col=column)


def bit(offset: str) -> str:
    """The mask of the single month at `offset` from the first month of the delivery."""
    return f"(CAST(1 AS BIGINT) << ({offset}))"


def months_from(offset: str) -> str:
    """The mask of the delivery's months from `offset` on (none when `offset` is the width): the bits
    below `offset` cleared from all the months. Never a left shift of a wide mask, which would overflow
    a BIGINT once the width plus the offset passes 63."""
    return f"(b.all_months & ~({bit(offset)} - 1))"


def lowest_month(mask: str, first: str = "b.first_m") -> str:
    """The month index of the lowest bit set in `mask`, NULL when none: the number of bits below it,
    counted as the set bits of (x & -x) - 1."""
    return f"CASE WHEN {mask} = 0 THEN NULL ELSE bit_count(({mask} & -({mask})) - 1) + {first} END"


def has_month(mask: str, offset: str) -> str:
    return f"(({mask} >> ({offset})) & 1) = 1"


def coded(column: str, values: tuple[str, ...]) -> str:
    """A small integer for an enumerated text column, in the order of the texts (ordering or comparing the
    codes is ordering or comparing the texts): the follow-ups are kept and sorted without their strings."""
    cases = " ".join(f"WHEN '{value}' THEN {code}" for code, value in enumerate(sorted(values)))
    return f"CASE {column} {cases} END"


def decoded(code: int | None, values: tuple[str, ...]) -> str | None:
    return None if code is None else sorted(values)[code]


# The states of a person's month (a row of sit, p: in the perimeter), most specific first, and the masks
# each one sets (an etat_droit outside the list is refused at reading; radie sets none).
MASKS = ("perimeter", "present", "suspended", "registered")
STATES = (
    ("p AND inscrit_france_travail", ("perimeter", "present", "registered")),
    ("p", ("perimeter", "present")),
    ("etat_droit = 'suspendu'", ("present", "suspended")),
    ("etat_droit = 'versable'", ("present",)),
)


# The integer types an aggregate of masks can have, with the bits each holds below its sign bit; a runner
# says which of them its engine has (`word_types`).
WORD_BITS = {"BIGINT": 63, "HUGEINT": 127}


def mask_words(width: int, types: tuple[str, ...]) -> tuple[str, list[tuple[str, ...]]]:
    """The type of the aggregates and the masks grouped by aggregate, as many side by side as fit below the
    sign bit: the type that needs the fewest aggregates, the first of `types` when they need as many."""
    layouts = []
    for word_type in types:
        per_word = max(1, min(len(MASKS), WORD_BITS[word_type] // max(width, 1)))
        layouts.append((word_type, [MASKS[i : i + per_word] for i in range(0, len(MASKS), per_word)]))
    return min(layouts, key=lambda layout: len(layout[1]))


def people_cte(width: int, types: tuple[str, ...]) -> str:
    """people: one row per person with its four masks of the delivery's months: in the perimeter,
    present in the RSA (any state but radie), suspended, in the perimeter while registered at France
    Travail. Each month's row sets, in each word, the bits of its state's masks (mask i of a word at
    offset i × width), shifted to its month."""
    width = max(width, 1)
    word_type, words = mask_words(width, types)
    all_months = (1 << width) - 1

    def word(masks: tuple[str, ...]) -> str:
        cases = " ".join(
            f"WHEN {condition} THEN {sum(1 << (i * width) for i, mask in enumerate(masks) if mask in sets)}"
            for condition, sets in STATES
        )
        return f"CAST(CASE {cases} ELSE 0 END AS {word_type})"

    aggregates = ",\n           ".join(
        f"bit_or({word(masks)} << (s.m - b.first_m)) AS w{j}" for j, masks in enumerate(words)
    )
    unpacked = ", ".join(
        f"CAST((w{j} >> {i * width}) & {all_months} AS BIGINT) AS {mask}"
        for j, masks in enumerate(words)
        for i, mask in enumerate(masks)
    )
    return f"""people AS (
    SELECT personne, {unpacked}
    FROM (
        SELECT s.personne,
           {aggregates}
        FROM sit AS s CROSS JOIN bounds AS b
        GROUP BY s.personne
    ) AS w
)"""


# The chain of CTEs behind every table (people, whose layout depends on the width, is people_cte).
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
    -- from the first and last months (min and max of a column: read from the files' statistics)
    SELECT first_m, last_m, last_m - first_m + 1 AS width,
           {bit(f"least(last_m - first_m + 1, {MAX_MONTHS})")} - 1 AS all_months  -- prepare() refuses wider
    FROM (
        SELECT {month_index("min(mois)")} AS first_m, {month_index("max(mois)")} AS last_m
        FROM situations_mensuelles
    ) AS b
),
orient AS (
    -- e: the first month after the orientation's month that the delivery covers; parcours and type_organisme
    -- as codes (`coded`)
    SELECT o.personne, o.date_notification, {coded("o.parcours", PARCOURS)} AS parcours,
           {coded("o.type_organisme", TYPES_ORGANISME)} AS type_organisme, o.accompagnement_global,
           o.presence_rdv_orientation, o.date_fin_suivi,
           {month_index("o.date_notification")} AS m_o,
           greatest({month_index("o.date_notification")} + 1, b.first_m) AS e
    FROM orientations AS o CROSS JOIN bounds AS b
),
orient_masks AS (
    -- from e on: the months without the person in the RSA, and the suspended ones
    SELECT o.*,
           ~coalesce(pe.present, CAST(0 AS BIGINT)) & o.from_e AS absent_from_e,
           coalesce(pe.suspended, CAST(0 AS BIGINT)) & o.from_e AS suspended_from_e,
           coalesce(pe.perimeter, CAST(0 AS BIGINT)) AS perimeter
    FROM (
        SELECT o.*, {months_from("least(o.e - b.first_m, b.width)")} AS from_e
        FROM orient AS o CROSS JOIN bounds AS b
    ) AS o
    LEFT JOIN people AS pe ON pe.personne = o.personne
),
suspension_runs AS (
    -- s2, s4, s8: the months that start 2, 4, 8 consecutive suspended months
    SELECT x.*, x.s4 & (x.s4 >> 4) AS s8
    FROM (
        SELECT y.*, y.s2 & (y.s2 >> 2) AS s4
        FROM (SELECT om.*, om.suspended_from_e & (om.suspended_from_e >> 1) AS s2 FROM orient_masks AS om) AS y
    ) AS x
),
closed AS (
    SELECT r.personne, r.date_notification, r.m_o, r.parcours, r.type_organisme,
           r.accompagnement_global, r.presence_rdv_orientation, r.perimeter,
           least(
               -- date_fin_suivi: a closure dated on the first day of a month closes it from that month
               CASE WHEN r.date_fin_suivi IS NULL THEN NULL
                    WHEN day(r.date_fin_suivi) = 1 THEN {month_index("r.date_fin_suivi")}
                    ELSE {month_index("r.date_fin_suivi")} + 1 END,
               -- the first month after the orientation's month in which the person is radie or absent
               {lowest_month("r.absent_from_e")},
               -- the first day of the 13th consecutive month of suspension after the orientation's month
               {lowest_month("(r.s8 & (r.s4 >> 8) & (r.suspended_from_e >> 12))")} + 12
           ) AS close_m
    FROM suspension_runs AS r CROSS JOIN bounds AS b
),
follow_ups AS (
    -- open_months: the months of the delivery on whose first day the follow-up is in progress
    SELECT c.personne, c.date_notification, c.m_o, c.parcours, c.type_organisme, c.accompagnement_global,
           c.presence_rdv_orientation, c.perimeter, c.close_m,
           CASE WHEN hi > lo THEN ({bit("hi")} - 1) & ~({bit("lo")} - 1) ELSE CAST(0 AS BIGINT) END AS open_months
    FROM (
        SELECT c.*,
               greatest(c.m_o + 1 - b.first_m, 0) AS lo,
               least(coalesce(c.close_m, b.last_m + 1) - b.first_m, b.width) AS hi
        FROM closed AS c CROSS JOIN bounds AS b
    ) AS c
),
followed_people AS (
    -- the persons with an orientation: the months with a follow-up in progress (open_months), those in the
    -- perimeter (followed: P(p, M) and S(p, M)), the number of follow-ups and, when there is only one, its
    -- parcours; the perimeter travels with each follow-up, so no join with people
    SELECT personne, bit_or(open_months) AS open_months, any_value(perimeter) & bit_or(open_months) AS followed,
           count(*) AS follow_ups, any_value(parcours) AS parcours
    FROM follow_ups GROUP BY personne
),
entering_people AS (
    -- entering: P(p, M) and not P(p, M-1), for every month but the first of the delivery, and not S(p, M); only
    -- the persons with such a month (the months starting a stay in the perimeter, then those followed removed)
    SELECT pe.personne, pe.starts & ~coalesce(f.open_months, CAST(0 AS BIGINT)) AS entering
    FROM (
        SELECT personne, perimeter & ~(perimeter << 1) & ~CAST(1 AS BIGINT) AS starts FROM people
    ) AS pe
    LEFT JOIN followed_people AS f ON f.personne = pe.personne
    WHERE pe.starts <> 0 AND (pe.starts & ~coalesce(f.open_months, CAST(0 AS BIGINT))) <> 0
),
entrants AS (
    -- NE(p, M): R-IND-01, with T0 and the opening date on the row of M
    SELECT s.personne, s.m, s.t0, s.date_ouverture_droit
    FROM sit AS s
    JOIN (SELECT ep.personne, ep.entering, b.first_m FROM entering_people AS ep CROSS JOIN bounds AS b) AS ep
      ON ep.personne = s.personne
    WHERE {has_month("ep.entering", "s.m - ep.first_m")}
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
        LEFT JOIN follow_ups AS o ON o.personne = e.personne AND o.m_o >= e.m
    ) AS ranked
    WHERE rank = 1
),
latest_open AS (
    -- the parcours of the person's latest open follow-up (the latest notified, then the greatest parcours)
    -- and the months it is so while the person is in the perimeter. Most persons have one follow-up: its
    -- months; for the others, each follow-up's months minus those of the follow-ups notified after it.
    SELECT parcours, followed AS months FROM followed_people WHERE follow_ups = 1
    UNION ALL
    SELECT f.parcours,
           f.open_months & f.perimeter
           & ~coalesce(bit_or(f.open_months) OVER (
                 PARTITION BY f.personne ORDER BY f.date_notification DESC, f.parcours DESC
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
             ), CAST(0 AS BIGINT)) AS months
    FROM follow_ups AS f
    JOIN followed_people AS several ON several.personne = f.personne AND several.follow_ups > 1
    WHERE f.open_months <> 0
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
    "bounds": ("bounds",),
    "people": ("sit", "people"),
    "follow_ups": ("orient", "orient_masks", "suspension_runs", "closed", "follow_ups"),
    "followed_people": ("followed_people",),
    "entering_people": ("entering_people",),
    "entrants": ("sit", "entrants"),
    "entrant_orientation": ("entrant_orientation",),
}
# Read by one query only, so not kept: the latest open orientation of each person and month (volet 3).
LATEST_OPEN = CTES["latest_open"]


def stage_sql(name: str, width: int | None = None, types: tuple[str, ...] = ("BIGINT",)) -> str:
    """The SQL of a stage; those that read `people` need the width of the delivery (in months) and the
    integer types of the engine (`mask_words`)."""
    if width is None and "people" in STAGES[name]:
        raise ValueError(f"l'étape {name} dépend du nombre de mois de la livraison")
    ctes = ",\n".join(people_cte(width, types) if cte == "people" else CTES[cte] for cte in STAGES[name])
    return f"WITH {ctes}\nSELECT * FROM {name}"


class TooManyMonths(ValueError):
    pass


def prepare(runner) -> None:
    """Compute the shared stages once for this runner (idempotent)."""
    if getattr(runner, "prepared", False):
        return
    runner.materialise("bounds", stage_sql("bounds"))
    width = runner.query("SELECT width FROM bounds")[0]["width"]
    if width is not None and width > MAX_MONTHS:
        raise TooManyMonths(
            f"la livraison couvre {width} mois : un calcul porte sur {MAX_MONTHS} mois consécutifs au plus"
        )
    for name in list(STAGES)[1:]:
        runner.materialise(name, stage_sql(name, width or 1, runner.word_types), by_person=name == "people")
    runner.prepared = True


def monthly_bits(masks: dict[str, str], width: int, source: str, by: str | None = None) -> str:
    """A query counting, for each month offset k (column `k`) and each value of `by` when given, the rows of
    `source` whose mask has bit k (one column per mask). The rows are first counted by distinct masks (a few tens
    of thousands for millions of persons: a person's months mostly form one run), then each distinct mask is paired
    with the offsets and its bit read, weighted by its number of rows. One row per offset rather than one column per
    mask and offset: the wide query's 48 expressions took DuckDB longer to plan than to run (34 ms against 9 ms
    for a département)."""
    keys = [by] if by else []
    grouped = ", ".join([*keys, *masks.values()])
    counted = ", ".join([*keys, *(f"{mask} AS {name}" for name, mask in masks.items())])
    sums = ", ".join(f"CAST(sum((({name} >> ks.k) & 1) * n_rows) AS BIGINT) AS {name}" for name in masks)
    offsets = ", ".join(f"({k})" for k in range(width))
    per_offset = ", ".join([*(f"distinct_masks.{key}" for key in keys), "ks.k"])
    return f"""SELECT {per_offset}, {sums}
FROM (SELECT {counted}, count(*) AS n_rows FROM {source} GROUP BY {grouped}) AS distinct_masks
CROSS JOIN (VALUES {offsets}) AS ks(k)
GROUP BY {per_offset}"""


def by_month(rows: list[dict], names, first_m: int, width: int, shift: int = 0) -> dict[int, dict]:
    """The rows of `monthly_bits` (one per offset k, for one value of `by`) turned into {month index: {name:
    count}}, every month of the delivery there (0 without a row); `shift` moves each count to a later month (a
    leaver of M is counted in M + 1)."""
    counts = {row["k"]: row for row in rows}
    return {
        first_m + k + shift: {name: counts.get(k, {}).get(name) or 0 for name in names}
        for k in range(width)
        if k + shift < width
    }
