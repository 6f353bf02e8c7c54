"""Reading stored results for the pages: plain values, shares and the comments of annexe 4 §4.2."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from indicators import identifiers, storage
from indicators.engine import months, plein_emploi, worklist
from indicators.engine.follow_ups import prepare
from indicators.models import Delivery, IndicatorResult, IndicatorTable


def share(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def monthly_rows(collectivity, table: str) -> list[dict]:
    results = IndicatorResult.objects.filter(collectivity=collectivity, table=table).order_by("month")
    return [_row(result) for result in results]


def _row(result) -> dict:
    return {"mois": result.month, "version": result.version, **result.values}


def volet2_rows(collectivity) -> list[dict]:
    """The volet 2 table with the share oriented within 15 days among new entrants whose T0 is known."""
    return _with_shares(monthly_rows(collectivity, IndicatorTable.VOLET2))


def volet2_rows_of(collectivities) -> dict[int, list[dict]]:
    """volet2_rows of several collectivités in one query, by collectivité id."""
    by_collectivity = {}
    results = IndicatorResult.objects.filter(collectivity__in=collectivities, table=IndicatorTable.VOLET2)
    for result in results.order_by("month"):
        by_collectivity.setdefault(result.collectivity_id, []).append(_row(result))
    return {pk: _with_shares(rows) for pk, rows in by_collectivity.items()}


def _with_shares(rows: list[dict]) -> list[dict]:
    for row in rows:
        known = None if row["nouveaux_entrants"] is None else row["nouveaux_entrants"] - row["t0_inconnu"]
        row["part_orientes_15_jours"] = share(row["orientes_15_jours"], known) if known else None
        row["part_orientes_1_mois"] = share(row["orientes_1_mois"], known) if known else None
    return rows


def organism_rows(collectivity) -> tuple[int | None, list[dict]]:
    result = (
        IndicatorResult.objects.filter(collectivity=collectivity, table=IndicatorTable.ORGANISMS)
        .order_by("-month")
        .first()
    )
    if result is None:
        return None, []
    return result.month.year, result.values["lignes"]


@dataclass(frozen=True)
class Comments:
    """The comments annexe 4 §4.2 asks next to the volet 2 figures (R-IND-03)."""

    deliveries: int
    months_covered: str
    last_delivery: date | None
    t0_known_pct: Decimal | None
    global_accompaniment: int
    no_shows: int


def comments(collectivity, rows: list[dict]) -> Comments:
    accepted = Delivery.objects.accepted().filter(collectivity=collectivity)
    latest = accepted.first()
    entrants = sum(r["nouveaux_entrants"] or 0 for r in rows)
    unknown = sum(r["t0_inconnu"] or 0 for r in rows)
    return Comments(
        deliveries=Delivery.objects.filter(collectivity=collectivity).exclude(status="refusee").count(),
        months_covered=(f"{months.label(latest.first_month)} à {months.label(latest.last_month)}" if latest else ""),
        last_delivery=latest.uploaded_at.date() if latest else None,
        t0_known_pct=share(entrants - unknown, entrants),
        global_accompaniment=sum(r["orientations_accompagnement_global"] or 0 for r in rows),
        no_shows=sum(r["absents_rdv_orientation"] or 0 for r in rows),
    )


@dataclass(frozen=True)
class PersonToOrient:
    pseudonym: str
    t0: date | None
    opening: date
    deadline: date | None
    days_left: int | None
    identifier: str | None = None  # the département's own, where kept (indicators.identifiers)

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


# The work list names the persons whose T0 falls in the delivery's last months: older ones are long past the
# 15-day deadline (they are counted in the indicators, and told apart on the page).
WORKLIST_MONTHS = 3


@dataclass(frozen=True)
class Worklist:
    month: date | None  # the entry month listed (the delivery's last)
    as_of: date | None  # the delivery's last day: days are counted to it, not to today
    people: list[PersonToOrient]
    older: int = 0  # new entrants of the month not oriented whose T0 is before the window
    # new entrants of the window's months not oriented within six weeks: France Travail orients them
    to_france_travail: list["PersonToFranceTravail"] = field(default_factory=list)

    @property
    def with_identifiers(self) -> bool:
        return any(p.identifier for p in self.people)


@dataclass(frozen=True)
class PersonToFranceTravail:
    pseudonym: str
    entry_month: date
    t0: date
    deadline: date  # the last day of the six weeks
    notified: date | None  # an orientation notified after the deadline


def france_travail_rows(runner, last_month: date) -> list[PersonToFranceTravail]:
    """New entrants of the work list's months that the département did not orient within six weeks of T0
    (loi pour le plein emploi), the oldest deadline first."""
    prepare(runner)
    sql = plein_emploi.france_travail_list_sql(
        months.index(last_month) - (WORKLIST_MONTHS - 1), months.index(last_month), months.last_day(last_month)
    )
    people = [
        PersonToFranceTravail(
            pseudonym=pseudonym(row["personne"]),
            entry_month=months.from_index(row["m"]),
            t0=row["t0"],
            deadline=row["t0"] + timedelta(days=plein_emploi.ORIENTATION_DAYS - 1),
            notified=row["date_notification"],
        )
        for row in _with_pseudonyms(runner, runner.query(sql))
    ]
    return sorted(people, key=lambda p: (p.deadline, p.pseudonym))


def pseudonym(personne: int) -> str:
    """How a person appears on the pages: 16 hexadecimal digits."""
    return f"{personne & 0xFFFFFFFFFFFFFFFF:016x}"


def _with_pseudonyms(runner, rows: list[dict]) -> list[dict]:
    """The rows with each person's pseudonym in `personne`, where the stored files number the persons."""
    keys = runner.pseudonyms([row["personne"] for row in rows])
    return [{**row, "personne": key} for row, key in zip(rows, keys, strict=True)]


