"""A straightforward pandas implementation of the volet 2 and volet 3 definitions (spec:
donnees-beneficiaires.md), written independently of the SQL: the benchmark's point of comparison,
and a cross-check of the engine in the tests."""

import math

import numpy as np
import pandas as pd

from indicators.engine.schema import PARCOURS, TYPES_CONTRAT_EMPLOI


def _mi(series: pd.Series) -> pd.Series:
    dates = pd.to_datetime(series)
    return (dates.dt.year * 12 + dates.dt.month - 1).astype("Int64")


def _month_start(m: pd.Series) -> pd.Series:
    return pd.to_datetime({"year": m // 12, "month": m % 12 + 1, "day": 1})


def prepare(tables: dict) -> dict:
    sit = tables["situations_mensuelles"].to_pandas()
    sit["m"] = _mi(sit["mois"]).astype("int64")
    sit["p"] = (sit["etat_droit"] == "versable") & sit["soumis_droits_devoirs"]
    sit = sit.sort_values(["personne", "m"], kind="stable").reset_index(drop=True)
    first_m, last_m = int(sit["m"].min()), int(sit["m"].max())
    orient = tables["orientations"].to_pandas()
    orient["date_notification"] = pd.to_datetime(orient["date_notification"])
    orient["m_o"] = _mi(orient["date_notification"]).astype("int64")
    orient["e"] = np.maximum(orient["m_o"] + 1, first_m)

    def runs(mask):
        rows = sit.loc[mask, ["personne", "m"]]
        grp = rows["m"] - rows.groupby("personne").cumcount()
        return rows.assign(grp=grp).groupby(["personne", "grp"])["m"].agg(seg_start="min", seg_end="max").reset_index()

    presence = runs(sit["etat_droit"] != "radie")
    suspension = runs(sit["etat_droit"] == "suspendu")

    keys = orient[["personne", "e"]].drop_duplicates()
    pres = keys.merge(presence, on="personne")
    pres = pres[(pres["seg_start"] <= pres["e"]) & (pres["e"] <= pres["seg_end"])][["personne", "e", "seg_end"]]
    susp = keys.merge(suspension, on="personne")
    susp["s"] = np.maximum(susp["seg_start"], susp["e"])
    susp = susp[susp["seg_end"] - susp["s"] >= 12]
    susp = susp.assign(close_c=susp["s"] + 12).groupby(["personne", "e"])["close_c"].min().reset_index()
    o = orient.merge(pres, on=["personne", "e"], how="left").merge(susp, on=["personne", "e"], how="left")
    close_b = np.where(
        o["e"] > last_m,
        np.nan,
        np.where(o["seg_end"].isna(), o["e"], np.where(o["seg_end"] >= last_m, np.nan, o["seg_end"] + 1)),
    )
    fin = pd.to_datetime(o["date_fin_suivi"])
    fin_m = _mi(fin).astype("float64") + np.where(fin.dt.day == 1, 0, 1)
    o["close_m"] = np.fmin(np.fmin(fin_m.to_numpy(), close_b), o["close_c"].to_numpy(dtype="float64"))

    sit["prev_m"] = sit.groupby("personne")["m"].shift(1)
    sit["prev_p"] = sit.groupby("personne")["p"].shift(1).astype("boolean").fillna(False)
    cand = sit[sit["p"] & (sit["m"] > first_m) & ~((sit["prev_m"] == sit["m"] - 1) & sit["prev_p"])]
    cand = cand[["personne", "m", "date_reception_notification", "date_ouverture_droit"]]
    j = cand.merge(o[["personne", "m_o", "close_m"]], on="personne")
    j = j[(j["m_o"] < j["m"]) & (j["close_m"].isna() | (j["close_m"] > j["m"]))]
    followed = j[["personne", "m"]].drop_duplicates()
    entrants = cand.merge(followed, on=["personne", "m"], how="left", indicator=True)
    entrants = entrants[entrants["_merge"] == "left_only"].drop(columns="_merge")
    return {"sit": sit, "orient": orient, "follow_ups": o, "entrants": entrants, "first_m": first_m, "last_m": last_m}


def volet2(prepared: dict) -> pd.DataFrame:
    entrants, orient = prepared["entrants"], prepared["orient"]
    later = entrants.merge(orient, on="personne", how="left")
    later = later[later["m_o"].isna() | (later["m_o"] >= later["m"])]
    later = later.sort_values(["personne", "m", "date_notification", "accompagnement_global"], na_position="last")
    first = later.drop_duplicates(["personne", "m"], keep="first")
    first = entrants.merge(
        first[["personne", "m", "date_notification", "accompagnement_global", "presence_rdv_orientation"]],
        on=["personne", "m"],
        how="left",
    )
    t0 = pd.to_datetime(first["date_reception_notification"])
    notified = first["date_notification"]
    known = t0.notna()
    first["t0_inconnu"] = ~known
    first["orientes_15_jours"] = known & notified.notna() & (notified < t0 + pd.Timedelta(days=15))
    first["orientes_1_mois"] = known & notified.notna() & (notified < t0 + pd.DateOffset(months=1))
    first["orientations_accompagnement_global"] = first["accompagnement_global"].eq(True).fillna(False).astype(bool)
    first["absents_rdv_orientation"] = first["presence_rdv_orientation"].eq(False).fillna(False).astype(bool)
    columns = ["t0_inconnu", "orientes_15_jours", "orientes_1_mois", "orientations_accompagnement_global",
               "absents_rdv_orientation"]  # fmt: skip
    table = first.groupby("m")[columns].sum()
    table.insert(0, "nouveaux_entrants", first.groupby("m").size())
    return table.astype("int64")


def volet3(prepared: dict, tables: dict) -> pd.DataFrame:
    sit, o, entrants = prepared["sit"], prepared["follow_ups"], prepared["entrants"]
    months = pd.Index(range(prepared["first_m"], prepared["last_m"] + 1), name="m")
    out = pd.DataFrame(index=months)
    out["inscrits_france_travail"] = sit[sit["p"] & sit["inscrit_france_travail"]].groupby("m").size()
    out["nouveaux_entrants"] = entrants.groupby("m").size()
    nxt_m = sit.groupby("personne")["m"].shift(-1)
    nxt_p = sit.groupby("personne")["p"].shift(-1).astype("boolean").fillna(False)
    leave = sit[sit["p"] & (sit["m"] < prepared["last_m"]) & ~((nxt_m == sit["m"] + 1) & nxt_p)]
    out["sortants"] = (leave["m"] + 1).value_counts()
    contracts = tables["contrats_engagement"].to_pandas()
    contracts["m"] = _mi(contracts["date_signature"])
    for kind in ("cer", "ppae", "ce"):
        out[f"{kind}_signes"] = contracts[contracts["type"] == kind].groupby("m").size()
    meetings = tables["rendez_vous"].to_pandas()
    meetings["date"] = pd.to_datetime(meetings["date"])
    honoured = meetings[meetings["statut"] == "honore"]
    e = entrants.assign(opening=pd.to_datetime(entrants["date_ouverture_droit"]))
    first_meeting = e.merge(honoured, on="personne")
    first_meeting = first_meeting[first_meeting["date"] >= first_meeting["opening"]]
    first_meeting = first_meeting.groupby(["personne", "m", "opening"])["date"].min().reset_index()
    first_meeting["days"] = (first_meeting["date"] - first_meeting["opening"]).dt.days
    out["median_meeting"] = first_meeting.groupby("m")["days"].median()
    out["sum_meeting"] = first_meeting.groupby("m")["days"].sum()
    out["n_meeting"] = first_meeting.groupby("m").size()
    diag = e.merge(honoured[honoured["nature"] == "diagnostic"], on="personne")
    diag = diag[diag["date"] >= diag["opening"]].groupby(["personne", "m"])["date"].min().reset_index()
    activities = tables["activites"].to_pandas()
    activities["date_debut"] = pd.to_datetime(activities["date_debut"])
    activities["date_fin"] = pd.to_datetime(activities["date_fin"])
    action = diag.merge(activities, on="personne")
    action = action[action["date_debut"] >= action["date"]]
    action = action.groupby(["personne", "m", "date"])["date_debut"].min().reset_index()
    action["days"] = (action["date_debut"] - action["date"]).dt.days
    out["median_action"] = action.groupby("m")["days"].median()
    out["sum_action"] = action.groupby("m")["days"].sum()
    out["n_action"] = action.groupby("m").size()
    # follow-ups in progress, by the parcours of the latest open orientation
    f = sit.loc[sit["p"], ["personne", "m"]].merge(
        o[["personne", "m_o", "close_m", "date_notification", "parcours"]], on="personne"
    )
    f = f[(f["m_o"] < f["m"]) & (f["close_m"].isna() | (f["close_m"] > f["m"]))]
    latest = (
        f.sort_values(["personne", "m", "date_notification", "parcours"])
        .drop_duplicates(["personne", "m"], keep="last")[["personne", "m", "parcours"]]
        .reset_index(drop=True)
    )
    for parcours in PARCOURS:
        out[f"suivis_parcours_{parcours}"] = latest[latest["parcours"] == parcours].groupby("m").size()
    out["n_followed"] = latest.groupby("m").size()
    # intensive: activity hours spread over days
    ms = _month_start(pd.Series(months, index=months))
    hours = []
    for m, start in ms.items():
        end = start + pd.DateOffset(months=1)
        a = activities[
            (activities["date_debut"] < end)
            & (activities["date_fin"] >= start)
            & (activities["date_fin"] >= activities["date_debut"])
        ]
        last_day = end - pd.Timedelta(days=1)
        overlap = (a["date_fin"].clip(upper=last_day) - a["date_debut"].clip(lower=start)).dt.days + 1
        total = (a["date_fin"] - a["date_debut"]).dt.days + 1
        h = (a["heures"] * overlap / total).groupby(a["personne"]).sum()
        days = (end - start).days
        intensive = h[h * 7 >= 15 * days].index
        hours.append((m, latest[(latest["m"] == m) & latest["personne"].isin(intensive)].shape[0]))
    out["accompagnement_intensif"] = pd.Series(dict(hours))
    # cohort of new entrants: employment and progress within six months
    cohort = entrants[["personne", "m"]].copy()
    cohort["ms"] = _month_start(cohort["m"])
    cohort["until"] = cohort["ms"] + pd.DateOffset(months=6)
    jobs = tables["emplois"].to_pandas()
    jobs["date_debut"] = pd.to_datetime(jobs["date_debut"])
    cj = cohort.merge(jobs, on="personne")
    cj = cj[(cj["date_debut"] >= cj["ms"]) & (cj["date_debut"] < cj["until"])]
    cj["durable"] = cj["type_contrat"].isin(["cdi", "creation_entreprise"]) | (
        cj["type_contrat"].isin(["cdd", "ctt", "alternance"]) & (cj["duree_mois"] >= 6)
    )
    cj["short"] = cj["type_contrat"].isin(["cdd", "ctt", "iae", "contrat_aide"]) & (
        cj["duree_mois"].isna() | (cj["duree_mois"] < 6)
    )
    per = cj.groupby(["personne", "m"]).agg(durable=("durable", "max"), short=("short", "max")).reset_index()
    out["retours_emploi_6_mois"] = per.groupby("m").size()
    out["retours_emploi_durable_6_mois"] = per[per["durable"]].groupby("m").size()
    for t in TYPES_CONTRAT_EMPLOI:
        out[f"retours_emploi_6_mois_{t}"] = (
            cj[cj["type_contrat"] == t][["personne", "m"]].drop_duplicates().groupby("m").size()
        )
    ca = cohort.merge(activities, on="personne")
    ca = ca[
        (ca["date_debut"] >= ca["ms"])
        & (ca["date_debut"] < ca["until"])
        & ca["categorie"].isin(["immersion", "formation"])
    ]
    diagnostics = tables["diagnostics"].to_pandas()
    diagnostics["date"] = pd.to_datetime(diagnostics["date"])
    diagnostics["n"] = diagnostics["freins"].fillna("").map(lambda s: len(s.split("|")) if s else 0)
    cd = cohort.merge(diagnostics, on="personne").merge(diagnostics, on="personne", suffixes=("", "_earlier"))
    cd = cd[
        (cd["date"] >= cd["ms"])
        & (cd["date"] < cd["until"])
        & (cd["date_earlier"] < cd["date"])
        & (cd["n_earlier"] > cd["n"])
    ]
    progress = pd.concat(
        [per[per["short"]][["personne", "m"]], ca[["personne", "m"]], cd[["personne", "m"]]]
    ).drop_duplicates()
    out["progression_employabilite_6_mois"] = progress.groupby("m").size()
    satisfaction = tables["satisfaction"].to_pandas()
    satisfaction["m"] = _mi(satisfaction["date"])
    for who, label in (("personne", "persons"), ("professionnel", "professionals")):
        s = satisfaction[satisfaction["repondant"] == who]
        out[f"n_{label}"] = s.groupby("m").size()
        out[f"satisfied_{label}"] = s[s["satisfait"]].groupby("m").size()
    return out


def disagreements(runner, tables: dict) -> list[tuple]:
    """The cells where the engine's volet 2 and volet 3 rows (computed by `runner` on `tables`) differ from
    this reference: (definition, month index, column, engine's value, reference's value)."""
    from indicators.engine import volet2 as volet2_definition
    from indicators.engine import volet3 as volet3_definition
    from indicators.engine.tables import delivery_bounds

    first_m, last_m = delivery_bounds(runner)
    prepared = prepare(tables)
    volet3_rows = volet3_definition.rows(runner, first_m, last_m - first_m + 1)
    found = []
    for definition, reference, rows in (
        (volet2_definition, volet2(prepared), runner.query(volet2_definition.SQL)),
        (volet3_definition, volet3(prepared, tables), [{"m": m, **row} for m, row in volet3_rows.items()]),
    ):
        for row in rows:
            for column, value in row.items():
                if column == "m":
                    continue
                expected = reference.loc[row["m"], column] if row["m"] in reference.index else None
                if not _same(value, expected):
                    found.append((definition.VERSION, row["m"], column, value, expected))
    return found


def _same(value, reference) -> bool:
    if isinstance(reference, float) and math.isnan(reference):
        reference = None
    return (value or 0) == (reference or 0) or abs((value or 0) - (reference or 0)) < 1e-9
