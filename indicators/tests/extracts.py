"""The worked example of volet 2 as a département's software exports it: its own headers, in XLSX or ODS, the
months as date cells, the opening dates as spreadsheet serial numbers, the other dates as JJ/MM/AA text.

`extract(folder, kind)` writes `extrait_situations.<kind>` and `extrait_orientations.<kind>`; MAPPINGS are the
column mappings a user would save for them (one header, « Date réception (CAF) », is in no synonym list: the
mapping page cannot propose it, the user chooses it).
"""

import csv
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl

EXAMPLE = Path(__file__).resolve().parent / "data" / "volet2"

# format column → (the extract's header, how its value is written)
SITUATIONS = {
    "id_rsa": ("N° CAF", "text"),
    "mois": ("Mois de droit", "month_cell"),
    "etat_droit": ("État du droit", "text"),
    "soumis_droits_devoirs": ("Soumis aux droits et devoirs", "oui_non"),
    "date_ouverture_droit": ("Date d'ouverture du droit", "serial"),
    "date_reception_notification": ("Date réception (CAF)", "jj_mm_aa"),
}
ORIENTATIONS = {
    "id_rsa": ("Code individu IODAS", "text"),
    "date_notification": ("Date début orientation", "jj_mm_aa"),
    "parcours": ("Type de parcours", "text"),
    "type_organisme": ("Type de structure", "text"),
    "accompagnement_global": ("Accompagnement global", "text"),
    "date_rdv_orientation": ("Date du rendez-vous d'orientation", "jj_mm_aa"),
    "presence_rdv_orientation": ("Présence au rendez-vous d'orientation", "text"),
    "date_fin_suivi": ("Date fin orientation", "jj_mm_aa"),
}
FILES = {
    "situations_mensuelles": ("extrait_situations", SITUATIONS),
    "orientations": ("extrait_orientations", ORIENTATIONS),
}
# With `labels`, the software's own words for the states and the duties (a value mapping translates them).
LABELS = {
    "etat_droit": {"versable": "Droit ouvert et versable", "suspendu": "Droit suspendu", "radie": "Radié"},
    "soumis_droits_devoirs": {"1": "Soumis", "0": "Non soumis"},
}
VALUES = {
    "etat_droit": {label: value for value, label in LABELS["etat_droit"].items()},
    "soumis_droits_devoirs": {"Soumis": "oui", "Non soumis": "non"},
}
MAPPINGS = {name: {column: header for column, (header, _) in layout.items()} for name, (_, layout) in FILES.items()}


def _cell(text: str, how: str):
    if not text:
        return None
    if how == "month_cell":
        return date.fromisoformat(text + "-01")
    if how == "serial":
        return (date.fromisoformat(text) - date(1899, 12, 30)).days
    if how == "jj_mm_aa":
        return date.fromisoformat(text).strftime("%d/%m/%y")
    if how == "oui_non":
        return {"1": "oui", "0": "non"}[text]
    return text


def rows(name: str, labels: bool = False) -> list[list]:
    """The example's file `name` as the extract's rows, header first."""
    _, layout = FILES[name]
    with open(EXAMPLE / f"{name}.csv", encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle, delimiter=";"))

    def cell(record, column, how):
        if labels and column in LABELS and record[column]:
            return LABELS[column][record[column]]
        return _cell(record[column], how)

    return [[header for header, _ in layout.values()]] + [
        [cell(record, column, how) for column, (_, how) in layout.items()] for record in records
    ]


def extract(folder: Path, kind: str, labels: bool = False) -> list[Path]:
    paths = []
    for name, (stem, _) in FILES.items():
        path = folder / f"{stem}.{kind}"
        (write_xlsx if kind == "xlsx" else write_ods)(path, rows(name, labels))
        paths.append(path)
    return paths


def write_xlsx(path: Path, table: list[list]) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Extraction"
    for row in table:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, date):
                cell.number_format = "mm/yyyy"
    workbook.save(path)


def write_ods(path: Path, table: list[list]) -> None:
    """A minimal OpenDocument spreadsheet: dates as date cells, numbers as float cells, the rest as text."""

    def cell(value) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, date):
            return (
                f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value:%m/%Y}</text:p></table:table-cell>"
            )
        if isinstance(value, int):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in table)
    namespaces = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {namespaces}><office:body>'
        f'<office:spreadsheet><table:table table:name="Extraction">{body}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
