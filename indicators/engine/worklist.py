"""Orientation work list: new entrants of a month not yet oriented (R-IND-02 in practice)."""

from indicators.engine.follow_ups import FOLLOW_UPS

VERSION = "a-orienter-v1"


def sql(month_index: int) -> str:
    return f"""
WITH {FOLLOW_UPS}
SELECT personne, t0, date_ouverture_droit
FROM entrant_orientation
WHERE m = {int(month_index)} AND date_notification IS NULL
"""
