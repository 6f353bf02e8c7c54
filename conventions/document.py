"""The convention as annexe 7 of the instruction writes it (R-CONV-07), filled from the data, with its annexes.

The fixed wording lives in `model/annexe7.txt`, the model word for word with only the fields it marks
(« *[…]* ») replaced by template variables; `tests/test_model_text.py` compares the generated files with the
instruction itself. The annexes that are model text too (the bilan template of annexe 3, the indicators of
annexe 4, the cooperation of annexe 5) are read from the instruction shipped in `model/`.

`blocks()` builds the content once as typed blocks; the Word (python-docx) and PDF (WeasyPrint) renderings
only lay them out. Each file's SHA-256 is kept with the version it renders.
"""

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from itertools import groupby
from pathlib import Path

from django.template import Context, Template
from django.template.loader import render_to_string

from config.formats import format_euros, format_long_date
from conventions.amounts import amount_in_figures_and_words
from conventions.models import DeliberationBody
from conventions.volets import Volet

MODEL_DIR = Path(__file__).resolve().parent / "model"
INSTRUCTION = MODEL_DIR / "instruction-2023-192.txt"
BLANK = "[à compléter]"
# The loi de finances each campaign's visa cites (« Vu la loi n° … du … de finances pour 2024 »).
FINANCE_LAWS = {2024: "n° 2023-1322 du 29 décembre 2023", 2025: "n° 2025-127 du 14 février 2025"}
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
    """The whole document: annexe 7's text, the list of annexes, then the annexes in the model's order."""
    return [
        *model_text(convention, version_number),
        *annex_list(convention),
        *action_plan(action_sheets),
        *(roadmap_annex(roadmap) if has_volet3(convention) else ()),
        *financing_plan(convention, plan_lines, ceilings or {}),
        *financial_report_template(convention),
        *indicators(convention, action_sheets),
        *instruction_excerpt(ANNEX_TITLES[5][1], None, annex=True),
    ]


def has_volet3(convention) -> bool:
    return bool(convention.amount_volet3) or volet3_selection(convention) is not None


def volet3_selection(convention):
    return convention.collectivity.volet3_selections.filter(year=convention.year).first()


def model_text(convention, version_number: int = 0) -> list[Block]:
    """Annexe 7 word for word, its fields filled from the convention."""
    template = Template((MODEL_DIR / "annexe7.txt").read_text(encoding="utf-8"))
    text = template.render(Context(model_fields(convention, version_number), autoescape=False))
    return [parse_line(line) for line in text.splitlines() if line.strip()]


# The convention's own fields that annexe 7 prints as they are.
FILLED_FIELDS = (
    "programme", "budget_action", "budget_sub_action", "budget_activity", "goods_group", "prefect_name",
    "president_name", "regional_prefect_name", "account_holder", "bank_code", "branch_code", "account_number",
    "rib_key", "bic", "authorising_officer", "assigning_accountant", "financial_centre", "functional_domain",
    "chorus_third_party",
)  # fmt: skip


def model_fields(c, version_number: int) -> dict:
    """The values of the fields annexe 7 marks, « [à compléter] » where the convention does not have them yet."""
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
        "finance_law": FINANCE_LAWS.get(c.year, "n° ... du ..."),
        "standing_committee": c.deliberation_body == DeliberationBody.STANDING_COMMITTEE,
        "deliberation_date": format_long_date(c.deliberation_date) or BLANK,
        "start": format_long_date(c.start_date),
        "end": format_long_date(c.end_date),
        "place": c.signing_place or "...",
        "signed_on": format_long_date(signing_date(c)) or "...",
    }


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


def action_plan(action_sheets) -> list[Block]:
    """Annexe 1: one fiche action per action of volet 2, under the model's headings."""
    result = [Block("annex", ANNEX_TITLES[0][1])]
    for sheet in action_sheets:
        lines = list(sheet.budget_lines.all())
        result += [
            Block("subarticle", f"Action {sheet.number}"),
            Block("paragraph", f"Intitulé de l'action : {sheet.title}"),
            Block("paragraph", f"Contexte / État du préexistant : {sheet.context}"),
            Block("paragraph", f"Enjeux identifiés et objectifs visés par l'action : {sheet.objectives}"),
            Block("paragraph", f"Description de l'action : {sheet.description}"),
            Block("paragraph", f"Date de mise en place de l'action : {format_long_date(sheet.start_date)}"),
            Block("paragraph", f"Durée de l'action : {sheet.duration_months} mois"),
            Block("paragraph", f"Partenaires et co-financeurs : {partners(sheet)}"),
            Block("paragraph", "Budget détaillé :"),
            Block(
                "header",
                cells=("Poste de dépenses", "Montant apporté par l'État", "Montant apporté par la collectivité"),
            ),
            *(
                Block("row", cells=(line.item, format_euros(line.state_amount), format_euros(line.collectivity_amount)))
                for line in lines
            ),
            Block(
                "row",
                cells=(
                    "Total",
                    format_euros(sum((line.state_amount for line in lines), Decimal(0))),
                    format_euros(sum((line.collectivity_amount for line in lines), Decimal(0))),
                ),
            ),
            Block("paragraph", f"Calendrier prévisionnel : {sheet.schedule or BLANK}"),
            Block(
                "paragraph",
                "Indicateurs de suivi et de pilotage de l'action (le cas échéant à compléter par les porteurs) :",
            ),
            Block("header", cells=("Indicateur", "Cible")),
            *(Block("row", cells=(label, target)) for label, target in action_targets(sheet)),
        ]
    if len(result) == 1:
        result.append(Block("paragraph", "Aucune fiche action n'est encore saisie."))
    return result


