"""End to end in a real browser: Debian chromium driven by Playwright."""

import os
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from accounts.models import Role
from conventions.models import Convention
from tests.factories import financeable

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("REQUIRE_BROWSER"),
        reason="chromium (paquet Debian) absent : scripts/test.sh l'installe quand il le peut",
    ),
]


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # Playwright's loop gives the test its own asgiref context, hence its own database
        # connections: close them here, or PostgreSQL cannot drop the test database.
        connections.close_all()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def log_in(page, base_url, username):
    page.goto(f"{base_url}/")
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test-1")
    page.locator("main").get_by_role("button", name="Se connecter").click()


def confirmed(page, action: str, consequence: str):
    """An irreversible action: its button opens the DSFR modal that names the consequence; confirm there."""
    page.get_by_test_id(f"open-confirm-{action}").click()
    expect(page.get_by_test_id(f"consequence-{action}")).to_be_visible()
    expect(page.get_by_test_id(f"consequence-{action}")).to_contain_text(consequence)
    page.get_by_test_id(f"confirm-{action}").click()


def log_out(page, base_url):
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{base_url}/")
    expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()


def test_council_agent_and_dreets_agent_see_their_own_home(live_server, make_user, page):
    make_user(Role.DEPARTMENTAL_COUNCIL, "01D", username="cd-ain", first_name="Jules")
    make_user(Role.DREETS, "84", username="dreets-ara", first_name="Dominique")

    log_in(page, live_server.url, "cd-ain")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Jules")
    expect(page.get_by_test_id("role")).to_have_text("Conseil départemental")
    expect(page.get_by_test_id("home-collectivities").get_by_role("row")).to_have_count(2)  # header + Ain
    expect(page.get_by_test_id("home-collectivities")).to_contain_text("Ain")
    expect(page.get_by_test_id("home-regions")).to_have_count(0)
    log_out(page, live_server.url)

    log_in(page, live_server.url, "dreets-ara")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Dominique")
    expect(page.get_by_test_id("role")).to_have_text("DREETS (région)")
    expect(page.get_by_test_id("home-regions")).to_contain_text("Auvergne-Rhône-Alpes")
    # Thirteen collectivités in Auvergne-Rhône-Alpes (twelve départements, the 69 being the Rhône and the
    # Métropole de Lyon), plus the header row.
    expect(page.get_by_test_id("home-collectivities").get_by_role("row")).to_have_count(14)
    page.get_by_role("link", name="Métropole de Lyon").click()
    expect(page.get_by_test_id("rsa-households")).to_contain_text("ne peut pas être répartie")
    log_out(page, live_server.url)

    # The DSFR scripts ran under the content security policy without any violation.
    assert page.errors == []


def test_council_agent_uploads_a_faulty_delivery_fixes_it_and_reads_its_indicators(
    live_server, make_user, page, settings, tmp_path
):
    from indicators.tests.examples import example_zip

    settings.INDICATORS_DATA_DIR = tmp_path / "indicateurs"
    make_user(Role.DEPARTMENTAL_COUNCIL, "01D", username="cd-ain", first_name="Jules")
    faulty, fixed = tmp_path / "livraison-avec-erreur.zip", tmp_path / "livraison-corrigee.zip"
    faulty.write_bytes(
        example_zip(replace=("situations_mensuelles.csv", "B05;2024-02;versable", "B05;2024-02;payé")).read()
    )
    fixed.write_bytes(example_zip().read())

    log_in(page, live_server.url, "cd-ain")
    page.get_by_role("link", name="Ain").click()
    page.get_by_role("link", name="Indicateurs de pilotage").click()
    page.get_by_role("link", name="Livraisons de données et dépôt").click()
    page.set_input_files("#id_files", str(faulty))
    page.get_by_role("button", name="Déposer").click()
    expect(page.get_by_test_id("delivery-status")).to_contain_text("Livraison refusée : rien n'a été enregistré")
    expect(page.get_by_test_id("delivery-issues")).to_contain_text(
        "situations_mensuelles.csv, ligne 51, colonne « etat_droit », valeur « payé »"
    )

    page.get_by_role("link", name="Livraisons", exact=True).click()
    page.set_input_files("#id_files", str(fixed))
    page.get_by_role("button", name="Déposer").click()
    expect(page.get_by_test_id("delivery-status")).to_contain_text("Livraison acceptée")
    page.get_by_role("link", name="Voir les indicateurs").click()
    february = page.get_by_test_id("volet2").get_by_role("row").filter(has_text="02/2024")
    expect(february).to_contain_text("3")
    expect(page.get_by_test_id("comments")).to_contain_text("Absences au rendez-vous d'orientation : 1.")
    page.get_by_role("link", name="Personnes à orienter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nouveaux entrants à orienter – 04/2024")
    assert page.errors == []


