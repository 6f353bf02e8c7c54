"""Golden test of the convention's text: the generated Word and PDF files against annexe 7 of the instruction,
taken from the instruction file itself, article by article, after substituting the fields the model marks.

The test lists every sentence of the model missing from the document, and every piece of the document's text
that the model does not have (other than the filled fields and the annexes). Both lists must be empty for
each of the four demo conventions, with and without volet 3, signed or not yet.
"""

import io
import re
from datetime import date
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

import conventions
from accounts.demo import seed_demo_accounts
from conventions import document, services
from conventions.demo import seed_demo_conventions
from conventions.models import Convention, ConventionDocument, DeliberationBody, Volet3Selection
from funding.demo import add_demo_plan, seed_demo_funding
from territories.models import Collectivity
from tests.factories import ConventionFactory

INSTRUCTION = Path(conventions.__file__).resolve().parent / "model" / "instruction-2023-192.txt"

# The fields of each demo convention, written out: what the model's « *[…]* », « ... » and « XX € » become.
FILLED = {
    "01D": {
        "de *[indiquer le nom du département]*": "de l'Ain",
        "de *[nom du Département]*": "de l'Ain",
        "de *[nom du département]*": "de l'Ain",
        "de *[nom de la région]*": "d'Auvergne-Rhône-Alpes",
        "de *[nom du tribunal administratif]*": "de Lyon",
        "*[indiquer le représentant de l'Etat]*": "Claire Fontaine",
        "*[indiquer le représentant du département]*": "Jean Morel",
        "[prénom nom président]": "Jean Morel",
        "[prénom nom préfet]": ("Claire Fontaine", "Isabelle Perrin"),
        "*[indiquer la date de délibération de la commission permanente]*": "23 février 2024",
        "Fait à ... le ...": "Fait à Bourg-en-Bresse le 22 mars 2024",
        "Convention n°...": "Convention n° CIE-2024-01D",
        "Montant :": "Montant : 1 130 000,00 € (un million cent trente mille euros)",
        "Un montant de XX € (--- euros)": "Un montant de 1 130 000,00 € (un million cent trente mille euros)",
        "- XX€ (--- euros) au titre du volet 1": "- 180 000,00 € (cent quatre-vingt mille euros) au titre du volet 1",
        "- XX€ (--- euros) au titre du volet 2": "- 950 000,00 € (neuf cent cinquante mille euros) au titre du volet 2",
        "Dénomination sociale :": "Dénomination sociale : Paierie départementale de l'Ain",
        "L'ordonnateur de la dépense est *[A compléter]*": "L'ordonnateur de la dépense est le préfet de l'Ain",
        "Le comptable assignataire de la dépense est *[A compléter]*": (
            "Le comptable assignataire de la dépense est le directeur régional des finances publiques "
            "d'Auvergne-Rhône-Alpes"
        ),
        "CF\t": "CF 0102-CDIE-D01",
        "N° TIERS Chorus\t": "N° TIERS Chorus 1000001",
    },
    "59D": {
        "de *[indiquer le nom du département]*": "du Nord",
        "de *[nom du Département]*": "du Nord",
        "de *[nom du département]*": "du Nord",
        "de *[nom de la région]*": "des Hauts-de-France",
        "de *[nom du tribunal administratif]*": "de Lille",
        "*[indiquer le représentant de l'Etat]*": "Anne Lefebvre",
        "*[indiquer le représentant du département]*": "Paul Dumont",
        "[prénom nom président]": "Paul Dumont",
        "[prénom nom préfet]": ("Anne Lefebvre", "Thomas Lambert"),
        # Finalised, not yet approved nor signed: the date and the day of signature are still blank.
        "*[indiquer la date de délibération de la commission permanente]*": "[à compléter]",
        "Fait à ... le ...": "Fait à Lille le ...",
        "Convention n°...": "Convention n° CIE-2024-59D",
        "Montant :": "Montant : 5 820 000,00 € (cinq millions huit cent vingt mille euros)",
        "Un montant de XX € (--- euros)": "Un montant de 5 820 000,00 € (cinq millions huit cent vingt mille euros)",
        "- XX€ (--- euros) au titre du volet 1": "- 420 000,00 € (quatre cent vingt mille euros) au titre du volet 1",
        "- XX€ (--- euros) au titre du volet 2": (
            "- 3 900 000,00 € (trois millions neuf cent mille euros) au titre du volet 2"
        ),
        # The model's choice: « le cas échéant » the volet 3 amount; the Nord is a new volet 3 territory.
        "- Le cas échéant XX€ (--- euros) au titre du volet 3": (
            "- 1 500 000,00 € (un million cinq cent mille euros) au titre du volet 3"
        ),
        "Dénomination sociale :": "Dénomination sociale : Paierie départementale du Nord",
        "L'ordonnateur de la dépense est *[A compléter]*": "L'ordonnateur de la dépense est le préfet du Nord",
        "Le comptable assignataire de la dépense est *[A compléter]*": (
            "Le comptable assignataire de la dépense est le directeur régional des finances publiques "
            "des Hauts-de-France"
        ),
        "CF\t": "CF 0102-CDIE-D59",
        "N° TIERS Chorus\t": "N° TIERS Chorus 1000059",
    },
    "38D": {
        "de *[indiquer le nom du département]*": "de l'Isère",
        "de *[nom du Département]*": "de l'Isère",
        "de *[nom du département]*": "de l'Isère",
        "de *[nom de la région]*": "d'Auvergne-Rhône-Alpes",
        "de *[nom du tribunal administratif]*": "de Grenoble",
        "*[indiquer le représentant de l'Etat]*": "Sophie Garnier",
        "*[indiquer le représentant du département]*": "Luc Bernard",
        "[prénom nom président]": "Luc Bernard",
        "[prénom nom préfet]": ("Sophie Garnier", "Isabelle Perrin"),
        "*[indiquer la date de délibération de la commission permanente]*": "[à compléter]",
        "Fait à ... le ...": "Fait à Grenoble le ...",
        "Convention n°...": "Convention n° CIE-2024-38D",
        "Montant :": "Montant : 1 660 000,00 € (un million six cent soixante mille euros)",
        "Un montant de XX € (--- euros)": "Un montant de 1 660 000,00 € (un million six cent soixante mille euros)",
        "- XX€ (--- euros) au titre du volet 1": "- 260 000,00 € (deux cent soixante mille euros) au titre du volet 1",
        "- XX€ (--- euros) au titre du volet 2": (
            "- 1 400 000,00 € (un million quatre cent mille euros) au titre du volet 2"
        ),
        "Dénomination sociale :": "Dénomination sociale : Paierie départementale de l'Isère",
        "L'ordonnateur de la dépense est *[A compléter]*": "L'ordonnateur de la dépense est le préfet de l'Isère",
        "Le comptable assignataire de la dépense est *[A compléter]*": (
            "Le comptable assignataire de la dépense est le directeur régional des finances publiques "
            "d'Auvergne-Rhône-Alpes"
        ),
        "CF\t": "CF 0102-CDIE-D38",
        "N° TIERS Chorus\t": "N° TIERS Chorus 1000038",
    },
    "02D": {
        "de *[indiquer le nom du département]*": "de l'Aisne",
        "de *[nom du Département]*": "de l'Aisne",
        "de *[nom du département]*": "de l'Aisne",
        "de *[nom de la région]*": "des Hauts-de-France",
        "de *[nom du tribunal administratif]*": "d'Amiens",
        "*[indiquer le représentant de l'Etat]*": "Marc Girard",
        "*[indiquer le représentant du département]*": "Hélène Roux",
        "[prénom nom président]": "Hélène Roux",
        "[prénom nom préfet]": ("Marc Girard", "Thomas Lambert"),
        "*[indiquer la date de délibération de la commission permanente]*": "[à compléter]",
        "Fait à ... le ...": "Fait à Laon le ...",
        "Convention n°...": "Convention n° CIE-2024-02D",
        "Montant :": "Montant : 1 290 000,00 € (un million deux cent quatre-vingt-dix mille euros)",
        "Un montant de XX € (--- euros)": (
            "Un montant de 1 290 000,00 € (un million deux cent quatre-vingt-dix mille euros)"
        ),
        "- XX€ (--- euros) au titre du volet 1": (
            "- 190 000,00 € (cent quatre-vingt-dix mille euros) au titre du volet 1"
        ),
        "- XX€ (--- euros) au titre du volet 2": "- 1 100 000,00 € (un million cent mille euros) au titre du volet 2",
        "Dénomination sociale :": "Dénomination sociale : Paierie départementale de l'Aisne",
        "L'ordonnateur de la dépense est *[A compléter]*": "L'ordonnateur de la dépense est le préfet de l'Aisne",
        "Le comptable assignataire de la dépense est *[A compléter]*": (
            "Le comptable assignataire de la dépense est le directeur régional des finances publiques "
            "des Hauts-de-France"
        ),
        "CF\t": "CF 0102-CDIE-D02",
        "N° TIERS Chorus\t": "N° TIERS Chorus 1000002",
    },
}
COMMON = {
    "Vu la loi n° ... du ... de finances pour 2024": "Vu la loi n° 2023-1322 du 29 décembre 2023 de finances pour 2024",
    "1^{er}": "1er",
    "Action :": "Action : 01",
    "Sous-action :": "Sous-action : 03",
    "Activité :": "Activité : 010201010101",
    "GM :": "GM : 10.01.01",
    "Code établissement :": "Code établissement : 30001",
    "Code guichet :": "Code guichet : 00794",
    "Numéro de compte :": "Numéro de compte : 12345678901",
    "Clé RIB :": "Clé RIB : 85",
    "IBAN :": "IBAN : FR76 3000 1007 9412 3456 7890 185",
    "BIC :": "BIC : BDFEFRPPCCT",
    "DF\t": "DF 0102-01-03",
    "Activité\t": "Activité 010201010101",
    "GM action de la CV\t": "GM action de la CV 10.01.01",
}
# The bracketed volet 3 paragraphs of article 3.1: the pilot one never applies to the demo, the new-territory
# one only to the Nord.
PILOT = "[Pour les 18 territoires pilotes"
NEW_TERRITORY = "Pour les nouveaux territoires retenus au titre du volet 3"