def partners(sheet) -> str:
    parts = [
        f"partenaires : {sheet.partners}" if sheet.partners else "",
        f"co-financeurs : {sheet.co_financers}" if sheet.co_financers else "",
    ]
    return " ; ".join(p for p in parts if p) or BLANK


def action_targets(sheet) -> list[tuple[str, str]]:
    year = sheet.start_date.year
    labels = (
        (f"Nombre de nouveaux entrants {year}", sheet.target_new_entrants),
        (f"Nombre de nouveaux entrants orientés en 15 jours et moins en {year}", sheet.target_oriented_15_days),
        (f"Nombre de nouveaux entrants concernés par l'action en {year}", sheet.target_new_entrants_concerned),
        (
            "Nombre d'allocataires (nouveaux entrants + ARSA avec antériorité dans le dispositif) concernés par "
            f"l'action en {year}",
            sheet.target_beneficiaries_concerned,
        ),
    )
    return [(label, BLANK if value is None else f"{value:n}".replace(",", "\u00a0")) for label, value in labels]


def roadmap_annex(roadmap) -> list[Block]:
    """Annexe 1 bis: the feuille de route of volet 3, axis by axis."""
    result = [
        Block("annex", ANNEX_TITLES[1][1]),
        Block("paragraph", "Document sous format PowerPoint transmis en parallèle par les services de la DGEFP."),
        Block("header", cells=("Axe", "Engagements et actions", "Jalons")),
    ]
    result += [Block("row", cells=(item.get_axis_display(), item.commitments, item.milestones)) for item in roadmap]
    if len(result) == 3:
        result[-1] = Block("paragraph", "La feuille de route n'est pas encore saisie.")
    return result


PLAN_HEADER = (
    "Nature de dépenses",
    "Objet de la dépense",
    "Précisions sur l'action / objet",
    "Ressources existantes (ETP et volumes financiers)",
    "Cible (besoins en ETP et volumes financiers)",
    "Delta entre la cible et l'existant (en ETP et volumes financiers)",
    "Montant delta (en volume financier compte tenu d'une montée en charge progressive)",
    "Si source(s) de financement complémentaire identifiée(s) préciser (pilotes, redéploiement interne, FSE ...)",
)


def financing_plan(convention, plan_lines, ceilings: dict) -> list[Block]:
    """Annexe 2: the instruction's table for each volet, its sections and totals, and the ceiling."""
    from funding.structure import NATURE_BY_CODE, SECTIONS

    period = f"Période du {convention.start_date:%d/%m/%y} au {convention.end_date:%d/%m/%y}"
    result = [Block("annex", ANNEX_TITLES[2][1])]
    for volet in Volet:
        if volet == Volet.TERRITORIAL_DEPLOYMENT and not has_volet3(convention):
            continue
        lines = [line for line in plan_lines if line.volet == volet]
        ceiling = ceilings.get(volet)
        result += [
            Block("subarticle", f"Volet {volet}"),
            Block("label", f"Construction du plan de financement - VOLET {volet} - {period}"),
            Block("label", f"PLAFOND DEPARTEMENT : {format_euros(ceiling) if ceiling is not None else BLANK}"),
            Block("header", cells=PLAN_HEADER),
        ]
        for section in SECTIONS[volet]:
            in_section = [line for line in lines if line.section == section.code]
            result.append(Block("row", cells=(section.label, *[""] * 7)))
            for line in in_section:
                nature = NATURE_BY_CODE.get(line.nature)
                objet = dict(section.subsections).get(line.subsection, "")
                result.append(Block("row", cells=plan_cells(line, nature.label if nature else line.nature, objet)))
            total = sum((line.state_amount + line.collectivity_amount for line in in_section), Decimal(0))
            result.append(Block("row", cells=("Total", *[""] * 5, format_euros(total), "")))
        state = sum((line.state_amount for line in lines if not line_information_only(line)), Decimal(0))
        council = sum((line.collectivity_amount for line in lines if not line_information_only(line)), Decimal(0))
        result += [
            Block(
                "row",
                cells=(
                    f"TOTAL BESOINS DEPARTEMENTAUX AU TITRE DU VOLET {volet} :",
                    *[""] * 5,
                    format_euros(state + council),
                    "",
                ),
            ),
            Block(
                "paragraph",
                f"Dont financement de l'État : {format_euros(state)} ; dont Conseil départemental : {format_euros(council)}.",
            ),
        ]
    return result