def test_council_agent_maps_its_own_extract_uploads_it_as_it_is_and_reads_its_indicators(
    live_server, make_user, page, settings, tmp_path
):
    from indicators.tests import extracts

    settings.INDICATORS_DATA_DIR = tmp_path / "indicateurs"
    make_user(Role.DEPARTMENTAL_COUNCIL, "01D", username="cd-ain", first_name="Jules")
    situations, orientations = extracts.extract(tmp_path, "xlsx")

    log_in(page, live_server.url, "cd-ain")
    page.goto(f"{live_server.url}/indicateurs/collectivites/01D/livraisons/")
    page.get_by_role("link", name="correspondance de colonnes").click()
    expect(page.get_by_test_id("mappings")).to_contain_text("Aucune correspondance")
    for name, sample in (("situations_mensuelles", situations), ("orientations", orientations)):
        page.get_by_label("Fichier du format qu'il remplace").select_option(name)
        page.set_input_files("#id_sample", str(sample))
        page.get_by_role("button", name="Lire l'en-tête et proposer").click()
        expect(page.get_by_test_id("sample-lines")).to_contain_text("•••")  # the identifiers, hidden
        identifier = page.locator("#id_colonne_id_rsa")
        expect(identifier).to_have_value("N° CAF" if name == "situations_mensuelles" else "Code individu IODAS")
        if name == "situations_mensuelles":
            reception = page.locator("#id_colonne_date_reception_notification")
            expect(reception).to_have_value("")  # in no synonym list: the agent chooses it
            reception.select_option("Date réception (CAF)")
        page.get_by_role("button", name="Enregistrer la correspondance").click()
        expect(page.get_by_role("alert")).to_contain_text(f"Correspondance enregistrée pour {name}")
    expect(page.get_by_test_id("mappings")).to_contain_text("« Date réception (CAF) »")
    # reopened without a sample: its own choices, saved again as they are
    page.get_by_role("link", name="Modifier la correspondance de situations_mensuelles").click()
    expect(page.get_by_test_id("without-sample")).to_be_visible()
    expect(page.locator("#id_colonne_date_reception_notification")).to_have_value("Date réception (CAF)")
    page.get_by_role("button", name="Enregistrer la correspondance").click()
    expect(page.get_by_role("alert")).to_contain_text("Correspondance enregistrée pour situations_mensuelles")

    page.goto(f"{live_server.url}/indicateurs/collectivites/01D/livraisons/")
    page.set_input_files("#id_files", [str(situations), str(orientations)])
    page.get_by_role("button", name="Déposer").click()
    expect(page.get_by_test_id("delivery-status")).to_contain_text("Livraison acceptée")
    page.get_by_role("link", name="Voir les indicateurs").click()
    february = page.get_by_test_id("volet2").get_by_role("row").filter(has_text="02/2024")
    cells = february.get_by_role("cell")
    # nouveaux entrants, T0 inconnu (the mapped reception date), orientés en 15 jours, orientés en 1 mois
    for index, value in ((1, "3"), (2, "0"), (3, "1"), (5, "3")):
        expect(cells.nth(index)).to_have_text(value)
    assert page.errors == []


