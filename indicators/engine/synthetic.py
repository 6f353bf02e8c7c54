"""Seeded generator of realistic, fictitious deliveries.

Sized from the number of RSA households of a collectivité and calibrated on its OARSA survey values
(share oriented, distribution by organisme, mean delay to the first orientation). Every file of the
exchange format is produced, volet 3 included. Identifiers are fictitious (`FICTIF00000042`).
Vectorised with NumPy so that a national delivery (2 million persons × 24 months) takes seconds.
"""

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from indicators.engine import months as month_tools
from indicators.engine.schema import FILES, arrow_schema
from indicators.engine.synthetic_volet3 import dates, volet3_tables

OUT, PAYABLE, SUSPENDED, RADIATED = 0, 1, 2, 3
STATE_NAMES = np.array(["", "versable", "suspendu", "radie"], dtype=object)
ORGANISMS = np.array(
    ["france_travail", "mission_locale", "cap_emploi", "departement", "ccas", "association", "autre"], dtype=object
)


@dataclass(frozen=True)
class Calibration:
    persons: int
    share_oriented: float = 0.83
    # France Travail, other public employment services, département, others (OARSA 2018 national values)
    organism_shares: tuple[float, float, float, float] = (0.43, 0.05, 0.31, 0.21)
    mean_delay_days: float = 95.0
    label: str = "fictif"


