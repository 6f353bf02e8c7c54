"""The financing plan (annexe 2) and the financial report (annexe 3) as the workbooks the instruction lays out:
its rows pre-printed with their labels, its sections and section totals as formulas, the period line, drop-down
lists for the natures, and a visible « Natures » sheet with their eligibility. Reading them back is
`funding.excel_import`.

Each sheet is a sequence of rows; the marker rows (headings, sub-headings, totals: their label in column A)
tell which section the rows below them belong to. Export and import share that sequence (`markers`), so a
user may insert rows inside a section: the import still knows where they belong.

The totals are formulas, with their values cached so that any reader shows them without recomputing.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from conventions.volets import Volet
from funding.structure import NATURES, REPORT_BLOCKS, SECTIONS, VOLET2_ONLY_RULES, headed, nature_label

TEMPLATE_VERSION = "2"
HEADER_ROW = 4
FIRST_ROW = 5
EURO_FORMAT = '#,##0.00 "€"'
HEADING_FILL = PatternFill("solid", fgColor="DDDDFF")
TOTAL_FILL = PatternFill("solid", fgColor="EEEEEE")
NATURES_SHEET = "Natures"


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    kind: str = "text"  # text, amount, quantity, nature, subsection, info (shown, not read), label (not read)


@dataclass(frozen=True)
class Marker:
    """A row whose column A names a heading, a sub-heading or a total; the rows after it belong to `section`."""

    label: str
    kind: str  # heading, subheading, total, heading_total, grand_total
    section: str | None = None


@dataclass(frozen=True)
class Layout:
    """One kind of workbook: the financing plan (annexe 2) or the financial report (annexe 3)."""

    marker: str
    title: str
    columns: tuple[Column, ...]
    # The columns that alone do not make a row a line (pre-printed labels, pre-filled natures).
    descriptive: frozenset[str]
    totalled: tuple[str, ...]
    required: frozenset[str] = frozenset()
    # Numbers left empty stay unknown (None) instead of zero.
    optional: frozenset[str] = frozenset()

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def index(self, name: str) -> int:
        return [column.field for column in self.columns].index(name) + 1

    def of_kind(self, *kinds: str) -> frozenset[str]:
        return frozenset(column.field for column in self.columns if column.kind in kinds)


PLAN = Layout(
    marker="plan-de-financement",
    title="Construction du plan de financement",
    columns=(
        Column("group", "Nature de dépenses", "label"),
        Column("subsection", "Objet de la dépense", "subsection"),
        Column("purpose", "Précisions sur l'action / objet"),
        Column("existing_fte", "Ressources existantes (ETP)", "quantity"),
        Column("existing_amount", "Ressources existantes (volumes financiers, €)", "amount"),
        Column("target", "Cible (besoins en ETP et volumes financiers)"),
        Column("delta_fte", "Delta entre la cible et l'existant (ETP)", "quantity"),
        Column(
            "delta_amount",
            "Montant delta (en volume financier compte tenu d'une montée en charge progressive, €)",
            "amount",
        ),
        Column(
            "other_funding_source",
            "Si source(s) de financement complémentaire identifiée(s) préciser (pilotes, redéploiement interne, "
            "FSE ...)",
        ),
        Column("other_funding_amount", "Montant des financements complémentaires (€)", "amount"),
        Column("nature", "Nature de la dépense (liste de la feuille « Natures »)", "nature"),
        Column("action_sheet", "N° fiche action", "sheet"),
        Column("state_amount", "Part État (€)", "amount"),
        Column("collectivity_amount", "Part Conseil départemental (€)", "amount"),
        Column("details", "Détails"),
    ),
    descriptive=frozenset({"group", "subsection", "nature"}),
    totalled=("existing_amount", "delta_amount", "other_funding_amount", "state_amount", "collectivity_amount"),
    required=frozenset({"purpose", "nature"}),
)
REPORT = Layout(
    marker="bilan-financier",
    title="Etat des dépenses contractualisation pour l'insertion et l'emploi",
    columns=(
        Column("purpose", "Nature de la dépense"),
        Column("unit", "Unité (si pertinent)"),
        Column("units", "Nombre d'unités", "quantity"),
        Column("unit_cost", "coût unitaire", "amount"),
        Column("period", "Date ou période"),
        Column("details", "Objet de la dépense"),
        Column("amount", "Montant", "amount"),
        Column("valuation", "Valorisation des moyens propres du Conseil départemental (€)", "amount"),
        Column("nature", "Catégorie de dépense (liste de la feuille « Natures »)", "nature"),
        Column("planned", "Montant prévu au plan signé (pour information)", "info"),
    ),
    descriptive=frozenset({"purpose", "nature", "planned"}),
    totalled=("amount", "valuation"),
    required=frozenset({"purpose", "nature", "amount"}),
    optional=frozenset({"units", "unit_cost", "valuation"}),
)


def grand_total_label(layout: Layout, volet: int) -> str:
    if layout is PLAN:
        return f"TOTAL BESOINS DEPARTEMENTAUX AU TITRE DU VOLET {volet} :"
    return f"TOTAL DEPENSES AU TITRE DU VOLET {volet}"


def markers(layout: Layout, volet: int) -> list[Marker]:
    """The marker rows of a volet's sheet, in order, each with the section of the rows that follow it."""
    result = []
    if layout is PLAN:
        for heading, sections in headed(volet):
            result.append(Marker(heading.label, "heading", sections[0].code))
            for index, current in enumerate(sections):
                following = sections[index + 1].code if index + 1 < len(sections) else None
                result.append(Marker(current.total_label, "total", following))
            if heading.total_label:
                result.append(Marker(heading.total_label, "heading_total"))
    else:
        for block in REPORT_BLOCKS[volet]:
            first = block.parts[0]
            result.append(Marker(block.heading, "heading", None if first.subheading else first.section))
            result += [Marker(part.subheading, "subheading", part.section) for part in block.parts if part.subheading]
            result.append(Marker(block.total_label, "total"))
    result.append(Marker(grand_total_label(layout, volet), "grand_total"))
    return result


