"""Builds docx/convention.docx, the docxtpl template of the convention (run once; the file is committed,
and a civil servant may restyle it in Word as long as the {{ }} and {%p %} tags stay)."""

from pathlib import Path

from docx import Document
from docx.shared import Pt

document = Document()
style = document.styles["Normal"]
style.font.name = "Marianne"
style.font.size = Pt(10)
document.add_paragraph("{%p for section in sections %}")
document.add_heading("{{ section.title }}", level=2)
document.add_paragraph("{%p for paragraph in section.paragraphs %}")
document.add_paragraph("{{ paragraph }}")
document.add_paragraph("{%p endfor %}")
document.add_paragraph("{%p endfor %}")
document.save(Path(__file__).resolve().parent / "convention.docx")