@dataclass
class SyntheticDelivery:
    """Tables in the normalised layout, with `personne` as the fictitious person number."""

    tables: dict[str, pa.Table] = field(default_factory=dict)

    def engine_tables(self) -> dict[str, pa.Table]:
        return self.tables

    def write_parquet(self, folder: Path) -> dict[str, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = {}
        for name, table in self.tables.items():
            paths[name] = folder / f"{name}.parquet"
            pq.write_table(table, paths[name])
        return paths

    def write_csv(self, folder: Path, *, french: bool = False) -> None:
        """The delivery as a département would send it: raw fictitious identifiers, CSV.
        `french`: Windows-1252, dd/mm/yyyy, MM/AAAA and oui/non, as exported by French office tools.
        Each column's distinct values are written once (`_csv_cell`) and spread by Arrow, so that a national
        delivery is written in seconds with the memory of its text columns."""
        folder.mkdir(parents=True, exist_ok=True)
        # no quoting: the generated values hold no « ; », quote or line break (Arrow refuses such a value)
        options = pacsv.WriteOptions(delimiter=";", eol="\r\n", quoting_style="none", quoting_header="none")
        for name, table in self.tables.items():
            spec = FILES[name]
            text = pa.table(
                [_csv_column(column, table.column(column.target), french) for column in spec.columns],
                names=list(spec.column_names),
            )
            path = folder / f"{name}.csv"
            pacsv.write_csv(text, path, options)
            if french:
                _transcode(path, "cp1252")


def _csv_column(column, values: pa.ChunkedArray, french: bool) -> pa.ChunkedArray:
    distinct = pc.unique(values)
    texts = pa.array([_csv_cell(column, value, french) for value in distinct.to_pylist()], type=pa.string())
    return texts.take(pc.index_in(values, value_set=distinct, skip_nulls=False))


def _transcode(path: Path, encoding: str, block: int = 1 << 26) -> None:
    """Rewrite a UTF-8 file in `encoding`, block by block (a block ends on a line)."""
    target = path.with_suffix(".tmp")
    with open(path, "rb") as source, open(target, "wb") as output:
        rest = b""
        while chunk := source.read(block):
            chunk, rest = rest + chunk, b""
            cut = chunk.rfind(b"\n") + 1
            if cut and cut < len(chunk):
                chunk, rest = chunk[:cut], chunk[cut:]
            output.write(chunk.decode("utf-8").encode(encoding))
        output.write(rest.decode("utf-8").encode(encoding))
    target.replace(path)


def _csv_cell(column, value, french: bool) -> str:
    if column.kind == "id":
        return "" if value is None else f"FICTIF{value:08d}"
    if column.kind == "id_presence":
        return "FT-FICTIF" if value else ""
    if value is None:
        return ""
    if column.kind == "month":
        return f"{value.month:02d}/{value.year}" if french else f"{value.year}-{value.month:02d}"
    if column.kind == "date":
        return value.strftime("%d/%m/%Y") if french else value.isoformat()
    if column.kind == "bool":
        return ("oui" if value else "non") if french else ("1" if value else "0")
    if column.kind == "number":
        text = f"{value:.2f}"
        return text.replace(".", ",") if french else text
    return str(value)


def _month_days(month_indices: np.ndarray) -> np.ndarray:
    """Days since epoch of the first day of each month index."""
    years = month_indices // 12
    month = month_indices % 12 + 1
    return (
        (years.astype("int64") * 12 + month - 1 - (1970 * 12)).astype("datetime64[M]").astype("datetime64[D]")
    ).astype("int64")


def generate(calibration: Calibration, *, first: date, last: date, seed: int = 0) -> SyntheticDelivery:
    rng = np.random.default_rng(seed)
    n = calibration.persons
    m0 = month_tools.index(first)
    horizon = month_tools.index(last) - m0 + 1
    state = _simulate_states(rng, n, horizon)
    return SyntheticDelivery(tables=_tables(rng, calibration, state, m0, horizon))


def _simulate_states(rng, n: int, horizon: int) -> np.ndarray:
    state = np.zeros((n, horizon), dtype=np.int8)
    start = rng.random(n)
    current = np.where(start < 0.72, PAYABLE, np.where(start < 0.8, SUSPENDED, OUT)).astype(np.int8)
    arrives = np.where(current == OUT, rng.integers(0, horizon * 2, n), -1)
    for t in range(horizon):
        draw = rng.random(n)
        nxt = current.copy()
        payable, suspended, gone = current == PAYABLE, current == SUSPENDED, (current == OUT) | (current == RADIATED)
        nxt[payable & (draw < 0.03)] = SUSPENDED
        nxt[payable & (draw >= 0.03) & (draw < 0.055)] = RADIATED
        nxt[suspended & (draw < 0.35)] = PAYABLE
        nxt[suspended & (draw >= 0.35) & (draw < 0.40)] = RADIATED
        nxt[(current == RADIATED)] = OUT
        returning = gone & (draw < 0.01)
        nxt[returning] = PAYABLE
        nxt[arrives == t] = PAYABLE
        if t == 0:
            nxt = current
        state[:, t] = nxt
        current = nxt
    return state


def _tables(rng, cal: Calibration, state: np.ndarray, m0: int, horizon: int) -> dict[str, pa.Table]:
    """The monthly situations, then the orientations of the stock and of the new spells, then the volet 3
    files (in this order: the random draws, and so a seed's delivery, depend on it)."""
    situations, spells = _situations(rng, state, m0, horizon)
    orientations, oriented = _orientations(rng, cal, state, spells)
    tables = {"situations_mensuelles": situations, "orientations": orientations}
    tables.update(volet3_tables(rng, *oriented))
    return tables


@dataclass(frozen=True)
class _Spells:
    """What the orientations need of the situations: the months' first days, who opens a spell when, and the
    delay from the opening to T0 of each person."""

    month_start: np.ndarray
    person_idx: np.ndarray
    spell_open: np.ndarray
    t0_delay: np.ndarray


def _situations(rng, state: np.ndarray, m0: int, horizon: int) -> tuple[pa.Table, _Spells]:
    n = state.shape[0]
    in_rsa = state != OUT
    previous = np.concatenate([np.full((n, 1), OUT, dtype=np.int8), state[:, :-1]], axis=1)
    # A spell opens when the person becomes payable after being out (or at the start for the stock).
    opens = (state == PAYABLE) & ((previous == OUT) | (previous == RADIATED))
    opens[:, 0] = False
    month_start = _month_days(np.arange(m0, m0 + horizon))

    person_idx, month_idx = np.nonzero(opens)
    spell_open = month_start[month_idx] + rng.integers(0, 25, len(person_idx))
    stock_open = month_start[0] - rng.integers(30, 900, n)
    # Opening date of the current spell for every row: forward fill of the latest opening.
    open_at = np.full((n, horizon), -1, dtype=np.int64)
    open_at[person_idx, month_idx] = spell_open
    open_at[:, 0] = np.where(open_at[:, 0] < 0, stock_open, open_at[:, 0])
    filled = np.maximum.accumulate(np.where(open_at >= 0, np.arange(horizon), -1), axis=1)
    opening = np.take_along_axis(open_at, np.maximum(filled, 0), axis=1)
    t0_delay = rng.integers(0, 21, (n,))
    t0_known = rng.random(n) > 0.04

    rows_p, rows_t = np.nonzero(in_rsa)
    row_state = state[rows_p, rows_t]
    row_opening = opening[rows_p, rows_t]
    # Most persons stay in the droits et devoirs flag; a few leave it, a few rows flicker.
    dd = (rng.random(n) > 0.06)[rows_p] ^ (rng.random(len(rows_p)) < 0.01)
    ft_registered = rng.random(n) < 0.45
    t0_values = row_opening + t0_delay[rows_p]
    situations = pa.table(
        {
            "personne": pa.array(rows_p.astype("int64")),
            "inscrit_france_travail": pa.array(ft_registered[rows_p]),
            "mois": dates(month_start[rows_t]),
            "etat_droit": pa.array(STATE_NAMES[row_state].tolist(), type=pa.string())
            .dictionary_encode()
            .cast(pa.string()),
            "soumis_droits_devoirs": pa.array(dd),
            "date_ouverture_droit": dates(row_opening),
            "date_reception_notification": pa.array(
                np.where(t0_known[rows_p], t0_values, 0).astype("int32"), mask=~t0_known[rows_p], type=pa.int32()
            ).cast(pa.date32()),
        },
        schema=arrow_schema(FILES["situations_mensuelles"]),
    )
    return situations, _Spells(month_start, person_idx, spell_open, t0_delay)


def _orientations(rng, cal: Calibration, state: np.ndarray, spells: _Spells) -> tuple[pa.Table, tuple]:
    """The stock was oriented before the delivery; each new spell may be oriented after T0."""
    n = state.shape[0]
    in_rsa = state != OUT
    month_start, person_idx, spell_open, t0_delay = (
        spells.month_start, spells.person_idx, spells.spell_open, spells.t0_delay,
    )  # fmt: skip
    end_day = month_start[-1] + 27
    stock = np.nonzero(in_rsa[:, 0] & (rng.random(n) < cal.share_oriented))[0]
    stock_dates = month_start[0] - rng.integers(20, 700, len(stock))
    flow_mask = rng.random(len(person_idx)) < cal.share_oriented
    flow_people = person_idx[flow_mask]
    delays = _delays(rng, len(flow_people), cal.mean_delay_days)
    flow_dates = spell_open[flow_mask] + t0_delay[flow_people] + delays
    keep = flow_dates <= end_day
    o_person = np.concatenate([stock, flow_people[keep]])
    o_date = np.concatenate([stock_dates, flow_dates[keep]])
    k = len(o_person)
    organism = _organisms(rng, k, cal.organism_shares)
    parcours = np.where(
        organism == "france_travail",
        "emploi",
        np.where(rng.random(k) < 0.7, "socio_professionnel", "social"),
    )
    presence_draw = rng.random(k)
    has_meeting = presence_draw < 0.8
    closed = rng.random(k) < 0.03
    orientations = pa.table(
        {
            "personne": pa.array(o_person.astype("int64")),
            "date_notification": dates(o_date),
            "parcours": pa.array(parcours.tolist(), type=pa.string()),
            "type_organisme": pa.array(organism.tolist(), type=pa.string()),
            "organisme_referent": pa.array(
                np.char.add("Structure fictive ", (o_person % 40).astype(str)).tolist(), type=pa.string()
            ),
            "accompagnement_global": pa.array(rng.random(k) < 0.05),
            "date_rdv_orientation": pa.array((o_date + 7).astype("int32"), mask=~has_meeting, type=pa.int32()).cast(
                pa.date32()
            ),
            "presence_rdv_orientation": pa.array(presence_draw < 0.68, mask=~has_meeting),
            "date_fin_suivi": pa.array(
                (o_date + rng.integers(60, 400, k)).astype("int32"), mask=~closed, type=pa.int32()
            ).cast(pa.date32()),
        },
        schema=arrow_schema(FILES["orientations"]),
    )
    return orientations, (o_person, o_date, organism, end_day)


def _delays(rng, size: int, mean: float) -> np.ndarray:
    quick = rng.random(size)
    return np.where(
        quick < 0.35,
        rng.integers(-3, 15, size),
        np.where(quick < 0.6, rng.integers(15, 31, size), rng.exponential(max(mean, 1.0), size).astype(int) + 31),
    )


def _organisms(rng, size: int, shares) -> np.ndarray:
    france_travail, other_spe, departement, others = shares
    total = france_travail + other_spe + departement + others
    probabilities = np.array(
        [france_travail, other_spe * 0.7, other_spe * 0.3, departement, others * 0.4, others * 0.4, others * 0.2]
    )
    return rng.choice(ORGANISMS, size=size, p=probabilities / total)


def calibration_for(departement_codes: list[str], data_dir: Path, *, scale: float = 1.0) -> Calibration:
    """Size from the latest RSA households and calibrate on the latest OARSA values of the départements."""
    households = 0
    with open(data_dir / "allocataires_rsa_par_departement.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            if row["code_departement"] in departement_codes:
                households += int(row["allocataires_rsa_2019"] or 0)
    values: dict[str, list[float]] = {}
    with open(data_dir / "oarsa_2015_2018_par_departement.csv", encoding="utf-8") as handle:
        for row in sorted(csv.DictReader(handle, delimiter=";"), key=lambda r: r["annee"]):
            if row["code_departement"] in departement_codes and row["valeur"]:
                values.setdefault(row["indicateur"], []).append(float(row["valeur"]))

    def latest(name, default):
        return values[name][-1] if values.get(name) else default

    shares = (
        latest("part_orientes_pole_emploi_pct", 43),
        latest("part_orientes_autre_spe_pct", 5),
        latest("part_orientes_conseil_departemental_pct", 31),
        latest("part_orientes_hors_spe_pct", 21),
    )
    return Calibration(
        persons=max(50, int((households or 10000) * scale)),
        share_oriented=latest("part_orientes_pct", 83) / 100,
        organism_shares=tuple(s / 100 for s in shares),
        mean_delay_days=latest("delai_moyen_entree_primo_orientation_jours", 95),
    )
