"""Accessibility: every page each demo role can reach from its home page by following the platform's links, in
Debian's chromium driven by Playwright: no page in error (5xx), no id used twice on a page, no button whose label
the layout cuts (an icon alone where the button says what it does), nothing stretching the page beyond a phone's
screen and no link to a page the person may not open (403 or 404), for every role; no serious or critical violation
of axe-core (npm), checked once per kind of page (the DGEFP's, first, shows every form and button)."""

import os
import re
from collections import deque
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urlparse

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from accounts.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE.read_text(encoding="utf-8") if AXE.exists() else ""
CHROMIUM = "/usr/bin/chromium"
# One account of each role (France Travail: its national account, which reaches the most pages).
ROLES = ["dgefp", "dreets-ara", "ddets-01", "cd-01", "ft-national"]
# Not pages: downloads, exports, the API, sign-out, the administration (Django's own), the identity provider.
SKIPPED = ("/api/", "/admin/", "/oidc/", "/compte/deconnexion", "format=", "/static/", "/media/")
DOWNLOADS = (".csv", ".xlsx", ".pdf", ".docx", ".parquet", ".zip", ".json", ".ods")
MAX_PAGES = 60  # per role: one page of each shape the links lead to, up to this number

pytestmark = [
    pytest.mark.browser,
    pytest.mark.once,
    pytest.mark.skipif(
        not (Path(CHROMIUM).exists() and AXE.exists()) and not os.environ.get("REQUIRE_BROWSER"),
        reason="chromium (paquet Debian) ou axe-core (npm) absent : scripts/test.sh les installe",
    ),
]


@pytest.fixture
def demo(transactional_db, tmp_path):
    settings.INDICATORS_DATA_DIR = tmp_path / "indicateurs"
    call_command("seed_demo", verbosity=0)
    # a saved column mapping (the demo leaves them to the user), for its list and its edit page to be audited
    from indicators import mappings
    from indicators.demo import EXTRACT_HEADERS
    from territories.models import Collectivity

    mappings.save(
        collectivity=Collectivity.objects.get(code="01D"),
        user=None,
        file="orientations",
        columns=EXTRACT_HEADERS["orientations"],
        header=None,
    )


def shape(url: str) -> str:
    """Pages of the same kind are checked once: /conventions/7/ and /conventions/9/, or the detail of each of
    a hundred collectivités, share a shape (identifiers and codes replaced, query values dropped)."""
    parsed = urlparse(url)
    path = re.sub(r"/[0-9]+[A-Z]?(?=/|$)", "/N", parsed.path)
    return f"{path}?{','.join(sorted(k for k, _ in parse_qsl(parsed.query)))}"


def links_of(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "elements => elements.map(e => e.href)")
    found = []
    for href in hrefs:
        url, _ = urldefrag(href)
        parsed = urlparse(url)
        if f"{parsed.scheme}://{parsed.netloc}" != origin:
            continue
        if any(part in url for part in SKIPPED) or parsed.path.lower().endswith(DOWNLOADS):
            continue
        found.append(url)
    return found


DUPLICATE_IDS = """() => {
    const seen = {};
    for (const element of document.querySelectorAll('[id]')) seen[element.id] = (seen[element.id] || 0) + 1;
    return Object.keys(seen).filter(id => seen[id] > 1);
}"""


def duplicate_ids(page) -> list[str]:
    """Any id used twice (a label would point to the wrong field)."""
    return [f"id en double ({id_}) : un libellé peut désigner le mauvais champ" for id_ in page.evaluate(DUPLICATE_IDS)]


CLIPPED_BUTTONS = """() => [...document.querySelectorAll('a.fr-btn, button.fr-btn')]
    .filter(b => b.offsetParent !== null && b.textContent.trim() && b.scrollWidth > b.clientWidth + 2)
    .map(b => b.textContent.trim())"""


