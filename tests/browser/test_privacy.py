"""No third parties and no cookies before they are needed: Erika browses every public page — help, legal
texts, the contact form with its suggestions, "Meine Daten", the chat — and DPO Dora works through the
console; every request their pages make goes to the app itself, and the only cookies are the console's
session after login (Secure, HttpOnly, SameSite=Strict, on plain http://127.0.0.1 too).
"""

from __future__ import annotations

from playwright.sync_api import expect

from auskunft.knowledge.legal import sources
from auskunft.knowledge.legal.store import save_articles
from auskunft.web.auth.users import Role
from tests.browser.conftest import Browsing, staff
from tests.conftest import ERIKA_EVENTS
from tests.legal_fixtures import OFFICIAL

BDSG = OFFICIAL / "gii_BJNR209710017.xml"


def test_public_pages_ask_no_other_host_and_set_no_cookie(browsing: Browsing) -> None:
    documents, _ = sources.read_paths([BDSG])
    with browsing.live.ledger.engine.begin() as connection:
        save_articles(connection, sources.load(documents).articles)
    page = browsing.page()

    page.goto(browsing.url("/"))
    page.get_by_role("searchbox").first.fill("Lieferung")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Wie lange dauert die Lieferung?").click()
    expect(page.get_by_role("heading", name="Wie lange dauert die Lieferung?")).to_be_visible()

    page.goto(browsing.url("/recht"))
    page.get_by_role("link", name="BDSG", exact=True).click()
    page.get_by_role("link", name="§ 26").first.click()
    expect(page.get_by_role("heading").filter(has_text="Beschäftigungsverhältnis").first).to_be_visible()

    page.goto(browsing.url("/kontakt"))
    page.get_by_role("textbox", name="Ihre Nachricht").press_sequentially(
        "Wo ist mein Paket? Ich möchte meine Sendung verfolgen.", delay=5
    )
    expect(page.get_by_role("heading", name="Vielleicht beantwortet das schon Ihre Frage")).to_be_visible()

    page.goto(browsing.url("/meine-daten"))
    expect(page.get_by_label("E-Mail-Adresse oder Telefonnummer")).to_be_visible()
    page.goto(browsing.url("/chat"))
    assert browsing.context.cookies() == []

    page.get_by_role("button", name="Chat starten").click()
    page.get_by_role("button", name="Chat beginnen").click()
    page.get_by_role("textbox", name="Ihre Nachricht").fill("Hallo, ist jemand da?")
    page.get_by_role("button", name="Senden", exact=True).click()
    expect(page.get_by_role("region", name="Gespräch")).to_contain_text("Ihre Vorgangsnummer: K-")
    assert browsing.context.cookies() == []  # the chat keeps its token in sessionStorage

    asked = browsing.requests
    assert any(url.endswith("/kontakt/form.css") for url in asked)
    assert any(url.startswith(browsing.live.url.replace("http", "ws", 1)) for url in asked)
    assert browsing.elsewhere() == []


def test_console_pages_ask_no_other_host_and_the_session_cookie_is_strict(browsing: Browsing) -> None:
    assert browsing.live.ledger.ingest_lines(ERIKA_EVENTS.splitlines()).ok
    page = browsing.page()
    page.goto(browsing.url("/console/login"))
    assert browsing.context.cookies() == []
    browsing.log_in(page, staff(Role.DPO))
    [cookie] = browsing.context.cookies()
    assert cookie["name"] == "__Host-auskunft_session"
    assert cookie["secure"]
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/"

    nav = page.get_by_role("navigation").first
    for link, heading in (
        ("Anfragen", "Anfragen betroffener Personen"),
        ("Dashboard", "Datenschutz-Dashboard"),
        ("Verzeichnis", "Verzeichnis von Verarbeitungstätigkeiten"),
        ("Protokoll", "Protokoll"),
        ("Posteingang", "Posteingang"),
    ):
        nav.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    page.goto(browsing.url("/console/subjects/1"))
    page.get_by_label("Grund").fill("Prüfung der Auskunft")
    page.get_by_role("button", name="Daten anzeigen").click()
    expect(page.get_by_role("heading", name="Datenfluss")).to_be_visible()
    assert any(url.endswith("/static/auskunft.css") for url in browsing.requests)
    assert browsing.elsewhere() == []