def worklist_rows(runner, last_month: date) -> tuple[list[dict], int]:
    """The rows of the work list of a delivery ending in `last_month` (the runner reads it), each person by its
    pseudonym, and the number of those left out because their T0 is before the window."""
    prepare(runner)
    since = months.shift(last_month, -(WORKLIST_MONTHS - 1))
    listed, older = [], 0
    for row in _with_pseudonyms(runner, runner.query(worklist.sql(months.index(last_month)))):
        if row["t0"] is not None and row["t0"] < since:
            older += 1
        else:
            listed.append(row)
    return listed, older


def latest_delivery(collectivity) -> Delivery | None:
    """The accepted delivery whose months are the latest: the one the person lists describe."""
    return Delivery.objects.accepted().filter(collectivity=collectivity).order_by("-last_month").first()


@dataclass(frozen=True)
class FranceTravailList:
    month: date | None  # the delivery's last month
    as_of: date | None  # its last day, to which the six weeks are counted
    people: list[PersonToFranceTravail]


def france_travail_list(collectivity) -> FranceTravailList:
    """The persons of the latest delivery that France Travail orients (`france_travail_rows`)."""
    delivery = latest_delivery(collectivity)
    if delivery is None:
        return FranceTravailList(None, None, [])
    runner = storage.duckdb_runner(delivery.pk)
    try:
        people = france_travail_rows(runner, delivery.last_month)
    finally:
        runner.close()
    return FranceTravailList(delivery.last_month, months.last_day(delivery.last_month), people)


def orientation_worklist(collectivity) -> Worklist:
    """New entrants of the latest month of the latest delivery not yet oriented, the most urgent first (fewest
    days left before T0 + 15 days, counted to the delivery's last day), unknown T0 last; those whose T0 is
    older than the delivery's last WORKLIST_MONTHS months only counted."""
    delivery = latest_delivery(collectivity)
    if delivery is None:
        return Worklist(None, None, [])
    runner = storage.duckdb_runner(delivery.pk)
    try:
        rows, older = worklist_rows(runner, delivery.last_month)
        to_france_travail = france_travail_rows(runner, delivery.last_month)
    finally:
        runner.close()
    as_of = months.last_day(delivery.last_month)
    kept = identifiers.of_delivery(delivery)
    people = []
    for row in rows:
        deadline = row["t0"] + timedelta(days=14) if row["t0"] else None
        people.append(
            PersonToOrient(
                pseudonym=pseudonym(row["personne"]),
                t0=row["t0"],
                opening=row["date_ouverture_droit"],
                deadline=deadline,
                days_left=(deadline - as_of).days if deadline else None,
                identifier=kept.get(row["personne"]),
            )
        )
    people.sort(key=lambda p: (p.days_left is None, p.days_left if p.days_left is not None else 0, p.pseudonym))
    return Worklist(delivery.last_month, as_of, people, older, to_france_travail)


def period_summary(rows: list[dict], first: date, last: date) -> dict | None:
    """Volet 2 figures summed over [first, last] (months available only), for a fiche action."""
    rows = [r for r in rows if first <= r["mois"] <= last and r["nouveaux_entrants"] is not None]
    if not rows:
        return None
    total = {
        k: sum(r[k] for r in rows) for k in ("nouveaux_entrants", "t0_inconnu", "orientes_15_jours", "orientes_1_mois")
    }
    known = total["nouveaux_entrants"] - total["t0_inconnu"]
    total["part_orientes_15_jours"] = share(total["orientes_15_jours"], known)
    total["part_orientes_1_mois"] = share(total["orientes_1_mois"], known)
    total["months"] = len(rows)
    return total