def clipped_buttons(page) -> list[str]:
    """A button whose label overflows its box: DSFR shows a button with an icon, in a group of small buttons
    without fr-btns-group--icon-left, as the icon alone, and the label is lost to the eye."""
    return [f"bouton au libellé coupé (icône seule) : « {label} »" for label in page.evaluate(CLIPPED_BUTTONS)]


PHONE, SCREEN = {"width": 390, "height": 844}, {"width": 1280, "height": 720}
PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def wider_than_a_phone(page) -> list[str]:
    """The page laid out on a phone's screen (390 px): nothing may stretch it sideways (tables scroll in their own
    box); the same page is then laid out again on a computer's screen."""
    page.set_viewport_size(PHONE)
    try:
        width = page.evaluate(PAGE_WIDTH)
    finally:
        page.set_viewport_size(SCREEN)
    return (
        [f"page plus large qu'un écran de téléphone ({width} px pour {PHONE['width']})"]
        if width > PHONE["width"]
        else []
    )


def serious_violations(page) -> list[str]:
    """axe's serious and critical violations."""
    assert AXE_SOURCE, f"{AXE} absent : lancez « npm ci » (scripts/test.sh le fait)"
    page.add_script_tag(content=AXE_SOURCE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}) : {v['help']} – {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def open_page(page, url: str):
    """The response to a link, or None for a link to a file (a download, not a page)."""
    try:
        return page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return None
        raise


def crawl(page, origin: str, username: str, audited: set[str], problems: dict[str, set[str]]) -> int:
    """Follow the links from the home page, one page of each shape; record what each page breaks. axe runs
    once per shape over all roles (the DGEFP, first, sees every form); ids and links are checked for every
    role. Returns the number of pages checked."""
    queue, seen, checked = deque([f"{origin}/"]), {shape(f"{origin}/")}, 0
    found_on = {}  # link → the page that shows it
    while queue and checked < MAX_PAGES:
        url = queue.popleft()
        response = open_page(page, url)
        if response is not None and response.status in (403, 404):
            problems.setdefault(f"lien vers une page refusée ({response.status})", set()).add(
                f"{username} {found_on.get(url, '?')[len(origin) :]} → {url[len(origin) :]}"
            )
            continue
        if response is not None and response.status >= 500:
            problems.setdefault(f"page en erreur ({response.status})", set()).add(
                f"{username} {found_on.get(url, '?')[len(origin) :]} → {url[len(origin) :]}"
            )
            continue
        if response is None or response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
            continue
        checked += 1
        found = duplicate_ids(page) + clipped_buttons(page) + wider_than_a_phone(page)
        if shape(url) not in audited:
            audited.add(shape(url))
            found += serious_violations(page)
        for violation in found:
            problems.setdefault(violation.split(" – ")[0], set()).add(f"{username} {url[len(origin) :]}")
        for link in links_of(page, origin):
            if shape(link) not in seen:
                seen.add(shape(link))
                queue.append(link)
                found_on[link] = url
    return checked


def log_in(context, origin: str, username: str):
    page = context.new_page()
    page.goto(f"{origin}/compte/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{origin}/")
    return page


def test_every_page_of_every_role_has_no_serious_accessibility_violation(live_server, demo):
    origin = live_server.url
    problems, visited, audited = {}, {}, set()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for username in ROLES:
            # bypass_csp: axe is injected as an inline script, which the platform's policy rightly refuses
            context = browser.new_context(locale="fr-FR", bypass_csp=True, viewport=SCREEN)
            visited[username] = crawl(log_in(context, origin, username), origin, username, audited, problems)
            context.close()
        browser.close()
    connections.close_all()
    assert all(count >= 5 for count in visited.values()), visited  # the crawl went somewhere for each role
    assert "/indicateurs/collectivites/N/correspondances/orientations/modifier/?" in audited  # the mapping, reopened
    report = "\n".join(f"{rule} : {sorted(pages)[:5]}" for rule, pages in sorted(problems.items()))
    assert not problems, f"{len(problems)} problème(s) (pages visitées : {visited}) :\n{report}"
    print(f"Pages contrôlées par rôle : {visited}")
