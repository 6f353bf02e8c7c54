"""The Word layout of the convention (python-docx): A4, « République française » header, « Page n / N » footer,
the same blocks as the PDF (conventions.document)."""

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

STYLES = {
    "title": "Title",
    "article": "Heading 1",
    "subarticle": "Heading 2",
    "item": "List Bullet",
    "subitem": "List Bullet 2",
}


def word_document(convention, parts):
    document = Document()
    _page_setup(document)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    for kind, members in parts:
        if kind == "table":
            _table(document, [m.cells for m in members], header=[m.kind == "header" for m in members])
        elif kind == "masthead":
            _masthead(document, members)
        elif kind == "signatures":
            _signatures(document, members)
        elif kind == "banks":
            for member in members:
                document.add_paragraph(member.text)
        else:
            _block(document, members[0])
    return document


def _page_setup(document):
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    header = section.header.paragraphs[0]
    run = header.add_run("RÉPUBLIQUE FRANÇAISE")
    run.bold = True
    header.add_run("\nMinistère du travail, du plein emploi et de l'insertion").font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES")


def _field(paragraph, code: str):
    """A field Word computes when it lays the page out (page number, number of pages)."""
    run = paragraph.add_run()
    for tag, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if tag:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        elif text == code:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {code} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _block(document, block):
    if block.kind == "annex":
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(block.text, level=1)
    elif block.kind in STYLES:
        style = STYLES[block.kind]
        if style.startswith("Heading") or style == "Title":
            heading = document.add_heading(block.text, level={"Title": 0, "Heading 1": 1, "Heading 2": 2}[style])
            if style == "Title":
                heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            document.add_paragraph(block.text, style=style)
    elif block.kind == "label":
        document.add_paragraph().add_run(block.text).bold = True
    else:
        document.add_paragraph(block.text)


def _table(document, rows, header):
    width = max(len(cells) for cells in rows)
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cells, is_header in zip(rows, header, strict=True):
        row = table.add_row().cells
        for index, text in enumerate(cells):
            row[index].text = text
            for paragraph in row[index].paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8 if width > 3 else 9)
                    run.bold = is_header
    document.add_paragraph()


def _masthead(document, members):
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    logo, imputation = table.rows[0].cells
    logo.text = "\n".join(m.text for m in members if m.kind == "logo")
    imputation.text = "\n".join(m.text for m in members if m.kind == "imputation")
    document.add_paragraph()


def _signatures(document, members):
    table = document.add_table(rows=1, cols=len(members))
    for cell, member in zip(table.rows[0].cells, members, strict=True):
        cell.text = "\n".join(member.cells)
        # Room to sign under each name.
        cell.add_paragraph("\n\n\n")
