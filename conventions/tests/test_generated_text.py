"""The Word and PDF conventions are generated from the convention as it is when they are generated, read in one
state under its lock: a page loaded before a change (here the volet 1 amount) does not put its older values beside
the newer plan and version."""

import io
from decimal import Decimal

import docx
import pytest

from conventions import services
from conventions.models import Convention, ConventionDocument
from tests.factories import filled

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
