"""Annexes 2 and 3 as workbooks, opened by a real spreadsheet: LibreOffice Calc (headless) recomputes every
formula, from files whose cached values were removed first so that it cannot show ours; no cell may be an
error, and each total must equal the platform's."""

import io
import os
import re
import shutil
import subprocess
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conventions.models import Convention
from funding import excel
from funding.models import PlanLine, ReportLine
from territories.models import Collectivity, Region

SOFFICE = shutil.which("soffice")
pytestmark = [
    pytest.mark.once,
    pytest.mark.skipif(
        SOFFICE is None and not os.environ.get("REQUIRE_LIBREOFFICE"), reason="LibreOffice (soffice) absent"
    ),
]
D = Decimal


def convention() -> Convention:
    """An unsaved convention: the workbooks need no database."""
    ain = Collectivity(code="01D", name="Ain", tncc=5, region=Region(code="84", name="Auvergne-Rhône-Alpes"))
    return Convention(collectivity=ain, year=2024, start_date=date(2024, 1, 1), end_date=date(2024, 12, 31))


def plan_line(volet, section, subsection, nature, state, council, purpose, existing="0", delta="0"):
    return PlanLine(
        volet=volet, section=section, subsection=subsection, nature=nature, purpose=purpose,
        state_amount=D(state), collectivity_amount=D(council), existing_amount=D(existing), delta_amount=D(delta),
    )  # fmt: skip


PLAN = [
    plan_line(1, "equipes_cd", "chefferie_projet", "chefferie_projet", "150000.00", "0", "Cheffe de projet"),
    plan_line(1, "si", "parametrage_si", "developpement_si", "42000.50", "8000.25", "Connecteur", "1000", "50000.75"),
    plan_line(2, "intensification", "solutions_complementaires", "prestation_accompagnement", "250000", "260000", "A1"),
    plan_line(2, "intensification", "solutions_complementaires", "subvention_operateur", "10000.10", "9999.90", "A2"),
    plan_line(2, "levee_freins", "", "aide_individuelle", "150000", "140000", "Garde d'enfant"),
    plan_line(2, "referencement", "etp", "personnel", "30000", "30000", "Animatrice"),
    plan_line(3, "equipes_cd", "accompagnement", "personnel", "400000", "0", "Conseillers"),
    plan_line(3, "france_travail", "accompagnement", "personnel", "999999", "0", "Pour information"),
    plan_line(3, "solutions_locales", "maintien_emploi", "subvention_operateur", "123456.78", "0", "Maintien"),
    plan_line(3, "solutions_locales_pe", "prestations", "prestation_accompagnement", "5555", "0", "Prestations"),
]
REPORT = [
    ReportLine(volet=1, section="equipes_cd", nature="chefferie_projet", purpose="Cheffe", amount=D("90000.00"),
               units=D("9"), unit_cost=D("10000.00"), valuation=D("12000.00")),
    ReportLine(volet=2, section="remobilisation", nature="personnel", purpose="Référents", amount=D("2400.10")),
    ReportLine(volet=3, section="france_travail", nature="personnel", purpose="CIP", amount=D("1000.00")),
]  # fmt: skip


