"""The Word and PDF conventions are generated from the convention as it is when they are generated, read in one
state under its lock: a page loaded before a change (here the volet 1 amount) does not put its older values beside
the newer plan and version."""

import io
from decimal import Decimal

import docx
import pytest

from conventions import services
from conventions.models import Convention, ConventionDocument
from tests.factories import filled, triennial

pytestmark = pytest.mark.django_db


def test_the_text_generated_from_an_older_page_is_the_convention_as_it_is_now():
    convention = filled("01D", 2024, amount_volet1=Decimal("250000.00"), prefect_name="P", president_name="P")
    page = Convention.objects.get(pk=convention.pk)  # the page that asks for the documents, loaded now
    services.convention_update(
        convention=convention, lock_version=convention.lock_version, values={"amount_volet1": Decimal("300000.00")}
    )
    services.generate_documents(convention=page, by=None)
    word = docx.Document(io.BytesIO(bytes(ConventionDocument.objects.get(kind="docx").content)))
    text = " ".join(p.text for p in word.paragraphs).replace("\u00a0", " ").replace("\u202f", " ")
    assert "300 000,00 € (trois cent mille euros)" in text
    assert "250 000,00" not in text


def test_the_ceiling_of_a_triennial_convention_in_its_annexe_2_is_that_of_its_three_years():
    """Annexe 2 puts the ceiling beside the plan of the whole period: for 2025–2027, the sum of the three years'
    ceilings (2026 and 2027 not notified: the 2025 ones, « réputés stables »), as the plan's workbook and the
    finalisation's check read it (R-FIN-03), not the first year's alone."""
    convention = triennial(even_tranches=True)
    services.generate_documents(convention=convention, by=None)
    word = docx.Document(io.BytesIO(bytes(ConventionDocument.objects.get(kind="docx").content)))
    text = " ".join(p.text for p in word.paragraphs).replace("\u00a0", " ").replace("\u202f", " ")
    assert "Construction du plan de financement - VOLET 1 - Période du 01/01/25 au 31/12/27" in text
    assert "PLAFOND DEPARTEMENT : 600 000,00 €" in text and "PLAFOND DEPARTEMENT : 3 000 000,00 €" in text
    assert "PLAFOND DEPARTEMENT : 200 000,00 €" not in text


def test_the_annual_tranches_of_a_triennial_convention_are_in_what_the_parties_sign():
    """The tranches decide each year's advance (R-FIN-07): annexe 2 lists them after the plan, and a model may state
    them (« {{ tranches }} »); a convention of one year has neither."""
    from conventions.document import model_fields

    convention = triennial(even_tranches=True)
    services.generate_documents(convention=convention, by=None)
    word = docx.Document(io.BytesIO(bytes(ConventionDocument.objects.get(kind="docx").content)))
    text = " ".join(p.text for p in word.paragraphs).replace("\u00a0", " ").replace("\u202f", " ")
    assert "l'avance de chaque année est 60 % de sa tranche" in text
    table = next(t for t in word.tables if t.rows[0].cells[0].text == "Année")
    rows = [[cell.text.replace("\u00a0", " ").replace("\u202f", " ") for cell in row.cells] for row in table.rows]
    assert rows == [
        ["Année", "Volet 1", "Volet 2", "Volet 3", "Total"],
        ["2025", "180 000,00 €", "950 000,00 €", "0,00 €", "1 130 000,00 €"],
        ["2026", "180 000,00 €", "950 000,00 €", "0,00 €", "1 130 000,00 €"],
        ["2027", "180 000,00 €", "950 000,00 €", "0,00 €", "1 130 000,00 €"],
    ]
    from campaigns.lookup import campaign_of

    stated = (
        model_fields(convention, 0, campaign_of(convention))["tranches"].replace("\u00a0", " ").replace("\u202f", " ")
    )
    assert stated.startswith("2025 : 180 000,00 € au titre du volet 1, 950 000,00 € au titre du volet 2 ; 2026 : ")
    yearly = filled("38D", 2024, amount_volet1=Decimal("250000.00"), prefect_name="P", president_name="P")
    assert model_fields(yearly, 0, campaign_of(yearly))["tranches"] == ""
