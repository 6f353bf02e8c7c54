"""The annexes of the convention, in the model's order (annexe 7's list): 1 the fiches action, 1 bis the
feuille de route, 2 the financing plan in the instruction's table; 3, 4 and 5, which are model text too (the
bilan template, the indicators, the cooperation with France Travail), read from the instruction shipped in
`model/`. Each is a list of `document.Block`.
"""

import re
from decimal import Decimal
from functools import cache

from config.formats import format_decimal, format_euros, format_integer, format_long_date, format_percent
from conventions.document import ANNEX_TITLES, BLANK, MODEL_DIR, Block, has_volet3
from conventions.volets import Volet

INSTRUCTION = MODEL_DIR / "instruction-2023-192.txt"


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
    return [(label, BLANK if value is None else format_integer(value)) for label, value in labels]


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


def financing_plan(convention, plan_lines, ceilings: dict, tranches=None, advance_rate=None) -> list[Block]:
    """Annexe 2: the instruction's table for each volet, its sections and totals, and the ceiling; for a multi-year
    convention, then its annual tranches (`annual_tranches`)."""
    from funding.structure import SECTIONS, counted, nature_label

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
                objet = dict(section.subsections).get(line.subsection, "")
                result.append(Block("row", cells=plan_cells(line, nature_label(line.nature), objet)))
            total = sum((line.state_amount + line.collectivity_amount for line in in_section), Decimal(0))
            result.append(Block("row", cells=("Total", *[""] * 5, format_euros(total), "")))
        state = sum((line.state_amount for line in lines if counted(line.volet, line.section)), Decimal(0))
        council = sum((line.collectivity_amount for line in lines if counted(line.volet, line.section)), Decimal(0))
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
                f"Dont financement de l'État : {format_euros(state)} ; "
                f"dont Conseil départemental : {format_euros(council)}.",
            ),
        ]
    return result + annual_tranches(tranches or {}, advance_rate)


def annual_tranches(tranches, advance_rate) -> list[Block]:
    """A multi-year convention's amounts split between its years, volet by volet (R-FIN-01 per year): what each
    year's advance is computed on (R-FIN-07), signed with the rest. Nothing for a convention of one year."""
    if len(tranches) < 2:
        return []
    rows = [
        Block(
            "row",
            cells=(
                str(year),
                *(format_euros(amounts.get(volet, Decimal(0))) for volet in Volet),
                format_euros(sum(amounts.values(), Decimal(0))),
            ),
        )
        for year, amounts in tranches.items()
    ]
    return [
        Block("subarticle", "Tranches annuelles"),
        Block(
            "paragraph",
            "Le montant de chaque volet est réparti entre les années de la convention ; l'avance de chaque année est "
            f"{format_percent(advance_rate)} de sa tranche, versée à la signature pour la première année, à partir du "
            "1er janvier pour les suivantes.",
        ),
        Block("header", cells=("Année", *(f"Volet {volet}" for volet in Volet), "Total")),
        *rows,
    ]


def plan_cells(line, nature_label: str, objet: str) -> tuple[str, ...]:
    """A line as the instruction's columns: its rubrique is the row above; the objet is the pre-printed row it
    fills; the précisions say what it is, with its nature (which decides its eligibility)."""
    existing = f"{format_decimal(line.existing_fte)} ETP ; {format_euros(line.existing_amount)}"
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
        f"{format_decimal(line.delta_fte)} ETP",
        format_euros(line.state_amount + line.collectivity_amount),
        other,
    )


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
