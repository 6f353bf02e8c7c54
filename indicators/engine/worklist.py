"""Orientation work list: new entrants of a month not yet oriented (R-IND-02 in practice)."""

VERSION = "a-orienter-v1"


def sql(month_index: int) -> str:
    """Reads the shared stage entrant_orientation (follow_ups.prepare)."""
    return f"""
SELECT personne, t0, date_ouverture_droit
FROM entrant_orientation
WHERE m = {int(month_index)} AND date_notification IS NULL
"""
