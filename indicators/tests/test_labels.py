"""Every code the pages show has its French label."""

from indicators import labels
from indicators.engine import schema, volet3


def test_every_volet3_column_and_code_has_a_label():
    assert set(volet3.COLUMNS[1:]) == set(labels.VOLET3)
    assert set(schema.TYPES_ORGANISME) == set(labels.ORGANISMS)
    assert set(schema.PARCOURS) == set(labels.PATHWAYS)
    assert set(schema.TYPES_CONTRAT_EMPLOI) == set(labels.EMPLOYMENT_CONTRACTS)
    assert all("_" not in label for label in labels.VOLET3.values())
