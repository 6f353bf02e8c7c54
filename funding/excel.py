"""The financing plan (annexe 2) and the financial report (annexe 3) as Excel workbooks: their layouts and
their export; reading them back is `funding.excel_import`.

One sheet per volet; the totals are formulas, with their values cached so that any reader shows them
without recomputing.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from conventions.volets import Volet
from funding.structure import NATURES, SECTIONS

TEMPLATE_VERSION = "1"
FIRST_ROW = 5
EURO_FORMAT = '#,##0.00 "€"'

COLUMNS = [
    ("section", "Rubrique"),
    ("subsection", "Sous-rubrique"),
    ("action_sheet", "N° fiche action"),
    ("nature", "Nature de la dépense"),
    ("purpose", "Objet"),
    ("details", "Détails"),
    ("existing_fte", "Moyens existants (ETP)"),
    ("existing_amount", "Moyens existants (€)"),
    ("target", "Cible"),
    ("delta_fte", "Delta (ETP)"),
    ("delta_amount", "Montant du delta (€)"),
    ("other_funding_amount", "Autres financements (€)"),
    ("other_funding_source", "Source des autres financements"),
    ("state_amount", "Part État (€)"),
    ("collectivity_amount", "Part collectivité (€)"),
]


@dataclass(frozen=True)
class Layout:
    """One kind of workbook: the financing plan (annexe 2) or the financial report (annexe 3)."""

    marker: str
    title: str
    columns: tuple[tuple[str, str], ...]
    amounts: frozenset[str]
    quantities: frozenset[str]
    totalled: tuple[str, ...]
    # Numbers left empty stay unknown (None) instead of zero.
    optional: frozenset[str] = frozenset()

    @property
    def headers(self) -> list[str]:
        return [label for _, label in self.columns]

    def index(self, field: str) -> int:
        return [f for f, _ in self.columns].index(field) + 1


PLAN = Layout(
    marker="plan-de-financement",
    title="Plan de financement",
    columns=tuple(COLUMNS),
    amounts=frozenset(
        {"existing_amount", "delta_amount", "other_funding_amount", "state_amount", "collectivity_amount"}
    ),
    quantities=frozenset({"existing_fte", "delta_fte"}),
    totalled=("existing_amount", "delta_amount", "other_funding_amount", "state_amount", "collectivity_amount"),
)
REPORT = Layout(
    marker="bilan-financier",
    title="Bilan financier",
    columns=(
        ("section", "Rubrique"),
        ("nature", "Nature de la dépense"),
        ("purpose", "Objet"),
        ("unit", "Unité"),
        ("units", "Nombre d'unités"),
        ("unit_cost", "Coût unitaire (€)"),
        ("period", "Date ou période"),
        ("amount", "Montant (€)"),
    ),
    amounts=frozenset({"unit_cost", "amount"}),
    quantities=frozenset({"units"}),
    totalled=("amount",),
    optional=frozenset({"units", "unit_cost"}),
)


def sheet_name(volet: int) -> str:
    return f"Volet {volet}"


def export_plan(convention, lines, ceilings) -> bytes:
    notes = {
        volet: f"Plafond du volet : {ceilings[volet]} €"
        if ceilings.get(volet) is not None
        else "Plafond du volet : non notifié"
        for volet in Volet
    }
    return export_workbook(PLAN, convention, lines, notes)


def export_workbook(layout: Layout, convention, lines, notes: dict[int, str]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    totals = {}
    for volet in Volet:
        sheet = workbook.create_sheet(sheet_name(volet))
        sheet["A1"] = f"{layout.title} – volet {volet} – {convention.collectivity.name} – {convention.year}"
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(layout.columns))
        sheet["A2"] = notes.get(volet, "")
        sheet["A3"] = "Rubriques : " + ", ".join(f"{s.code} ({s.label})" for s in SECTIONS[volet])
        for column, label in enumerate(layout.headers, 1):
            cell = sheet.cell(row=4, column=column, value=label)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDDDFF")
            sheet.column_dimensions[get_column_letter(column)].width = 18
        row = FIRST_ROW
        volet_lines = [line for line in lines if line.volet == volet]
        for line in volet_lines:
            for column, (field, _) in enumerate(layout.columns, 1):
                value = (
                    getattr(line, field)
                    if field != "action_sheet"
                    else (line.action_sheet.number if line.action_sheet else None)
                )
                cell = sheet.cell(row=row, column=column, value=value)
                if field in layout.amounts:
                    cell.number_format = EURO_FORMAT
            row += 1
        sheet.cell(row=row, column=1, value="Total").font = Font(bold=True)
        for field in layout.totalled:
            column = layout.index(field)
            letter = get_column_letter(column)
            cell = sheet.cell(
                row=row, column=column, value=f"=SUM({letter}{FIRST_ROW}:{letter}{max(row - 1, FIRST_ROW)})"
            )
            cell.number_format = EURO_FORMAT
            cell.font = Font(bold=True)
            totals[(volet, f"{letter}{row}")] = sum((getattr(line, field) for line in volet_lines), Decimal("0"))
    marker = workbook.create_sheet("_modele")
    marker["A1"], marker["A2"] = layout.marker, TEMPLATE_VERSION
    marker["A3"], marker["A4"] = convention.collectivity.code, convention.year
    marker["A6"] = "Natures de dépense : " + ", ".join(n.code for n in NATURES)
    marker.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _cache_totals(buffer.getvalue(), totals)


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
