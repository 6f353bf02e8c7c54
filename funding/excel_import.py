"""Reading a financing plan or financial report workbook back (all-or-nothing): every error of every sheet,
named by sheet, cell and value, then the whole file refused. The sheet's totals are never trusted: they are
recomputed from the lines.
"""

import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from config.formats import ZERO, format_euros
from conventions.amounts import checked_amount, parse_amount
from conventions.volets import Volet
from funding.excel import FIRST_ROW, HEADER_ROW, PLAN, TEMPLATE_VERSION, Layout, markers, sheet_name, template_rows
from funding.structure import NATURE_BY_CODE, NATURES, section

MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 500


@dataclass(frozen=True)
class CellError:
    sheet: str
    cell: str
    value: str | None
    message: str

    def __str__(self):
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        shown = f", valeur « {self.value} »" if self.value not in (None, "") else ""
        return f"{where}{shown} : {self.message}"


class PlanImportError(Exception):
    def __init__(self, errors: list[CellError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class ImportedPlan:
    lines: list[dict]
    warnings: list[str]


def import_plan(data: bytes, *, filename: str, convention, action_numbers: set[int]) -> ImportedPlan:
    return import_workbook(PLAN, data, filename=filename, convention=convention, action_numbers=action_numbers)


def import_workbook(
    layout: Layout, data: bytes, *, filename: str, convention, action_numbers=frozenset()
) -> ImportedPlan:
    """All or nothing: every error of every sheet is collected, then the whole file is refused."""
    _check_file(data, filename)
    try:
        values = load_workbook(io.BytesIO(data), data_only=True)
        formulas = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as error:
        raise PlanImportError(
            [CellError(filename, "", None, f"classeur illisible ({error.__class__.__name__})")]
        ) from None
    _check_template(layout, values, filename, convention)
    errors: list[CellError] = []
    warnings: list[str] = []
    lines = []
    for volet in Volet:
        name = sheet_name(volet)
        lines += _read_sheet(layout, values[name], formulas[name], volet, action_numbers, errors, warnings)
    if errors:
        raise PlanImportError(errors)
    return ImportedPlan(lines, warnings)


def _read_sheet(layout: Layout, sheet, raw, volet: int, action_numbers, errors, warnings) -> list[dict]:
    """The lines of one volet's sheet. The marker rows (headings, totals: their label in column A, in the
    template's order) say which section the rows below them belong to; the totals are compared."""
    if sheet.max_row - FIRST_ROW + 1 > MAX_LINES + template_rows(layout, volet):  # refused before reading a cell
        message = f"feuille trop longue : les lignes du modèle et {MAX_LINES} de plus au plus"
        errors.append(CellError(sheet.title, "", None, message))
        return []
    for cell_range in (str(r) for r in sheet.merged_cells.ranges if r.max_row >= FIRST_ROW):
        errors.append(
            CellError(sheet.title, cell_range, None, "cellules fusionnées dans les lignes du plan : défusionnez-les")
        )
    expected = markers(layout, volet)
    found, current, lines, since = 0, None, [], []
    width = len(layout.columns)
    for row in range(FIRST_ROW, sheet.max_row + 1):
        first = sheet.cell(row=row, column=1).value
        if found < len(expected) and isinstance(first, str) and first.strip() == expected[found].label:
            marker = expected[found]
            if marker.kind == "total":
                _compare_totals(layout, sheet, row, since, warnings)
            if marker.kind == "grand_total":
                _compare_totals(layout, sheet, row, lines, warnings, counted_only=layout is PLAN)
                found += 1
                _refuse_rows_after(layout, sheet, row, errors)
                break
            current, since, found = marker.section, [], found + 1
            continue
        cells = [sheet.cell(row=row, column=c).value for c in range(1, width + 1)]
        meaningful = [v for v, c in zip(cells, layout.columns, strict=True) if c.field not in layout.descriptive]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in meaningful):
            continue
        if current is None:
            errors.append(
                CellError(
                    sheet.title,
                    f"A{row}",
                    None,
                    "ligne hors d'une rubrique : insérez les lignes au-dessus de la ligne de total de leur rubrique",
                )
            )
            continue
        line = _read_line(layout, sheet.title, raw, row, cells, volet, current, action_numbers, errors)
        lines.append(line)
        since.append(line)
    if found < len(expected):
        missing = expected[found]
        errors.append(CellError(sheet.title, "A", None, f"ligne « {missing.label} » introuvable : modèle modifié"))
    return lines


def _refuse_rows_after(layout: Layout, sheet, total_row: int, errors) -> None:
    for row in range(total_row + 1, sheet.max_row + 1):
        for column in range(1, len(layout.columns) + 1):
            value = sheet.cell(row=row, column=column).value
            if value is not None and str(value).strip():
                ref = f"{get_column_letter(column)}{row}"
                message = "ligne après le total du volet : insérez-la au-dessus du total de sa rubrique"
                errors.append(CellError(sheet.title, ref, str(value), message))
                break


def _read_line(
    layout: Layout, name: str, raw, row: int, cells: list, volet: int, current: str, action_numbers, errors
) -> dict:
    line = {"volet": volet, "position": row, "section": current}
    for column, spec in enumerate(layout.columns, 1):
        if spec.kind in ("label", "info"):
            continue
        ref = f"{get_column_letter(column)}{row}"
        value = cells[column - 1]
        formula = raw.cell(row=row, column=column).value
        if isinstance(formula, str) and formula.startswith("=") and value is None:
            message = "formule sans valeur calculée : enregistrez le fichier depuis le tableur"
            errors.append(CellError(name, ref, formula, message))
            continue
        try:
            line[spec.field] = _parse(layout, spec, value, volet, current, action_numbers)
        except ValueError as error:
            errors.append(CellError(name, ref, None if value is None else str(value), f"{spec.header} : {error}"))
    return line


def _too_large(filename: str) -> PlanImportError:
    return PlanImportError([CellError(filename, "", None, "fichier trop volumineux (2 Mio au plus)")])


def read_upload(uploaded) -> bytes:
    """The bytes of an uploaded workbook, refused before reading when it is over the size limit."""
    if uploaded.size > MAX_BYTES:
        raise _too_large(uploaded.name)
    return uploaded.read()


def _check_file(data: bytes, filename: str) -> None:
    lower = filename.lower()
    if len(data) > MAX_BYTES:
        raise _too_large(filename)
    if data.startswith(b"\xd0\xcf\x11\xe0") or lower.endswith(".xls"):
        raise PlanImportError(
            [CellError(filename, "", None, "format .xls non accepté : enregistrez le fichier au format .xlsx")]
        )
    if lower.endswith(".xlsm"):
        raise PlanImportError(
            [CellError(filename, "", None, "classeur avec macros (.xlsm) refusé : utilisez le modèle .xlsx")]
        )
    if not data.startswith(b"PK"):
        raise PlanImportError([CellError(filename, "", None, "fichier illisible : ce n'est pas un classeur .xlsx")])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if any("vbaProject" in n for n in names):
                raise PlanImportError([CellError(filename, "", None, "classeur avec macros refusé")])
            if sum(i.file_size for i in archive.infolist()) > 20 * MAX_BYTES:
                raise PlanImportError([CellError(filename, "", None, "classeur trop volumineux une fois décompressé")])
    except zipfile.BadZipFile:
        raise PlanImportError([CellError(filename, "", None, "fichier endommagé")]) from None


def _check_template(layout: Layout, workbook, filename: str, convention) -> None:
    problems = []
    if "_modele" not in workbook.sheetnames or workbook["_modele"]["A1"].value != layout.marker:
        raise PlanImportError(
            [CellError(filename, "", None, "modèle inconnu : téléchargez le modèle de la plateforme")]
        )
    marker = workbook["_modele"]
    if str(marker["A2"].value) != TEMPLATE_VERSION:
        raise PlanImportError(
            [
                CellError(
                    filename,
                    "",
                    None,
                    "ancienne version du modèle : téléchargez le modèle actuel de la plateforme et "
                    "reportez-y vos lignes",
                )
            ]
        )
    if (marker["A3"].value, str(marker["A4"].value)) != (convention.collectivity.code, str(convention.year)):
        problems.append(
            CellError(
                filename,
                "",
                None,
                f"ce fichier est le plan de {marker['A3'].value} {marker['A4'].value}, pas de cette convention",
            )
        )
    for volet in Volet:
        name = sheet_name(volet)
        if name not in workbook.sheetnames:
            problems.append(CellError(filename, "", None, f"feuille « {name} » absente : modèle modifié"))
            continue
        found = [workbook[name].cell(row=HEADER_ROW, column=c).value for c in range(1, len(layout.columns) + 1)]
        if found != layout.headers:
            problems.append(CellError(name, f"A{HEADER_ROW}", None, "en-têtes modifiés : modèle modifié"))
    if problems:
        raise PlanImportError(problems)


NATURE_BY_LABEL = {nature.label: nature.code for nature in NATURES}


def _parse(layout: Layout, spec, value, volet: int, current: str, action_numbers: set[int]):
    field = spec.field
    if field in layout.optional and value in (None, ""):
        return None
    if spec.kind == "amount":
        if field in layout.required and value in (None, ""):
            raise ValueError("montant obligatoire")
        return _amount(value)
    if spec.kind == "quantity":
        return _amount(value) if value not in (None, "") else Decimal("0")
    text = "" if value is None else str(value).strip()
    if field in layout.required and not text:
        raise ValueError("obligatoire")
    if spec.kind == "subsection":
        if not text:
            return ""
        rows = section(volet, current).subsections
        code = dict((label, code) for code, label in rows).get(text, text if text in dict(rows) else None)
        if code is None:
            raise ValueError("objet inconnu pour cette rubrique (" + " ; ".join(label for _, label in rows) + ")")
        return code
    if spec.kind == "nature":
        code = NATURE_BY_LABEL.get(text, text)
        if code not in NATURE_BY_CODE:
            raise ValueError("nature inconnue (voir la liste de la feuille « Natures »)")
        return code
    if spec.kind == "sheet":
        if not text:
            return None
        try:
            number = int(Decimal(text))
        except (InvalidOperation, ValueError):
            raise ValueError("numéro de fiche action invalide") from None
        if number not in action_numbers:
            raise ValueError("aucune fiche action porte ce numéro")
        return number
    if text.startswith(("=", "+", "-", "@")):
        raise ValueError("contenu commençant par =, +, - ou @ refusé")
    return text


def _amount(value) -> Decimal:
    if value in (None, ""):
        return ZERO
    if isinstance(value, bool):
        raise ValueError("montant invalide")
    if isinstance(value, int | float):
        return checked_amount(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))
    return parse_amount(str(value))


def _compare_totals(layout: Layout, sheet, row: int, lines: list[dict], warnings: list[str], counted_only=False):
    """A total of the file that differs from its lines is reported; the platform's is the one kept."""
    if counted_only:
        lines = [line for line in lines if not section(line["volet"], line["section"]).information_only]
    for field in layout.totalled:
        column = layout.index(field)
        shown = sheet.cell(row=row, column=column).value
        computed = sum((line.get(field) or Decimal("0") for line in lines), ZERO)
        try:
            shown_amount = _amount(shown) if shown is not None else None
        except ValueError:
            shown_amount = None
        if shown_amount is not None and shown_amount != computed:
            warnings.append(
                f"{sheet.title}!{get_column_letter(column)}{row} : le total du fichier ({format_euros(shown_amount)}) "
                f"ne correspond pas à ses lignes ({format_euros(computed)}) ; les totaux sont recalculés par la "
                "plateforme."
            )