def model_sentences(code: str, volet3: bool) -> list[str]:
    """Annexe 7 from the instruction file, its fields filled with the values above, one string a paragraph."""
    lines = INSTRUCTION.read_text(encoding="utf-8").splitlines()
    start = lines.index("Modèle de convention départementale")
    end = lines.index("ANNEXE 1 - Plan d'action : Fiche action (volet 2)", start)
    result = []
    # The département's prefect signs first, the regional prefect last: both are « [prénom nom préfet] ».
    prefects = list(FILLED[code]["[prénom nom préfet]"])
    for line in lines[start + 1 : end]:
        if line == "[prénom nom préfet]":
            result.append(prefects.pop(0))
            continue
        if not line.strip() or line.strip() == ".":
            continue
        if line.startswith(PILOT) or (line.startswith(NEW_TERRITORY) and not volet3):
            continue
        if "Le cas échéant" in line and not volet3:
            continue
        for field, value in sorted({**COMMON, **FILLED[code]}.items(), key=lambda item: -len(item[0])):
            if isinstance(value, str):
                line = line.replace(field, value)
        line = line.replace("présente convention].", "présente convention.")
        result.append(normalise(line.removeprefix("- ").removeprefix(" - ")))
    return result


def normalise(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\t", " ").split())


def pdf_text(data: bytes) -> str:
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    text = re.sub(r"-\n", "-", "\n".join(pages))  # a line broken after a hyphen: « co-\nfinancement »
    text = re.sub(r"^(RÉPUBLIQUE FRANÇAISE|Page \d+ / \d+)$", " ", text, flags=re.M)
    return normalise(text.replace("•", " ").replace("◦", " "))


def docx_text(data: bytes) -> str:
    word = docx.Document(io.BytesIO(data))
    parts = []
    for element in word.element.body.iterchildren():
        if element.tag.endswith("}p"):
            parts.append(docx.text.paragraph.Paragraph(element, word).text)
        elif element.tag.endswith("}tbl"):
            for row in docx.table.Table(element, word).rows:
                parts += [cell.text for cell in row.cells]
    return normalise(" ".join(parts))


def differences(sentences: list[str], text: str) -> tuple[list[str], list[str]]:
    """(model sentences missing from the document, document text the model does not have), before the annexes."""
    body = text[: text.index("ANNEXES Annexe 1 - Plan d'action")]
    missing, cursor, kept = [], 0, []
    for sentence in sentences:
        found = body.find(sentence, cursor)
        if found < 0:
            missing.append(sentence)
            continue
        kept.append(body[cursor:found])
        cursor = found + len(sentence)
    kept.append(body[cursor:])
    extra = [piece.strip() for piece in kept if piece.strip()]
    return missing, extra


GENERATED: dict[str, dict[str, bytes]] = {}


@pytest.fixture
def demo_documents(db):
    """The Word and PDF files of two demo conventions, generated by the first test that asks (the files do not
    depend on the test; the data is rolled back after each test as usual)."""
    if not GENERATED:
        seed_demo_accounts()
        seed_demo_funding()
        seed_demo_conventions(prepare=add_demo_plan)
        for code in FILLED:
            convention = Convention.objects.get(collectivity__code=code, year=2024)
            services.generate_documents(convention=convention, by=None)
            latest = ConventionDocument.objects.filter(convention=convention).order_by("-pk")
            GENERATED[code] = {d.kind: bytes(d.content) for d in latest[:2]}
    return GENERATED


@pytest.mark.parametrize("code, volet3", [("01D", False), ("59D", True), ("38D", False), ("02D", False)])
@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_the_convention_is_annexe_7_word_for_word(demo_documents, code, volet3, kind):
    data = demo_documents[code][kind]
    text = pdf_text(data) if kind == "pdf" else docx_text(data)
    assert differences(model_sentences(code, volet3), text) == ([], [])


def test_the_golden_comparison_reports_a_changed_word_and_an_added_sentence():
    sentences = ["ARTICLE 9 – MODIFICATION DE LA CONVENTION", "La présente convention établie pour un an."]
    text = (
        "ARTICLE 9 – MODIFICATION DE LA CONVENTION La présente convention établie pour deux ans. Ajout. "
        "ANNEXES Annexe 1 - Plan d'action"
    )
    assert differences(sentences, text) == (
        ["La présente convention établie pour un an."],
        ["La présente convention établie pour deux ans. Ajout."],
    )


def test_documents_carry_the_annexes_in_order_with_header_and_page_numbers(demo_documents):
    text = pdf_text(demo_documents["59D"]["pdf"])
    annexes = [title for _, title in document.ANNEX_TITLES]
    positions = [text.index(title, text.index("ANNEXES")) for title in annexes]
    assert positions == sorted(positions)
    raw = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(demo_documents["59D"]["pdf"])).pages)
    assert raw.count("RÉPUBLIQUE FRANÇAISE") == raw.count("Page ") > 10
    word = docx.Document(io.BytesIO(demo_documents["59D"]["docx"]))
    assert word.sections[0].header.paragraphs[0].text.startswith("RÉPUBLIQUE FRANÇAISE")
    footer = word.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    assert all(title in docx_text(demo_documents["59D"]["docx"]) for title in annexes)
    assert re.findall(r"\b[a-z0-9]+_[a-z0-9_]+\b", text) == []  # no internal code (natures, rubriques…)
    ain = pdf_text(demo_documents["01D"]["pdf"])
    assert "ANNEXE 1 bis" not in ain and "VOLET 3" not in ain


def test_the_models_choices_follow_the_convention(db):
    somme = Collectivity.objects.get(code="80D")
    Volet3Selection.objects.create(collectivity=somme, year=2024, pilot_since_2023=True)
    convention = ConventionFactory(
        collectivity=somme, deliberation_body=DeliberationBody.COUNCIL, deliberation_date=date(2024, 2, 1)
    )
    text = " ".join(document.text_of(document.model_text(convention)))
    assert "[Pour" not in text and "Pour les 18 territoires pilotes depuis l'année 2023, les modalités" in text
    assert "Pour les nouveaux territoires" not in text
    assert "Vu la délibération du Conseil départemental de la Somme en date du 1er février 2024 autorisant" in text
    assert "Commission permanente" not in text
    assert "du ressort du Tribunal administratif d'Amiens après" in text
    assert "Convention n° CIE-2024-80D" in text
    assert "[à compléter]" in text  # the bank block is not filled in yet
