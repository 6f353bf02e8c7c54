"""The per-person month masks (follow_ups.people_cte), gathered in one, two or four BIGINT aggregates
depending on the width of the delivery: each mask must come out the same whatever its neighbours."""

from datetime import date

import pytest

from indicators.engine import months
from indicators.engine.follow_ups import mask_words, prepare
from indicators.engine.runners import DuckDBRunner
from indicators.tests.builders import situations

# A cycle of the five states of a month: (etat_droit, soumis_droits_devoirs, inscrit_france_travail),
# None for a month without any row; and the masks each sets.
CYCLE = [
    (("versable", True, True), {"perimeter", "present", "registered"}),
    (("versable", True, False), {"perimeter", "present"}),
    (("suspendu", True, True), {"present", "suspended"}),
    (("versable", False, True), {"present"}),
    (("radie", True, True), set()),
    (None, set()),
]


def delivery(width: int, shift: int):
    """Person 1 goes through CYCLE from its `shift`-th state; person 2 is only there in the first
    and the last months, so that the delivery spans `width` months."""
    rows, expected = [], {"perimeter": 0, "present": 0, "suspended": 0, "registered": 0}
    for k in range(width):
        label = months.label(months.from_index(months.index(date(2020, 1, 1)) + k))
        state, masks = CYCLE[(k + shift) % len(CYCLE)]
        if state:
            etat, dd, france_travail = state
            rows.append((1, label, etat, dd, "2019-01-01", None, france_travail))
        for mask in masks:
            expected[mask] |= 1 << k
        if k in (0, width - 1):
            rows.append((2, label, "radie", False, "2019-01-01", None))
    return rows, expected


@pytest.mark.parametrize("width", [1, 2, 15, 16, 21, 22, 31, 32, 61, 62])
@pytest.mark.parametrize("shift", range(len(CYCLE)))
def test_each_mask_is_read_back_whatever_the_number_of_masks_per_aggregate(width, shift):
    rows, expected = delivery(width, shift)
    runner = DuckDBRunner({"situations_mensuelles": situations(*rows)})
    prepare(runner)
    masks = runner.query("SELECT perimeter, present, suspended, registered FROM people WHERE personne = 1")
    has_rows = any(row[0] == 1 for row in rows)
    assert masks == ([expected] if has_rows else [])


@pytest.mark.parametrize(("width", "aggregates"), [(1, 1), (15, 1), (16, 2), (21, 2), (31, 2), (32, 4), (62, 4)])
def test_masks_share_an_aggregate_while_they_fit_below_the_sign_bit(width, aggregates):
    words = mask_words(width)
    assert len(words) == aggregates
    assert all(len(word) * width <= 63 for word in words)
