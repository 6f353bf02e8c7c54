"""Every page and export works for a year other than 2024: with a 2025–2027 campaign in force (the pages open on
its year), a triennial convention signed with its first-year advances, each role follows the links from its home
page with Django's test client, one page of each shape, and opens every page and every export it finds (CSV,
XLSX, ODS, PDF, Word): none fails, none is refused, and the pages that name a year name 2025."""

import re
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qsl, urlparse

import pytest

from accounts.models import Role
from conventions import lifecycle, services
from funding import payments
from funding.models import NationalEnvelope, Payment
from territories.models import Collectivity
from tests.factories import UserFactory, signed, triennial

pytestmark = [pytest.mark.django_db, pytest.mark.once]
D = Decimal
SKIPPED = ("/api/", "/admin/", "/oidc/", "/compte/deconnexion", "/static/", "/media/", "mailto:")
MAX_PAGES = 70  # per role, one of each shape


@pytest.fixture
def campaign_2025():
    NationalEnvelope.objects.create(
        year=2025, total=D("168000000.00"), volet1=D("40000000.00"), volet2=D("105000000.00"), volet3=D("23000000.00")
    )
    dgefp = UserFactory(role=Role.DGEFP, username="dgefp-2025")
    convention = triennial(even_tranches=True)
    convention = signed(convention, dgefp, on=date(2025, 3, 20))
    convention = lifecycle.apply_transition(
        "start_execution", convention=convention, by=dgefp, on=date(2025, 3, 21), lock_version=convention.lock_version
    )
    recorder = UserFactory(role=Role.DGEFP, username="dgefp-comptable")
    for payment in Payment.objects.filter(convention=convention):
        payments.approve_payment(payment_id=payment.pk, by=dgefp)
        payments.mark_paid(payment_id=payment.pk, paid_on=date(2025, 4, 5), chorus_reference="FICTIF", by=recorder)
    services.generate_documents(convention=convention, by=dgefp)
    return convention


def shape(url: str) -> str:
    parsed = urlparse(url)
    path = re.sub(r"/[0-9]+[A-Z]?(?=/|$)", "/N", parsed.path)
    return f"{path}?{','.join(sorted(k for k, _ in parse_qsl(parsed.query)))}"


def links(html: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"#]+)', html):
        href = href.replace("&amp;", "&")
        if href.startswith("/") and not href.startswith("//") and not any(s in href for s in SKIPPED):
            found.append(href)
    return found


def crawl(client) -> tuple[int, int, list[str], set[str]]:
    queue, seen, problems, titles = ["/"], {shape("/")}, [], set()
    pages = downloads = 0
    while queue and pages < MAX_PAGES:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{url} → {response.status_code}")
            continue
        kind = response.get("Content-Type", "")
        if "text/html" not in kind:
            downloads += 1
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if not body:
                problems.append(f"{url} : export vide")
            continue
        pages += 1
        html = response.content.decode()
        titles.update(re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S))
        for link in links(html):
            if shape(link) not in seen:
                seen.add(shape(link))
                queue.append(link)
    return pages, downloads, problems, titles


@pytest.mark.parametrize(
    ("role", "scope"),
    [(Role.DGEFP, {}), (Role.DDETS, {"departement": "01"}), (Role.DEPARTMENTAL_COUNCIL, {"collectivity": "01D"})],
)
def test_every_page_and_export_of_each_role_works_with_a_2025_campaign(client, campaign_2025, role, scope):
    from territories.models import Departement

    if "departement" in scope:
        scope = {"departement": Departement.objects.get(code=scope["departement"])}
    if "collectivity" in scope:
        scope = {"collectivity": Collectivity.objects.get(code=scope["collectivity"])}
    client.force_login(UserFactory(role=role, username=f"agent-{role}", **scope))
    pages, downloads, problems, titles = crawl(client)
    assert problems == []
    assert pages >= 10 and downloads >= 3, (pages, downloads)
    assert any("2025" in title for title in titles), sorted(titles)
    if role == Role.DGEFP:  # a page opened without a year shows the current campaign's
        assert "<h1>Plafonds 2025</h1>" in client.get("/financement/plafonds/").content.decode()