def test_ddets_and_council_take_a_convention_from_draft_to_signed(live_server, make_user, page):
    make_user(Role.DDETS, "01", username="ddets-ain", first_name="Alex")
    make_user(Role.DEPARTMENTAL_COUNCIL, "01D", username="cd-ain", first_name="Jules")

    log_in(page, live_server.url, "ddets-ain")
    page.get_by_role("link", name="Conventions").first.click()
    page.get_by_role("link", name="Nouvelle convention").click()
    page.get_by_label("Collectivité").select_option(label="Ain")
    page.get_by_label("Année").fill("2024")
    page.get_by_role("button", name="Créer").click()
    expect(page.get_by_test_id("state")).to_have_text("Brouillon")
    page.get_by_role("link", name="Modifier", exact=True).click()
    page.get_by_label("Volet 1 – chefferie de projet (€)").fill("250 000,00")
    page.get_by_label("Volet 2 – offre de solutions locales (€)").fill("1 000 000,00")
    page.get_by_label("préfet(e) de département").fill("Préfète fictive")
    page.get_by_label("président(e) du conseil départemental").fill("Président fictif")
    page.get_by_label("préfet(e) de région (BOP 102)").fill("Préfet de région fictif")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("amounts")).to_contain_text("(un million deux cent cinquante mille euros)")
    page.get_by_test_id("step-open_negotiation").get_by_label("Date de l'étape").fill("2024-01-10")
    page.get_by_test_id("step-open_negotiation").get_by_role("button").click()
    page.get_by_test_id("step-finalise").get_by_label("Date de l'étape").fill("2024-01-25")
    # Finalising cannot be undone: the modal says so, and « Annuler » leaves the convention as it was.
    page.get_by_test_id("open-confirm-finalise").click()
    expect(page.get_by_test_id("consequence-finalise")).to_contain_text("la négociation ne peut pas être rouverte")
    page.locator("#confirm-finalise").get_by_role("button", name="Annuler").click()
    expect(page.get_by_test_id("consequence-finalise")).to_be_hidden()
    expect(page.get_by_test_id("state")).to_have_text("En négociation")
    confirmed(page, "finalise", "la négociation ne peut pas être rouverte")
    # Not without ceilings, a financing plan and a fiche action: the page says which rule refuses.
    expect(page.locator(".fr-alert--error")).to_contain_text("sans plafond notifié pour ce volet (R-FIN-03)")
    expect(page.get_by_test_id("state")).to_have_text("En négociation")
    financeable(Convention.objects.get(collectivity__code="01D", year=2024))
    page.get_by_test_id("step-finalise").get_by_label("Date de l'étape").fill("2024-01-25")
    confirmed(page, "finalise", "la négociation ne peut pas être rouverte")
    expect(page.get_by_test_id("state")).to_have_text("Finalisée")
    log_out(page, live_server.url)

    log_in(page, live_server.url, "cd-ain")
    page.get_by_role("link", name="Conventions").first.click()
    page.get_by_test_id("conventions").get_by_role("link", name="Ain").click()
    # Steps are dated in their order: a délibération before the finalisation is refused, and says why.
    page.get_by_label("Date de la délibération").fill("2024-01-20")
    page.get_by_test_id("step-approve").get_by_role("button").click()
    expect(page.locator(".fr-alert--error")).to_contain_text("précède l'étape précédente « Finaliser » du 25/01/2024")
    page.get_by_label("Date de la délibération").fill("2024-02-20")
    page.get_by_test_id("step-approve").get_by_role("button").click()
    expect(page.get_by_test_id("state")).to_have_text("Approuvée par l'assemblée délibérante")
    page.get_by_label("Signature du préfet de département").fill("2024-03-01")
    page.get_by_label("Signature du président du conseil départemental").fill("2024-03-04")
    page.get_by_label("Signature du préfet de région").fill("2024-03-08")
    confirmed(page, "sign", "l'avance de 60 % de chaque volet est proposée au paiement")
    expect(page.get_by_test_id("state")).to_have_text("Signée")
    expect(page.get_by_test_id("timeline")).to_contain_text("08/03/2024 : Signée")
    page.get_by_role("button", name="Générer la convention (Word et PDF)").click()
    for label, suffix in (("Convention (Word, modifiable)", ".docx"), ("Convention (PDF)", ".pdf")):
        with page.expect_download() as download:
            page.get_by_test_id("documents").get_by_role("link", name=label).click()
        assert download.value.suggested_filename == f"convention-01D-2024-v0{suffix}"
        assert Path(download.value.path()).stat().st_size > 5000
    assert page.errors == []


