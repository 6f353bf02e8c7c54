"""Freshness and quality of services with the score shipped by data-inclusion-schema (including the
decay of `date_maj`: 1 under six months, linear down to 0 at two years)."""

from data_inclusion.schema.v1 import Service
from data_inclusion.schema.v1.score_qualite import score


def quality(record: dict) -> float:
    return score(Service.model_validate(record))[0]


def mean_quality(records: list[dict]) -> float | None:
    if not records:
        return None
    return round(sum(quality(r) for r in records) / len(records), 2)
