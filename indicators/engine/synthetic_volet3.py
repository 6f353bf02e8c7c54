"""The volet 3 files of a synthetic delivery (appointments, contracts, diagnostics, activities, jobs,
satisfaction) for the oriented persons, always fictitious; and the conversion of day numbers to dates that
the whole generator uses."""

from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from indicators.engine.schema import FILES, arrow_schema

EPOCH = date(1970, 1, 1)
ACTIVITY_CATEGORIES = np.array(
    ["atelier_collectif", "immersion", "formation", "accompagnement_individuel", "mobilite"], dtype=object
)
JOB_TYPES = np.array(["cdi", "cdd", "ctt", "creation_entreprise", "alternance", "iae", "contrat_aide", "autre"])
OBSTACLES = np.array(
    ["mobilite", "garde_enfant", "sante", "logement", "numerique", "langue", "budget", "administratif"]
)


def dates(days: np.ndarray) -> pa.Array:
    """Days since 1 January 1970 → an Arrow date column."""
    return pa.array(days.astype("int32"), type=pa.int32()).cast(pa.date32())


# The column that dates each volet 3 table: nothing is dated after the end of the delivery.
VOLET3_DATE_COLUMNS = {
    "rendez_vous": "date",
    "contrats_engagement": "date_signature",
    "diagnostics": "date",
    "activites": "date_debut",
    "emplois": "date_debut",
    "satisfaction": "date",
}


def volet3_tables(rng, person, oriented_on, organism, end_day) -> dict[str, pa.Table]:
    """Meetings, contracts, diagnostics, activities, jobs and satisfaction of the oriented persons.

    The draws happen in a fixed order (that of the dictionary) so that a seed gives the same delivery.
    """
    k = len(person)
    diag_date = oriented_on + rng.integers(5, 40, k)
    status = rng.choice(np.array(["honore", "absent", "annule"]), size=k, p=[0.85, 0.1, 0.05])
    follow_date = diag_date + rng.integers(20, 60, k)
    tables = {
        "rendez_vous": _meetings(rng, person, oriented_on, diag_date, status, follow_date),
        "contrats_engagement": _contracts(rng, person, oriented_on, organism),
        "diagnostics": _diagnostics(rng, person, diag_date),
        "activites": _activities(rng, person, diag_date),
        "emplois": _jobs(rng, person, oriented_on),
        "satisfaction": _satisfaction(rng, person, follow_date),
    }
    limit = pa.scalar(EPOCH + timedelta(days=int(end_day)), type=pa.date32())
    return {name: t.filter(pc.less_equal(t[VOLET3_DATE_COLUMNS[name]], limit)) for name, t in tables.items()}


def _meetings(rng, person, oriented_on, diag_date, status, follow_date) -> pa.Table:
    k = len(person)
    return pa.table(
        {
            "personne": pa.array(np.concatenate([person, person, person]).astype("int64")),
            "date": dates(np.concatenate([oriented_on + 7, diag_date, follow_date])),
            "nature": pa.array(["orientation"] * k + ["diagnostic"] * k + ["accompagnement"] * k, type=pa.string()),
            "statut": pa.array(
                np.concatenate(
                    [np.where(rng.random(k) < 0.8, "honore", "absent"), status, np.full(k, "honore")]
                ).tolist(),
                type=pa.string(),
            ),
        },
        schema=arrow_schema(FILES["rendez_vous"]),
    )


def _contracts(rng, person, oriented_on, organism) -> pa.Table:
    k = len(person)
    signed = rng.random(k) < 0.7
    contract_type = np.where(organism == "france_travail", "ppae", np.where(rng.random(k) < 0.1, "ce", "cer"))
    return pa.table(
        {
            "personne": pa.array(person[signed].astype("int64")),
            "type": pa.array(contract_type[signed].tolist(), type=pa.string()),
            "date_signature": dates((oriented_on + rng.integers(10, 60, k))[signed]),
            "date_fin": dates((oriented_on + 365)[signed]),
        },
        schema=arrow_schema(FILES["contrats_engagement"]),
    )