def test_council_agent_sees_the_rule_its_plan_breaks_and_fixes_it(live_server, make_user, page):
    from decimal import Decimal

    from conventions import services
    from funding.models import Ceiling, PlanLine
    from territories.models import Collectivity

    isere = Collectivity.objects.get(code="38D")
    convention = services.convention_create(collectivity=isere, year=2024)
    Ceiling.objects.create(collectivity=isere, year=2024, volet=2, amount=Decimal("2000000"), source="saisie")
    PlanLine.objects.create(
        convention=convention, volet=2, section="remobilisation", nature="prestation_accompagnement",
        purpose="Ateliers", state_amount=Decimal("900000"), collectivity_amount=Decimal("500000"),
    )  # fmt: skip
    make_user(Role.DEPARTMENTAL_COUNCIL, "38D", username="cd-isere", first_name="Lou")

    log_in(page, live_server.url, "cd-isere")
    page.goto(f"{live_server.url}/financement/conventions/{convention.pk}/plan/")
    rules = page.get_by_test_id("rules")
    expect(rules).to_contain_text("Volet 2 : le département finance 35,71\u00a0% du coût total, il faut au moins 50 %")
    amount = page.get_by_test_id("volet-2").locator("input[name$='collectivity_amount']")
    amount.fill("900 000,00")
    amount.press("Tab")
    expect(rules).to_contain_text("Volet 2 : cofinancement du département de 50,00\u00a0% (au moins 50 %).")
    expect(page.locator(".fr-alert--success")).to_contain_text("Ligne « Ateliers » enregistrée")
    assert amount.get_attribute("aria-label") == "Part collectivité (€) – ligne « Ateliers »"
    expect(page.get_by_test_id("state-total-2")).to_have_text("900\u00a0000,00\u00a0€")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en Excel").click()
    assert download.value.suggested_filename == "plan-de-financement-38D-2024.xlsx"
    assert page.errors == []


def test_dgefp_drills_down_from_the_nation_to_a_departement(live_server, make_user, page):
    make_user(Role.DGEFP, username="dgefp-agent", first_name="Camille")
    log_in(page, live_server.url, "dgefp-agent")
    page.get_by_role("link", name="Pilotage").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pilotage national")
    page.get_by_test_id("regions").get_by_role("link", name="Auvergne-Rhône-Alpes").click()
    expect(page.get_by_test_id("region-collectivities")).to_contain_text("Métropole de Lyon")
    page.get_by_test_id("region-collectivities").get_by_role("link", name="Ain").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilotage – Ain")
    expect(page.get_by_test_id("baseline")).to_contain_text("Part des personnes orientées (%)")
    page.get_by_role("button", name="Créer un lien").click()
    shared = page.locator(".fr-alert--success").inner_text().split(" : ", 1)[1].strip()
    context = page.context.browser.new_context()
    visitor = context.new_page()
    visitor.goto(shared)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Indicateurs de pilotage – Ain")
    expect(visitor.get_by_role("link", name="Se connecter").first).to_be_visible()
    context.close()
    assert page.errors == []


def test_an_avenant_is_proposed_first_time_with_its_prefilled_end_date(live_server, make_user, page):
    from decimal import Decimal

    from territories.models import Collectivity
    from tests.factories import ConventionFactory, signed

    agent = make_user(Role.DDETS, "01", username="ddets-ain")
    convention = signed(
        ConventionFactory(collectivity=Collectivity.objects.get(code="01D"), amount_volet1=Decimal("200000.00")),
        agent,
    )
    log_in(page, live_server.url, "ddets-ain")
    page.goto(f"{live_server.url}/conventions/{convention.pk}/")
    page.get_by_text("Proposer un avenant").click()
    end = page.get_by_label("Date de fin")
    expect(end).to_have_value("2024-12-31")  # the date picker's own format: sent as it is
    page.get_by_label("Objet de l'avenant").fill("Prolongation du volet 1")
    page.get_by_label("Volet 1 (€)").fill("210 000,00")
    page.get_by_role("button", name="Proposer").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("Avenant proposé")
    assert convention.amendments.get().end_date.isoformat() == "2024-12-31"
    assert page.errors == []


