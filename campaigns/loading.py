"""The campaigns of the reference data (campaigns/data/campagnes.json: the 2024 campaign of instruction
DGEFP/DPE/2023/192), loaded idempotently by the migration, `manage.py load_reference` and the tests. Later
campaigns are created by the DGEFP from the pages, not here."""

import hashlib
import json
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "campagnes.json"
MODEL_DIR = Path(__file__).resolve().parent.parent / "conventions" / "model"


def reference_campaigns() -> list[dict]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def shipped_text(source_file: str) -> str:
    return (MODEL_DIR / source_file).read_text(encoding="utf-8")


def load_reference_campaigns(campaign_model=None, text_model=None) -> int:
    """Create the reference campaigns that do not exist yet (by first year); an existing one is left as the
    DGEFP may have completed it. The models may be a migration's historical ones. Returns the number created."""
    if campaign_model is None:
        from campaigns.models import Campaign as campaign_model
        from campaigns.models import ModelText as text_model
    created = 0
    for entry in reference_campaigns():
        if campaign_model.objects.filter(first_year=entry["first_year"]).exists():
            continue
        source = entry["model_text"]["source_file"]
        text, _ = text_model.objects.get_or_create(
            name=entry["model_text"]["name"],
            defaults={
                "source_file": source,
                "sha256": hashlib.sha256(shipped_text(source).encode("utf-8")).hexdigest(),
            },
        )
        values = dict(
            name=entry["name"],
            instruction=entry["instruction"],
            first_year=entry["first_year"],
            last_year=entry["last_year"],
            announced_envelope=Decimal(entry["announced_envelope"]),
            advance_rate=Decimal(entry["advance_rate"]),
            volet2_collectivity_share=Decimal(entry["volet2_collectivity_share"]),
            finalisation_month=entry["finalisation"][0],
            finalisation_day=entry["finalisation"][1],
            signature_month=entry["signature"][0],
            signature_day=entry["signature"][1],
            report_months=entry["report_months"],
            finance_laws=entry["finance_laws"],
            indicator_tables=entry["indicator_tables"],
            ineligible_natures=entry["ineligible_natures"],
            intensive_pathways_target=entry["intensive_pathways_target"],
            model_text=text,
        )
        # a migration's historical model has only the fields of its time
        fields = {field.name for field in campaign_model._meta.get_fields()}
        campaign_model.objects.create(**{name: value for name, value in values.items() if name in fields})
        created += 1
    return created