def _diagnostics(rng, person, diag_date) -> pa.Table:
    """A diagnostic for everyone, and a second one, with fewer obstacles, for one in five."""
    k = len(person)
    obstacle_count = rng.integers(0, 4, k)
    obstacles = ["|".join(rng.choice(OBSTACLES, size=c, replace=False)) if c else "" for c in obstacle_count]
    second = (rng.random(k) < 0.2) & (obstacle_count > 0)
    fewer = ["|".join(o.split("|")[1:]) for o, s in zip(obstacles, second, strict=True) if s]
    return pa.table(
        {
            "personne": pa.array(np.concatenate([person, person[second]]).astype("int64")),
            "date": dates(np.concatenate([diag_date, diag_date[second] + 90])),
            "freins": pa.array([o or None for o in obstacles] + [f or None for f in fewer], type=pa.string()),
        },
        schema=arrow_schema(FILES["diagnostics"]),
    )


def _activities(rng, person, diag_date) -> pa.Table:
    """Six persons in ten in an activity; one in five of those over 15 hours a week."""
    active = rng.random(len(person)) < 0.6
    a_person, a_start = person[active], diag_date[active] + rng.integers(3, 60, active.sum())
    count = len(a_person)
    length = rng.integers(5, 90, count)
    weekly = np.where(rng.random(count) < 0.2, rng.uniform(15, 25, count), rng.uniform(2, 10, count))
    return pa.table(
        {
            "personne": pa.array(a_person.astype("int64")),
            "date_debut": dates(a_start),
            "date_fin": dates(a_start + length - 1),
            "heures": pa.array(np.round(weekly * length / 7, 1)),
            "modalite": pa.array(np.where(rng.random(count) < 0.6, "individuel", "collectif").tolist()),
            "categorie": pa.array(rng.choice(ACTIVITY_CATEGORIES, size=count).tolist(), type=pa.string()),
            "service_id": pa.nulls(count, type=pa.string()),
        },
        schema=arrow_schema(FILES["activites"]),
    )


def _jobs(rng, person, oriented_on) -> pa.Table:
    hired = rng.random(len(person)) < 0.25
    count = int(hired.sum())
    job_type = rng.choice(JOB_TYPES, size=count, p=[0.2, 0.3, 0.15, 0.05, 0.05, 0.1, 0.1, 0.05])
    job_start = oriented_on[hired] + rng.integers(15, 270, count)
    duration = rng.integers(1, 13, count)
    return pa.table(
        {
            "personne": pa.array(person[hired].astype("int64")),
            "date_debut": dates(job_start),
            "type_contrat": pa.array(job_type.tolist(), type=pa.string()),
            "duree_mois": pa.array(np.where(job_type == "cdi", 0, duration).astype("int32"), mask=job_type == "cdi"),
            "date_fin": pa.nulls(count, type=pa.date32()),
        },
        schema=arrow_schema(FILES["emplois"]),
    )


def _satisfaction(rng, person, follow_date) -> pa.Table:
    """One answer in ten, from the person and from the professional (anonymous)."""
    answered = rng.random(len(person)) < 0.1
    answers = int(answered.sum())
    return pa.table(
        {
            "date": dates(np.concatenate([follow_date[answered], follow_date[answered]])),
            "repondant": pa.array(["personne"] * answers + ["professionnel"] * answers, type=pa.string()),
            "satisfait": pa.array(rng.random(2 * answers) < 0.78),
            "personne": pa.array(
                np.concatenate([person[answered], np.full(answers, -1)]).astype("int64"),
                mask=np.concatenate([np.zeros(answers, bool), np.ones(answers, bool)]),
            ),
        },
        schema=arrow_schema(FILES["satisfaction"]),
    )