def sheet_name(volet: int) -> str:
    return f"Volet {volet}"


@dataclass
class SheetRow:
    kind: str  # heading, subheading, caption, line, total, heading_total, grand_total
    values: dict = field(default_factory=dict)
    section: str | None = None  # a line's section
    key: str | None = None  # a total's name, for the totals that add it up
    sums: tuple[str, ...] = ()  # a heading's or volet's total: the keys of the totals it adds up


def plan_rows(volet: int, lines) -> list[SheetRow]:
    """Annexe 2's rows for a volet: each section's pre-printed rows, holding the plan's lines."""
    rows = []
    for heading, sections in headed(volet):
        rows.append(SheetRow("heading", {"group": heading.label}))
        for current in sections:
            if current.caption:
                rows.append(SheetRow("caption", {"group": current.caption}))
            in_section = [line for line in lines if line.section == current.code]
            first = len(rows)
            for code, label in current.subsections:
                matching = [line for line in in_section if line.subsection == code]
                for line in matching or [None]:
                    values = {"subsection": label, **(plan_values(line) if line else {})}
                    rows.append(SheetRow("line", values, section=current.code))
            for line in in_section:
                if line.subsection not in dict(current.subsections):
                    rows.append(SheetRow("line", {"subsection": "", **plan_values(line)}, section=current.code))
            rows[first].values["group"] = current.group
            rows.append(SheetRow("total", {"group": current.total_label}, key=current.code))
        if heading.total_label:
            sums = tuple(s.code for s in sections)
            rows.append(SheetRow("heading_total", {"group": heading.total_label}, sums=sums))
    counted = tuple(s.code for s in SECTIONS[volet] if not s.information_only)
    rows.append(SheetRow("grand_total", {"group": grand_total_label(PLAN, volet)}, sums=counted))
    return rows


def template_rows(layout: Layout, volet: int) -> int:
    """The rows of a volet's sheet as the template has them without a line: its headings, captions and totals, and
    its rows left blank to be filled in (a plan's exported lines take these first)."""
    return len(plan_rows(volet, []) if layout is PLAN else report_rows(volet, [], []))


def plan_values(line) -> dict:
    values = {column.field: getattr(line, column.field, None) for column in PLAN.columns[2:]}
    values["nature"] = nature_label(line.nature)
    values["action_sheet"] = line.action_sheet.number if line.action_sheet else None
    return values