def test_negotiation_loop_with_the_inbox_and_the_mail(live_server, make_user, page, mailoutbox):
    from decimal import Decimal

    from territories.models import Collectivity
    from tests.factories import CeilingFactory, ConventionFactory, PlanLineFactory

    isere = Collectivity.objects.get(code="38D")
    convention = ConventionFactory(collectivity=isere, amount_volet1=Decimal("100000.00"), state="negociation")
    CeilingFactory(collectivity=isere, volet=1, amount=Decimal("300000.00"))
    line = PlanLineFactory(convention=convention, volet=1, state_amount=Decimal("90000.00"), purpose="Chef de projet")
    make_user(Role.DEPARTMENTAL_COUNCIL, "38D", username="cd-isere", email="cd@isere.invalid")
    make_user(Role.DDETS, "38", username="ddets-isere", email="ddets@isere.invalid")
    thread = page.get_by_test_id("negotiation")

    log_in(page, live_server.url, "cd-isere")
    page.goto(f"{live_server.url}/conventions/{convention.pk}/")
    thread.get_by_label("Message").fill("Notre plan pour 2024.")
    thread.get_by_role("button", name="Soumettre le plan à la DDETS").click()
    expect(page.get_by_test_id("negotiation-status")).to_have_text("Soumis à la DDETS")
    log_out(page, live_server.url)

    log_in(page, live_server.url, "ddets-isere")
    assert [m.to for m in mailoutbox] == [["ddets@isere.invalid"]]
    expect(page.get_by_test_id("inbox-link")).to_contain_text("1 non lue")
    page.get_by_test_id("inbox-link").click()
    page.get_by_role("link", name="Plan soumis à la DDETS : Convention 2024 – Isère").click()
    expect(page.get_by_test_id("thread")).to_contain_text("Notre plan pour 2024.")
    thread.get_by_label("À propos de").select_option(label="Ligne du plan : Volet 1 – Chef de projet")
    thread.get_by_label("Message").fill("La part de l'État doit être de 100 000 €.")
    thread.get_by_role("button", name="Demander des modifications").click()
    expect(page.get_by_test_id("negotiation-status")).to_have_text("Modifications demandées par la DDETS")
    log_out(page, live_server.url)

    log_in(page, live_server.url, "cd-isere")
    expect(page.get_by_test_id("tasks")).to_contain_text("Modifier le plan : modifications demandées par la DDETS")
    expect(page.get_by_test_id("tasks")).to_contain_text("La part de l'État doit être de 100 000 €.")
    line.state_amount = Decimal("100000.00")
    line.save()
    page.goto(f"{live_server.url}/conventions/{convention.pk}/")
    thread.get_by_role("button", name="Soumettre le plan à la DDETS").click()
    log_out(page, live_server.url)

    log_in(page, live_server.url, "ddets-isere")
    page.goto(f"{live_server.url}/conventions/{convention.pk}/")
    thread.get_by_role("button", name="Accepter le plan").click()
    expect(page.get_by_test_id("negotiation-status")).to_have_text("Accepté par la DDETS")
    expect(page.get_by_test_id("message")).to_have_count(4)
    assert [m.to[0] for m in mailoutbox] == [
        "ddets@isere.invalid", "cd@isere.invalid", "ddets@isere.invalid", "cd@isere.invalid"
    ]  # fmt: skip
    assert page.errors == []


def test_a_share_link_is_shown_with_its_copy_button(live_server, make_user, page):
    make_user(Role.DEPARTMENTAL_COUNCIL, "01D", username="cd-ain")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    log_in(page, live_server.url, "cd-ain")
    page.goto(f"{live_server.url}/pilotage/collectivites/01D/")
    page.get_by_label("Destinataires").fill("comité départemental pour l'emploi")
    page.get_by_role("button", name="Créer un lien").click()
    address = page.get_by_label("Adresse du lien « comité départemental pour l'emploi »")
    url = address.input_value()
    assert url.startswith(f"{live_server.url}/pilotage/partage/")
    page.get_by_role("button", name="Copier le lien").click()
    expect(page.get_by_role("status").filter(has_text="Lien copié")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert page.errors == []
