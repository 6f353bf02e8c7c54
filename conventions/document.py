"""The convention as annexe 7 of the instruction writes it (R-CONV-07), filled from the data, with its annexes.

The fixed wording lives in `model/annexe7.txt`, the model word for word with only the fields it marks
(« *[…]* ») replaced by template variables; `tests/test_model_text.py` compares the generated files with the
instruction itself. The annexes are built by `conventions.annexes`.

`blocks()` builds the content once as typed blocks; the Word (python-docx) and PDF (WeasyPrint) renderings
only lay them out. Each file's SHA-256 is kept with the version it renders.
"""

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from pathlib import Path

from django.template import Context, Template
from django.template.loader import render_to_string

from config.formats import format_euros, format_long_date
from conventions.amounts import amount_in_figures_and_words
from conventions.models import DeliberationBody

MODEL_DIR = Path(__file__).resolve().parent / "model"
BLANK = "[à compléter]"
ANNEX_TITLES = (
    ("1", "ANNEXE 1 - Plan d'action : Fiche action (volet 2)"),
    ("1 bis", "ANNEXE 1 bis - Plan d'action : Feuille de route (volet 3)"),
    ("2", "ANNEXE 2 - Plan de financement"),
    ("3", "ANNEXE 3 - Trame de bilan financier"),
    ("4", "ANNEXE 4 - Indicateurs de pilotage"),
    ("5", "ANNEXE 5 - Coopération opérationnelle entre France Travail et le Conseil départemental"),
)


@dataclass(frozen=True)
class Block:
    """One paragraph, heading or table row of the document.

    kind: title, article, subarticle, paragraph, item, subitem, row, header (a table's heading row), logo,
    imputation, bank, signature (cells: role, territory, name), annex (an annexe's title, on a new page), label.
    """

    kind: str
    text: str = ""
    cells: tuple[str, ...] = ()


TABLE_KINDS = {"row", "header"}
PREFIXES = (
    ("### ", "subarticle"),
    ("## ", "article"),
    ("# ", "title"),
    ("-- ", "subitem"),
    ("- ", "item"),
    ("[logo] ", "logo"),
    ("[imputation] ", "imputation"),
    ("[bank] ", "bank"),
)


def blocks(convention, action_sheets=(), version_number: int = 0, plan_lines=(), roadmap=(), ceilings=None):
    """The whole document: annexe 7's text, the list of annexes, then the annexes in the model's order; the annual
    tranches of a multi-year convention read once, for the model and for annexe 2."""
    from campaigns.lookup import campaign_of
    from conventions.annexes import (
        action_plan,
        financial_report_template,
        financing_plan,
        indicators,
        instruction_excerpt,
        roadmap_annex,
    )
    from funding.tranches import tranches_of

    campaign = campaign_of(convention)
    tranches = tranches_of(convention, campaign)
    return [
        *model_text(convention, version_number, campaign, tranches),
        *annex_list(convention),
        *action_plan(action_sheets),
        *(roadmap_annex(roadmap) if has_volet3(convention) else ()),
        *financing_plan(convention, plan_lines, ceilings or {}, tranches, campaign.advance_rate),
        *financial_report_template(convention),
        *indicators(convention, action_sheets),
        *instruction_excerpt(ANNEX_TITLES[5][1], None, annex=True),
    ]


def has_volet3(convention) -> bool:
    return bool(convention.amount_volet3) or volet3_selection(convention) is not None


def volet3_selection(convention):
    return convention.collectivity.volet3_selections.filter(year=convention.year).first()


def model_text(convention, version_number: int = 0, campaign=None, tranches=None) -> list[Block]:
    """The model of the convention's campaign word for word (2024: annexe 7), its fields filled from the
    convention; `campaign` and `tranches` when the caller has read them (read here otherwise)."""
    from campaigns.lookup import campaign_of
    from campaigns.model_texts import content

    campaign = campaign or campaign_of(convention)
    template = Template(content(campaign.model_text))
    fields = model_fields(convention, version_number, campaign, tranches)
    text = template.render(Context(fields, autoescape=False))
    return [parse_line(line) for line in text.splitlines() if line.strip()]


# The convention's own fields that annexe 7 prints as they are.
FILLED_FIELDS = (
    "programme", "budget_action", "budget_sub_action", "budget_activity", "goods_group", "prefect_name",
    "president_name", "regional_prefect_name", "account_holder", "bank_code", "branch_code", "account_number",
    "rib_key", "bic", "authorising_officer", "assigning_accountant", "financial_centre", "functional_domain",
    "chorus_third_party",
)  # fmt: skip