def report_rows(volet: int, report_lines, plan_lines) -> list[SheetRow]:
    """Annexe 3's rows for a volet: the report's lines where there are some, else the signed plan's (with the
    planned amount for information), else the instruction's example rows."""
    rows = []
    for block in REPORT_BLOCKS[volet]:
        rows.append(SheetRow("heading", {"purpose": block.heading}))
        for part in block.parts:
            if part.subheading:
                rows.append(SheetRow("subheading", {"purpose": part.subheading}))
            reported = [line for line in report_lines if line.section == part.section]
            planned = [line for line in plan_lines if line.section == part.section]
            if reported:
                values = [report_values(line) for line in reported]
            elif planned:
                values = [
                    {
                        "purpose": line.purpose,
                        "nature": nature_label(line.nature),
                        "planned": line.state_amount + line.collectivity_amount,
                    }
                    for line in planned
                ]
            else:
                values = [{"purpose": label} for label in part.placeholders]
            rows += [SheetRow("line", value, section=part.section) for value in values]
        rows.append(SheetRow("total", {"purpose": block.total_label}, key=block.heading))
    totals = tuple(block.heading for block in REPORT_BLOCKS[volet])
    rows.append(SheetRow("grand_total", {"purpose": grand_total_label(REPORT, volet)}, sums=totals))
    return rows


def report_values(line) -> dict:
    values = {column.field: getattr(line, column.field, None) for column in REPORT.columns}
    values["nature"] = nature_label(line.nature)
    values["planned"] = None
    return values


def eligibility(nature) -> str:
    if nature.rule is None:
        return "Éligible"
    where = "au volet 2" if nature.rule in VOLET2_ONLY_RULES else "dans tous les volets"
    return f"Non finançable par l'État {where} ({nature.rule}) : {nature.reason}"


def export_plan(convention, lines, ceilings) -> bytes:
    return export_workbook(PLAN, convention, lines, ceilings=ceilings)


def export_report(convention, report_lines, plan_lines) -> bytes:
    return export_workbook(REPORT, convention, report_lines, plan_lines=plan_lines)


def export_workbook(layout: Layout, convention, lines, *, ceilings=None, plan_lines=()) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    cached: dict[tuple[int, str], Decimal] = {}
    period = f"Période du {convention.start_date:%d/%m/%y} au {convention.end_date:%d/%m/%y}"
    for volet in Volet:
        sheet = workbook.create_sheet(sheet_name(volet))
        if layout is PLAN:
            sheet["A1"] = f"{layout.title} - VOLET {volet} - {period}"
            sheet["A2"] = "PLAFOND DEPARTEMENT"
            ceiling = (ceilings or {}).get(volet)
            sheet["C2"] = ceiling if ceiling is not None else "non notifié"
            sheet["C2"].number_format = EURO_FORMAT
            sheet["D3"], sheet["H3"] = "Etat des lieux de l'existant", "Construction du plan de financement"
            rows = plan_rows(volet, [line for line in lines if line.volet == volet])
        else:
            sheet["A1"] = f"{layout.title} {convention.year}"
            sheet["A2"] = f"VOLET {volet}"
            sheet["C2"] = f"{convention.collectivity.name} – {period}"
            rows = report_rows(
                volet,
                [line for line in lines if line.volet == volet],
                [line for line in plan_lines if line.volet == volet],
            )
        sheet["A1"].font = Font(bold=True, size=12)
        sheet["A2"].font = Font(bold=True)
        for number, column in enumerate(layout.columns, 1):
            cell = sheet.cell(row=HEADER_ROW, column=number, value=column.header)
            cell.font, cell.fill = Font(bold=True), HEADING_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[get_column_letter(number)].width = 34 if number <= 3 else 18
        cached.update({(volet, ref): value for ref, value in write_rows(layout, sheet, rows).items()})
        add_validations(layout, sheet, volet, rows)
        sheet.freeze_panes = f"A{FIRST_ROW}"
    write_natures(workbook, layout)
    marker = workbook.create_sheet("_modele")
    marker["A1"], marker["A2"] = layout.marker, TEMPLATE_VERSION
    marker["A3"], marker["A4"] = convention.collectivity.code, convention.year
    marker.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _cache_totals(buffer.getvalue(), cached)