def without_cached_values(data: bytes) -> bytes:
    """The same workbook with no value stored after any formula: the spreadsheet must compute them all."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1", content)
            target.writestr(item, content)
    return output.getvalue()


@pytest.fixture(scope="module")
def computed(tmp_path_factory) -> dict[str, object]:
    """Both workbooks as LibreOffice computes them (one conversion run for the two files)."""
    folder = tmp_path_factory.mktemp("calc")
    files = {
        "plan": excel.export_plan(convention(), PLAN, {1: D("200000"), 2: D("500000")}),
        "bilan": excel.export_report(convention(), REPORT, PLAN),
    }
    for name, data in files.items():
        (folder / f"{name}.xlsx").write_bytes(without_cached_values(data))
    out = folder / "out"
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "xlsx",
         "--outdir", str(out), str(folder / "plan.xlsx"), str(folder / "bilan.xlsx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return {name: load_workbook(Path(out / f"{name}.xlsx"), data_only=True) for name in files}


def cell_errors(workbook) -> list[str]:
    return [
        f"{sheet.title}!{cell.coordinate} {cell.value}"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and (cell.value.startswith("#") or cell.value.startswith("Err:"))
    ]


def total(sheet, label: str, column: str, occurrence: int = 0):
    rows = [r for r in range(1, sheet.max_row + 1) if sheet[f"A{r}"].value == label]
    return D(str(sheet[f"{column}{rows[occurrence]}"].value)).quantize(D("0.01"))


def test_libreoffice_computes_the_plan_without_errors_and_with_the_platforms_totals(computed):
    workbook = computed["plan"]
    assert cell_errors(workbook) == []
    volet1, volet2, volet3 = (workbook[f"Volet {v}"] for v in (1, 2, 3))
    # State (M) and council (N) parts, section by section then the volet; « pour info » lines are not counted.
    assert total(volet1, "Total ETP CD", "M") == D("150000.00")
    assert total(volet1, "TOTAL BESOINS DEPARTEMENTAUX AU TITRE DU VOLET 1 :", "M") == D("192000.50")
    assert total(volet1, "TOTAL BESOINS DEPARTEMENTAUX AU TITRE DU VOLET 1 :", "N") == D("8000.25")
    assert total(volet1, "TOTAL BESOINS DEPARTEMENTAUX AU TITRE DU VOLET 1 :", "E") == D("1000.00")
    assert total(volet1, "TOTAL BESOINS DEPARTEMENTAUX AU TITRE DU VOLET 1 :", "H") == D("50000.75")
    assert total(volet2, "Total", "M", 0) == D("260000.10")  # intensification
    assert total(volet2, "Total", "M", 3) == D("410000.10")  # « Etoffer l'offre de solutions locales »
    assert total(volet2, "TOTAL BESOINS DEPARTEMENTAUX AU TITRE DU VOLET 2 :", "M") == D("440000.10")
    assert total(volet2, "TOTAL BESOINS DEPARTEMENTAUX AU TITRE DU VOLET 2 :", "N") == D("439999.90")
    assert total(volet3, "Pour info : Total ETP PE", "M") == D("999999.00")
    assert total(volet3, "Total ETP", "M") == D("1399999.00")
    assert total(volet3, "TOTAL BESOINS DEPARTEMENTAUX AU TITRE DU VOLET 3 :", "M") == D("523456.78")
    state = {v: sum((line.state_amount for line in PLAN if line.volet == v and line.section not in
                     ("france_travail", "solutions_locales_pe")), D(0)) for v in (1, 2, 3)}  # fmt: skip
    assert state == {1: D("192000.50"), 2: D("440000.10"), 3: D("523456.78")}


def test_libreoffice_computes_the_bilan_prefilled_from_the_plan(computed):
    workbook = computed["bilan"]
    assert cell_errors(workbook) == []
    volet1, volet2, volet3 = (workbook[f"Volet {v}"] for v in (1, 2, 3))
    assert total(volet1, "TOTAL DEPENSES AU TITRE DU VOLET 1", "G") == D("90000.00")
    assert total(volet1, "TOTAL DEPENSES AU TITRE DU VOLET 1", "H") == D("12000.00")  # valorisation
    assert total(volet2, "TOTAL DEPENSES RELATIVES AU RENFORCEMENT DE L'ACCOMPAGNEMENT", "G") == D("2400.10")
    assert total(volet2, "TOTAL DEPENSES AU TITRE DU VOLET 2", "G") == D("2400.10")
    assert total(volet3, "TOTAL DEPENSES AU TITRE DU VOLET 3", "G") == D("1000.00")
    # Sections without a reported expense are pre-filled from the signed plan, its amount for information.
    rows = {volet2[f"A{r}"].value: r for r in range(1, volet2.max_row + 1)}
    assert volet2[f"I{rows['Animatrice']}"].value == "Dépenses de personnel (ETP)"
    assert D(str(volet2[f"J{rows['Animatrice']}"].value)) == D("60000")
    assert volet2[f"G{rows['Animatrice']}"].value is None
    assert workbook["Natures"]["A1"].value == "Nature de la dépense"
    assert workbook["Natures"].sheet_state == "visible"