def model_fields(c, version_number: int, campaign, tranches=None) -> dict:
    """The values of the fields the model marks, « [à compléter] » where the convention does not have them yet
    (`MODEL_FIELDS` names them for the check of an uploaded model); `tranches`: the convention's annual tranches
    when already read."""
    selection = volet3_selection(c)
    number = c.number if version_number == 0 else f"{c.number} (version consolidée, avenant n° {version_number})"
    fields = {name: getattr(c, name) or BLANK for name in FILLED_FIELDS}
    fields["iban"] = " ".join(re.findall(".{1,4}", c.iban)) if c.iban else BLANK
    return {
        "f": fields,
        "year": c.year,
        "number": number,
        "total": amount_in_figures_and_words(c.total_amount),
        "volet1": amount_in_figures_and_words(c.amount_volet1),
        "volet2": amount_in_figures_and_words(c.amount_volet2),
        "volet3": amount_in_figures_and_words(c.amount_volet3) if c.amount_volet3 else "",
        "volet3_pilot": selection is not None and selection.pilot_since_2023,
        "volet3_new": selection is not None and not selection.pilot_since_2023,
        "of_departement": c.collectivity.of_name,
        "of_region": c.collectivity.region.of_name,
        "court": c.collectivity.administrative_court,
        "finance_law": campaign.finance_law(c.year) or "n° ... du ...",
        "first_year": campaign.first_year,
        "last_year": campaign.last_year,
        "tranches": tranches_text(c, campaign, tranches),
        "standing_committee": c.deliberation_body == DeliberationBody.STANDING_COMMITTEE,
        "deliberation_date": format_long_date(c.deliberation_date) or BLANK,
        "start": format_long_date(c.start_date),
        "end": format_long_date(c.end_date),
        "place": c.signing_place or "...",
        "signed_on": format_long_date(signing_date(c)) or "...",
    }


# The variables a model text may use: the fields above, and the convention's own (« f.<field> »).
MODEL_FIELDS = (
    "f", "year", "number", "total", "volet1", "volet2", "volet3", "volet3_pilot", "volet3_new", "of_departement",
    "of_region", "court", "finance_law", "first_year", "last_year", "tranches", "standing_committee",
    "deliberation_date", "start", "end", "place", "signed_on",
)  # fmt: skip


def tranches_text(c, campaign, tranches=None) -> str:
    """« 2025 : 180 000,00 € au titre du volet 1, 950 000,00 € au titre du volet 2 ; 2026 : … » for a multi-year
    convention, for a model that states its annual tranches; empty for a convention of one year."""
    from funding.tranches import tranches_of

    tranches = tranches_of(c, campaign) if tranches is None else tranches
    if len(tranches) < 2:
        return ""
    return " ; ".join(
        f"{year} : "
        + (
            ", ".join(
                f"{format_euros(amount)} au titre du volet {volet}" for volet, amount in amounts.items() if amount
            )
            or "aucun montant"
        )
        for year, amounts in tranches.items()
    )


def parse_line(line: str) -> Block:
    if line.startswith("| "):
        return Block("row", cells=tuple(cell.strip() for cell in line[2:].split(" | ")))
    if line.startswith("[signature] "):
        return Block("signature", cells=tuple(part.strip() for part in line[12:].split("//")))
    for prefix, kind in PREFIXES:
        if line.startswith(prefix):
            return Block(kind, line[len(prefix) :].strip())
    return Block("paragraph", line.strip())


def annex_list(convention) -> list[Block]:
    """The table of annexes, after the signatures: the annexes the convention carries, in order."""
    titles = [title for key, title in ANNEX_TITLES if key != "1 bis" or has_volet3(convention)]
    return [Block("article", "ANNEXES"), *(Block("item", title.replace("ANNEXE", "Annexe", 1)) for title in titles)]


# Rendering: consecutive table rows make one table; the masthead (logo, imputation) and the signatures are tables.
def parts(content: list[Block]):
    """Blocks grouped for layout: ("table", rows), ("masthead", blocks), ("bank", blocks), ("signatures", blocks),
    or ("block", [block])."""

    def group_of(block):
        if block.kind in TABLE_KINDS:
            return "table"
        if block.kind in ("logo", "imputation"):
            return "masthead"
        if block.kind in ("signature", "bank"):
            return block.kind + "s"
        return None

    result = []
    for key, members in groupby(content, key=group_of):
        members = list(members)
        if key is None:
            result += [("block", [member]) for member in members]
        else:
            result.append((key, members))
    return result


def render_pdf(convention, content: list[Block]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("conventions/document.html", {"convention": convention, "parts": parts(content)})
    return HTML(string=html).write_pdf()


def render_docx(convention, content: list[Block]) -> bytes:
    from conventions.word import word_document

    buffer = io.BytesIO()
    word_document(convention, parts(content)).save(buffer)
    return buffer.getvalue()


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def text_of(content: list[Block]) -> list[str]:
    """The document's text, one string a paragraph or table cell: what the golden test compares."""
    result = []
    for block in content:
        result += [block.text] if block.text else [cell for cell in block.cells if cell]
    return result


def signing_date(convention) -> date | None:
    signatures = [convention.prefect_signed_on, convention.president_signed_on, convention.regional_prefect_signed_on]
    return max(signatures) if all(signatures) else None
