"""Searching in Chromium: a customer asks the portal in her own words, looks up a citation in the legal texts,
and agent Anna finds the same answers in the console.

Personas: a customer (anonymous), the demo company's agent Anna Agentin. The legal texts are the official
samples (../shared/legal/official) imported through the importer, as `auskunft legal import` does.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from auskunft.knowledge.legal.sources import load, read_paths
from auskunft.knowledge.legal.store import save_articles
from auskunft.ledger import Ledger
from auskunft.web.auth.users import Role
from tests.browser.conftest import Browsing, staff
from tests.conftest import SHARED

ANNA = staff(Role.AGENT)


def import_legal_texts(ledger: Ledger) -> None:
    documents, _ = read_paths([SHARED / "legal" / "official"])
    with ledger.engine.begin() as connection:
        save_articles(connection, load(documents).articles)


def test_customer_finds_the_faq_answer_from_the_start_page(browsing: Browsing) -> None:
    page = browsing.page()
    page.goto(browsing.url("/"))
    page.get_by_label("In den häufigen Fragen suchen").fill("woher habt ihr meine adresse")
    page.get_by_role("button", name="Suchen").click()
    first = page.locator("main li a").first
    expect(first).to_contain_text("Woher haben Sie meine Daten")
    first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Woher haben Sie meine Daten")
    assert browsing.elsewhere() == []


def test_citation_search_opens_the_article_at_its_paragraph(browsing: Browsing, tmp_path: Path) -> None:
    import_legal_texts(browsing.live.ledger)
    page = browsing.page()
    page.goto(browsing.url("/recht"))
    page.get_by_label("Suchbegriffe oder Fundstelle").fill("Art. 15 Abs. 1 lit. g DSGVO")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url("**/recht/DSGVO/15**")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Auskunftsrecht der betroffenen Person")
    expect(page.get_by_text("Herkunft der Daten").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Amtsblatt")


def test_agent_finds_the_customers_question_in_the_console(browsing: Browsing) -> None:
    import_legal_texts(browsing.live.ledger)
    page = browsing.page()
    browsing.log_in(page, ANNA)
    page.get_by_role("link", name="Wissen").click()
    page.get_by_label("Suchen", exact=True).fill("darf ich werbung ohne einwilligung schicken")
    page.get_by_role("button", name="Suchen", exact=True).click()
    hits = page.locator("ol.hits li")
    expect(hits.first).to_be_visible()
    texts = " ".join(hits.all_inner_texts())
    assert "UWG" in texts or "Werbung" in texts
    assert browsing.elsewhere() == []
