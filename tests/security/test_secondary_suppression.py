"""Finding 2 of the security audit: « T0 inconnu » showed « < 11 » while the new entrants, the oriented in
15 days and the rounded share stayed visible, so the masked count was recovered exactly. Masking is decided in
one place (steering.secrecy) with secondary suppression: no masked value may be derivable from what stays
visible, checked here on random tables with exact linear algebra."""

from hypothesis import given, settings
from hypothesis import strategies as st

from steering.dashboards import shared_volet2_row
from steering.secrecy import SMALL, Relation, Table, determined, suppress


def test_a_small_t0_unknown_hides_the_shares_that_would_reveal_it():
    row = {"nouveaux_entrants": 140, "t0_inconnu": 7, "orientes_15_jours": 95, "orientes_1_mois": 120,
           "orientations_accompagnement_global": 30, "absents_rdv_orientation": 12,
           "part_orientes_15_jours": 71.4, "part_orientes_1_mois": 90.2}  # fmt: skip
    shown = shared_volet2_row(row)
    assert shown["t0_inconnu"] == "< 11"
    assert (shown["part_orientes_15_jours"], shown["part_orientes_1_mois"]) == (None, None)
    assert (shown["nouveaux_entrants"], shown["orientes_15_jours"]) == (140, 95)


def test_a_total_with_one_small_part_masks_a_second_part():
    table = Table(
        {"total": 60, "france_travail": 40, "ccas": 3, "mission_locale": 17},
        relations=(Relation("total", ("france_travail", "ccas", "mission_locale")),),
    )
    assert suppress(table) == {"ccas", "mission_locale"}


def test_a_count_of_eleven_is_shown_and_ten_is_masked():
    """Primary suppression: a count below 11 is masked, 11 itself is shown."""
    assert suppress(Table({"ccas": 10, "mission_locale": 11, "france_travail": 0})) == {"ccas", "france_travail"}


def test_the_second_cell_masked_is_one_that_hides_the_first():
    """A small count within a subtotal: masking its sibling in the subtotal hides it; masking the cell beside the
    subtotal would not (the subtotal and its other part would still give it away), so that cell stays visible."""
    table = Table(
        {"total": 38, "orientes": 23, "orientes_cd": 3, "orientes_ft": 20, "non_orientes": 15},
        relations=(
            Relation("orientes", ("orientes_cd", "orientes_ft")),
            Relation("total", ("orientes", "non_orientes")),
        ),
    )
    assert suppress(table) == {"orientes_cd", "orientes_ft"}


def test_a_small_count_in_two_totals_masks_one_neighbour_in_each():
    """No single cell hides a small count that two totals give away: the cells masked next are its neighbours in
    those totals, never the small counts of an unrelated total."""
    table = Table(
        {"cd": 3, "ft": 20, "orientes_m1": 23, "ml": 30, "orientes_m2": 33, "ccas": 12, "plie": 13, "autres": 25},
        relations=(
            Relation("orientes_m1", ("cd", "ft")),
            Relation("orientes_m2", ("cd", "ml")),
            Relation("autres", ("ccas", "plie")),
        ),
    )
    assert suppress(table) == {"cd", "ft", "ml"}


@st.composite
def tables(draw):
    """Counts with a random hierarchy of totals (each total the sum of some cells, totals of totals too)."""
    counts = {f"c{i}": draw(st.integers(0, 60)) for i in range(draw(st.integers(2, 9)))}
    relations = []
    for j in range(draw(st.integers(0, 4))):
        parts = tuple(draw(st.lists(st.sampled_from(sorted(counts)), min_size=2, max_size=4, unique=True)))
        total = f"t{j}"
        counts[total] = sum(counts[part] for part in parts)
        relations.append(Relation(total, parts))
    return Table(counts, tuple(relations))


@settings(max_examples=150, deadline=None)
@given(tables())
def test_no_masked_count_can_be_recomputed_from_the_visible_ones(table):
    hidden = suppress(table)
    assert {name for name, value in table.counts.items() if value < SMALL} <= hidden
    assert determined(hidden, table.relations) == set()


@settings(max_examples=100, deadline=None)
@given(tables())
def test_the_derivability_check_finds_a_lone_masked_part(table):
    """The check itself can fail: one masked cell alone in a relation is always found recomputable."""
    for relation in table.relations:
        assert determined({relation.parts[0]}, (relation,)) == {relation.parts[0]}