def line_information_only(line) -> bool:
    from funding.structure import section

    try:
        return section(line.volet, line.section).information_only
    except KeyError:
        return False


def plan_cells(line, nature_label: str, objet: str) -> tuple[str, ...]:
    """A line as the instruction's columns: its rubrique is the row above; the objet is the pre-printed row it
    fills; the précisions say what it is, with its nature (which decides its eligibility)."""
    existing = f"{format_fte(line.existing_fte)} ETP ; {format_euros(line.existing_amount)}"
    other = line.other_funding_source
    if line.other_funding_amount:
        other = f"{other} ({format_euros(line.other_funding_amount)})".strip()
    details = f" – {line.details}" if line.details else ""
    return (
        "",
        objet,
        f"{line.purpose}{details} ({nature_label})",
        existing,
        line.target,
        f"{format_fte(line.delta_fte)} ETP",
        format_euros(line.state_amount + line.collectivity_amount),
        other,
    )


def format_fte(value) -> str:
    return f"{Decimal(value):.2f}".replace(".", ",")


def financial_report_template(convention) -> list[Block]:
    """Annexe 3: the instruction's bilan template for the volets of the convention."""
    result = [Block("annex", ANNEX_TITLES[3][1])]
    volets = ["Volet 1", "Volet 2"] + (["Volet 3"] if has_volet3(convention) else [])
    for number, name in enumerate(volets, 1):
        following = f"Volet {number + 1}" if number < 3 else None
        result += instruction_excerpt(name, following, within=ANNEX_TITLES[3][1], stop=ANNEX_TITLES[4][1])
    return result


def indicators(convention, action_sheets) -> list[Block]:
    """Annexe 4: the indicators of each volet the convention commits to, and the targets of its fiches action."""
    result = [Block("annex", ANNEX_TITLES[4][1])]
    result += instruction_excerpt("1. Volet 1", "2. Volet 2", within=ANNEX_TITLES[4][1], heading=True)
    result += instruction_excerpt("2. Volet 2", "3. Volet 3", within=ANNEX_TITLES[4][1], heading=True)
    if has_volet3(convention):
        result += instruction_excerpt("3. Volet 3", "4. Paramétrage", within=ANNEX_TITLES[4][1], heading=True)
    sheets = list(action_sheets)
    if sheets:
        result += [
            Block("subarticle", "Cibles des fiches action"),
            Block("header", cells=("Action", "Indicateur", "Cible")),
        ]
        for sheet in sheets:
            result += [
                Block("row", cells=(f"Action {sheet.number}", label, target)) for label, target in action_targets(sheet)
            ]
    return result


@cache
def instruction_lines() -> tuple[str, ...]:
    return tuple(INSTRUCTION.read_text(encoding="utf-8").splitlines())


def instruction_excerpt(
    start: str, end: str | None, within: str | None = None, stop: str | None = None, annex=False, heading=False
):
    """The instruction's lines from `start` (excluded unless a heading) up to `end`, as blocks.

    within: the title of the annexe to search in (its last occurrence: annexe 7's own annexes come last).
    """
    lines = instruction_lines()
    first = max(i for i, line in enumerate(lines) if line.strip() == within) if within else 0
    begin = next(i for i in range(first, len(lines)) if lines[i].strip() == start or lines[i].startswith(start))
    finish = len(lines)
    for marker in (end, stop):
        if marker:
            finish = min(
                finish, next((i for i in range(begin + 1, len(lines)) if lines[i].startswith(marker)), len(lines))
            )
    result = [Block("annex" if annex else "subarticle", lines[begin].strip() if heading else start)]
    for line in lines[begin + 1 : finish]:
        result += excerpt_blocks(line)
    return result


def excerpt_blocks(line: str) -> list[Block]:
    """A line of the instruction's text: its list and table markup turned into blocks."""
    if not line.strip() or line.strip() == ".":
        return []
    text = re.sub(r"\^\{(\w+)\}", r"\1", line).replace("*", "")
    if "\t" in text:
        cells = [clean_markup(cell) for cell in text.split("\t")]
        return [Block("row", cells=tuple(cells))]
    if text.startswith(" - "):
        return [Block("subitem", clean_markup(text[3:]))]
    if text.startswith("- "):
        return [Block("item", clean_markup(text[2:]))]
    if re.match(r"^\d+( -|\.\d+ | –)", text):
        return [Block("subarticle", clean_markup(text))]
    return [Block("paragraph", clean_markup(text))]


def clean_markup(text: str) -> str:
    """The HTML lists and italics of the instruction's table cells, as plain text."""
    text = re.sub(r"</?(i|ul[^>]*)>", "", text)
    text = re.sub(r"<li>•?\s*", " • ", text).replace("</li>", "")
    return " ".join(text.split()).strip(" •") if "<" not in text else re.sub(r"<[^>]+>", "", text).strip()


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
