"""Compute the indicator tables with a runner and lay them out month by month."""

from datetime import date

from indicators.engine import intensive_pathways, months, organisms, plein_emploi, volet2, volet3
from indicators.engine.follow_ups import prepare


def delivery_bounds(runner) -> tuple[int | None, int | None]:
    """The first and last month indices of the delivery (from the shared stage `bounds`)."""
    prepare(runner)
    row = runner.query("SELECT first_m, last_m FROM bounds")[0]
    return row["first_m"], row["last_m"]


def _monthly(
    runner,
    found_by_month,
    columns: tuple[str, ...],
    first: date,
    last: date,
    zero_ok: set[str],
    from_first_month: frozenset[str] = frozenset(),
) -> list[dict]:
    """One row per month of [first, last]. A month outside the delivery, or its first month
    (M-1 unknown) for the columns not in `from_first_month`, has empty cells; a month of the delivery
    without any event has zeros. found_by_month(first_m, last_m) gives the computed rows by month index."""
    prepare(runner)
    first_m, last_m = delivery_bounds(runner)
    by_month = found_by_month(first_m, last_m) if first_m is not None else {}
    table = []
    for month in months.span(first, last):
        m = months.index(month)
        within = first_m is not None and first_m <= m <= last_m
        row = {"mois": months.label(month)}
        found = by_month.get(m, {})
        for column in columns[1:]:
            if not within or (m == first_m and column not in from_first_month):
                row[column] = None
            elif column in found and found[column] is not None:
                row[column] = found[column]
            else:
                row[column] = 0 if column in zero_ok else None
        table.append(row)
    return table


def volet2_table(runner, first: date, last: date) -> list[dict]:
    def found(first_m, last_m):
        return {row["m"]: row for row in runner.query(volet2.SQL)}

    return _monthly(runner, found, volet2.COLUMNS, first, last, zero_ok=set(volet2.COLUMNS))


def volet3_table(runner, first: date, last: date) -> list[dict]:
    def found(first_m, last_m):
        rows = volet3.rows(runner, first_m, last_m - first_m + 1)
        return {m: volet3.finish(row) for m, row in rows.items()}

    return _monthly(runner, found, volet3.COLUMNS, first, last, zero_ok=volet3.COUNT_COLUMNS)


def plein_emploi_table(runner, first: date, last: date) -> list[dict]:
    def found(first_m, last_m):
        last_day = months.last_day(months.from_index(last_m))
        rows = {m: {"provisoire": plein_emploi.provisional(months.from_index(m), last_day)}
                for m in range(first_m, last_m + 1)}  # fmt: skip
        for row in runner.query(plein_emploi.entrants_sql(last_day)):
            rows[row["m"]].update(row)
        for row in runner.query(plein_emploi.orientations_sql(first_m, last_m)):
            rows[row["m"]].update(row)
        return rows

    return _monthly(
        runner,
        found,
        plein_emploi.COLUMNS,
        first,
        last,
        zero_ok=set(plein_emploi.COLUMNS),
        from_first_month=frozenset(plein_emploi.MONTH_COLUMNS),
    )


def intensive_pathways_table(runner, first: date, last: date) -> list[dict]:
    def found(first_m, last_m):
        return {row["m"]: row for row in runner.query(intensive_pathways.sql(last_m - first_m + 1))}

    columns = intensive_pathways.COLUMNS
    return _monthly(
        runner,
        found,
        columns,
        first,
        last,
        zero_ok=set(columns),
        from_first_month=frozenset(set(columns) - set(intensive_pathways.STARTED_COLUMNS)),
    )


def organisms_table(runner, year: int) -> list[dict]:
    prepare(runner)
    return organisms.table(runner, year)