def write_rows(layout: Layout, sheet, rows: list[SheetRow]) -> dict[str, Decimal]:
    """The rows, the totals as formulas; returns the value of each total cell, to cache in the file.

    A section's total adds up its rows (from the row after the heading or the previous total); a heading's
    total and the volet's add up the totals they name."""
    cached = {}
    total_rows: dict[str, int] = {}
    values: dict[int, dict[str, Decimal]] = {}
    start = FIRST_ROW
    width = len(layout.columns)
    for offset, row in enumerate(rows):
        number = FIRST_ROW + offset
        for column_number, column in enumerate(layout.columns, 1):
            value = row.values.get(column.field)
            if value not in (None, ""):
                cell = sheet.cell(row=number, column=column_number, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text typed by a user stays text, never a live formula (as text_cells)
                if column.kind in ("amount", "info"):
                    cell.number_format = EURO_FORMAT
        if row.kind == "line":
            continue
        sheet.cell(row=number, column=1).font = Font(bold=True)
        if row.kind in ("subheading", "caption"):
            continue
        fill = HEADING_FILL if row.kind == "heading" else TOTAL_FILL
        for column_number in range(1, width + 1):
            sheet.cell(row=number, column=column_number).fill = fill
        if row.kind == "heading":
            start = number + 1
            continue
        values[number] = {}
        for name in layout.totalled:
            letter = get_column_letter(layout.index(name))
            if row.kind == "total":
                formula = f"=SUM({letter}{start}:{letter}{number - 1})"
                lines = rows[start - FIRST_ROW : offset]
                value = sum((Decimal(r.values.get(name) or 0) for r in lines if r.kind == "line"), Decimal("0"))
            else:
                sources = [total_rows[key] for key in row.sums]
                formula = "=" + "+".join(f"{letter}{source}" for source in sources)
                value = sum((values[source][name] for source in sources), Decimal("0"))
            cell = sheet.cell(row=number, column=layout.index(name), value=formula)
            cell.number_format, cell.font = EURO_FORMAT, Font(bold=True)
            values[number][name] = value
            cached[f"{letter}{number}"] = value
        if row.key:
            total_rows[row.key] = number
        start = number + 1
    return cached


def add_validations(layout: Layout, sheet, volet: int, rows: list[SheetRow]) -> None:
    """Drop-down lists: the natures on every row, and in the plan each section's objets de la dépense."""
    last = FIRST_ROW + len(rows) + 200  # rows the user inserts keep the list
    nature = get_column_letter(layout.index("nature"))
    natures = DataValidation(
        type="list",
        formula1=f"'{NATURES_SHEET}'!$A$2:$A${len(NATURES) + 1}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Nature de dépense",
        error="Choisissez une nature dans la liste de la feuille « Natures ».",
    )
    natures.add(f"{nature}{FIRST_ROW}:{nature}{last}")
    sheet.add_data_validation(natures)
    if layout is not PLAN:
        return
    for index, current in enumerate(SECTIONS[volet]):
        numbers = [FIRST_ROW + i for i, row in enumerate(rows) if row.section == current.code]
        letter = get_column_letter(list_column(volet, index))
        objets = DataValidation(
            type="list",
            formula1=f"'{NATURES_SHEET}'!${letter}$3:${letter}${len(current.subsections) + 2}",
            allow_blank=True,
        )
        objets.add(f"B{min(numbers)}:B{max(numbers)}")
        sheet.add_data_validation(objets)


def list_column(volet: int, index: int) -> int:
    """The column of the « Natures » sheet listing a section's objets: after the natures, one per section."""
    return 4 + sum(len(SECTIONS[v]) for v in Volet if v < volet) + index


def write_natures(workbook, layout: Layout) -> None:
    sheet = workbook.create_sheet(NATURES_SHEET)
    sheet["A1"], sheet["B1"] = "Nature de la dépense", "Éligibilité au financement de l'État"
    sheet["A1"].font = sheet["B1"].font = Font(bold=True)
    for row, nature in enumerate(NATURES, 2):
        sheet.cell(row=row, column=1, value=nature.label)
        sheet.cell(row=row, column=2, value=eligibility(nature))
    sheet.column_dimensions["A"].width = 50
    sheet.column_dimensions["B"].width = 70
    if layout is not PLAN:
        return
    for volet in Volet:
        for index, current in enumerate(SECTIONS[volet]):
            column = list_column(volet, index)
            sheet.cell(row=1, column=column, value=f"Objets de la dépense – volet {volet}").font = Font(bold=True)
            sheet.cell(row=2, column=column, value=current.group).font = Font(italic=True)
            for row, (_, label) in enumerate(current.subsections, 3):
                sheet.cell(row=row, column=column, value=label)


def _cache_totals(data: bytes, totals: dict) -> bytes:
    """openpyxl writes formulas without values: add the computed value of each total to its cell."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            match = re.match(r"xl/worksheets/sheet(\d)\.xml", item.filename)
            if match and int(match[1]) <= 3:
                volet = int(match[1])
                text = content.decode()
                for (v, ref), value in totals.items():
                    if v == volet:
                        text = re.sub(
                            rf'(<c r="{ref}"[^>]*>)<f>([^<]*)</f>(<v\s*/>|<v></v>)?',
                            lambda m, value=value: f"{m[1]}<f>{m[2]}</f><v>{value}</v>",
                            text,
                        )
                content = text.encode()
            target.writestr(item, content)
    return output.getvalue()
