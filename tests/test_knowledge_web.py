"""The public help pages through HTTP: FAQ, legal articles, the contact form's suggestions, letter links.

Personas: Erika Muster (a customer who searches the help pages, reads an answer and writes to the
company), the operator (who has or has not imported the legal texts), and another website (which posts
feedback into our forms). One database for the module — the official legal samples imported once from
../shared/legal/official, the demo company's register and FAQ loaded — because building the search index
over 725 legal texts takes a second or two.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import delete, func, select

import auskunft.demo
from auskunft.answer.builder import SubjectQuery
from auskunft.answer.render import to_html, to_pdf
from auskunft.channels import form
from auskunft.channels.form.guard import RateLimit
from auskunft.config import Settings, get_settings
from auskunft.demo.faq import load_faq
from auskunft.domain.identifiers import IdentifierKind
from auskunft.knowledge import web as knowledge_web
from auskunft.knowledge.faq import feedback, render
from auskunft.knowledge.faq import store as faq_store
from auskunft.knowledge.legal import sources
from auskunft.knowledge.legal.model import LegalArticle
from auskunft.knowledge.legal.store import save_articles
from auskunft.knowledge.web import links
from auskunft.ledger import Actor, Ledger
from auskunft.store.faq_tables import FaqFeedback, FaqSuggestionDay
from auskunft.store.legal_tables import LegalArticleRow
from auskunft.web.app import create_app
from tests.conftest import ERIKA_EVENTS, INDEX_KEY, fresh_database
from tests.legal_fixtures import OFFICIAL

DEMO_REGISTER = Path(auskunft.demo.__file__).parent / "register.yaml"
OURS = "http://testserver"
ANOTHER_SITE = "https://foreign.example"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


class Outbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> str:
        self.messages.append(message)
        return str(message["Message-ID"])


@dataclass
class Site:
    client: TestClient
    ledger: Ledger
    clock: Clock
    articles: list[LegalArticle]

    def post_json(self, url: str, data: dict[str, Any], origin: str | None = OURS) -> Response:
        headers = {"Origin": origin} if origin else {}
        return self.client.post(url, json=data, headers=headers)

    def send_form(self, data: dict[str, str]) -> Response:
        page = self.client.get("/kontakt")
        token = re.search(r'name="form_token" value="([^"]+)"', page.text)
        assert token
        self.clock.now += 20  # Erika takes her time to type
        return self.client.post("/kontakt", data={"form_token": token[1], **data}, headers={"Origin": OURS})


@pytest.fixture(scope="module")
def articles() -> list[LegalArticle]:
    documents, _ = sources.read_paths([OFFICIAL])
    return sources.load(documents).articles


@pytest.fixture(scope="module")
def site(
    _template: str, tmp_path_factory: pytest.TempPathFactory, articles: list[LegalArticle]
) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("knowledge_web")
    url = fresh_database(_template, folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUSKUNFT_DATABASE_URL", url)
        patch.setenv("AUSKUNFT_INDEX_KEY", INDEX_KEY)
        patch.chdir(folder)
        get_settings.cache_clear()
        ledger = Ledger.open(Settings(database_url=url, index_key=INDEX_KEY))
        try:
            ledger.load_register(DEMO_REGISTER)
            with ledger.engine.begin() as connection:
                save_articles(connection, articles)
                load_faq(connection)
            app = create_app(ledger, channels=False)
            clock = Clock()
            form.install(app, mailer=Outbox(), clock=clock)
            knowledge_web.install(app)
            with TestClient(app) as client:
                yield Site(client, ledger, clock, articles)
        finally:
            ledger.close()
            get_settings.cache_clear()


def text(response: Response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def links_in(response: Response) -> list[str]:
    return [unescape(href) for href in re.findall(r'<a [^>]*href="([^"]+)"', response.text)]


def hit_urls(response: Response) -> list[str]:
    listed = re.search(r'<ol class="hits">(.*?)</ol>', response.text, re.DOTALL)
    assert listed, response.text
    return [unescape(href) for href in re.findall(r'<a href="([^"]+)"', listed[1])]


def faq_id(site: Site, slug: str) -> int:
    with site.ledger.engine.connect() as connection:
        return faq_store.get(connection, slug).id


def feedback_rows(site: Site) -> list[dict[str, Any]]:
    with site.ledger.engine.connect() as connection:
        return [dict(row) for row in connection.execute(select(FaqFeedback.__table__)).mappings()]


# -- the FAQ ----------------------------------------------------------------------------------------
def test_help_page_lists_the_published_answers_by_topic_with_a_search_box(site: Site) -> None:
    page = site.client.get("/hilfe")
    assert page.status_code == 200
    shown = text(page)
    assert "Hilfe und häufige Fragen" in shown
    for topic in ("Lieferung", "Rücksendung", "Datenschutz", "Newsletter & Werbung"):
        assert '<h2 id="topic-' in page.text
        assert topic in shown
    assert "/hilfe/woher-haben-sie-meine-daten?lang=de" in links_in(page)
    assert 'role="search"' in page.text
    assert '<link rel="stylesheet" href="/kontakt/form.css">' in page.text  # the site's one layout
    english = site.client.get("/hilfe?lang=en")
    assert '<html lang="en">' in english.text
    assert "Help and frequently asked questions" in text(english)
    assert "/hilfe/woher-haben-sie-meine-daten?lang=en" not in links_in(english)  # German entries stay German


def test_search_ranks_the_matching_answer_first_then_the_law(site: Site) -> None:
    page = site.client.get("/hilfe/suche", params={"q": "woher habt ihr meine adresse"})
    assert page.status_code == 200
    urls = hit_urls(page)
    assert urls[0] == "/hilfe/woher-haben-sie-meine-daten?lang=de"
    assert any(url.startswith("/recht/DSGVO/") for url in urls)  # legal texts are searched too
    assert "Ergebnisse für „woher habt ihr meine adresse“" in text(page)
    snippet = re.search(r'<p class="snippet">([^<]+)</p>', page.text)
    assert snippet
    assert "Adress" in snippet[1]


def test_search_in_english_finds_english_texts(site: Site) -> None:
    page = site.client.get("/hilfe/suche", params={"q": "right of access", "lang": "en"})
    urls = hit_urls(page)
    assert "/recht/GDPR/15?lang=en" in urls[:3]
    assert all("/recht/DSGVO/" not in url for url in urls)


def test_answer_page_renders_markdown_links_its_citations_and_asks_for_feedback(site: Site) -> None:
    page = site.client.get("/hilfe/werbung-ohne-einwilligung")
    assert page.status_code == 200
    shown = text(page)
    assert "Rechtsgrundlage" in shown
    hrefs = links_in(page)
    assert "/recht/UWG/7" in hrefs  # from the entry's citations
    assert "/recht/DSGVO/21" in hrefs
    assert "/recht/UWG/7#abs-3" in hrefs  # "§ 7 Abs. 3 UWG" in the Markdown itself
    assert "Unzumutbare Belästigungen" in shown  # the article's title, as imported
    assert "Hat Ihnen diese Antwort geholfen?" in shown
    form_tag = re.search(r'<form method="post" action="([^"]+)">', page.text)
    assert form_tag
    assert unescape(form_tag[1]) == "/hilfe/werbung-ohne-einwilligung/feedback?lang=de"
    assert 'name="helpful" value="ja"' in page.text
    assert 'name="helpful" value="nein"' in page.text


def test_feedback_is_stored_without_address_time_or_cookie(site: Site) -> None:
    before = len(feedback_rows(site))
    answer = site.client.post(
        "/hilfe/welche-daten-gespeichert/feedback",
        data={"helpful": "ja"},
        headers={"Origin": OURS, "User-Agent": "Erika's browser"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/hilfe/welche-daten-gespeichert?lang=de&danke=ja#feedback"
    assert "set-cookie" not in answer.headers
    rows = feedback_rows(site)
    assert len(rows) == before + 1
    row = rows[-1]
    assert set(row) == {"id", "entry_id", "helpful", "day", "context"}
    assert (row["entry_id"], row["helpful"], row["context"]) == (
        faq_id(site, "welche-daten-gespeichert"),
        True,
        "portal",
    )
    thanks = site.client.get(answer.headers["location"])
    assert "Danke für Ihre Rückmeldung" in text(thanks)
    assert "Hat Ihnen diese Antwort geholfen?" not in text(thanks)


def test_feedback_posted_from_another_site_is_refused(site: Site) -> None:
    before = feedback_rows(site)
    for headers in ({"Origin": ANOTHER_SITE}, {"Sec-Fetch-Site": "cross-site"}):
        refused = site.client.post("/hilfe/lieferzeit/feedback", data={"helpful": "nein"}, headers=headers)
        assert refused.status_code == 403
    assert feedback_rows(site) == before


def test_unknown_or_unpublished_answers_are_not_found(site: Site) -> None:
    assert site.client.get("/hilfe/gibt-es-nicht").status_code == 404
    with site.ledger.engine.begin() as connection:
        faq_store.publish(connection, "lieferzeit", published=False)
    try:
        page = site.client.get("/hilfe/lieferzeit")
        assert page.status_code == 404
        assert "Seite nicht gefunden" in text(page)
        posted = site.client.post(
            "/hilfe/lieferzeit/feedback", data={"helpful": "ja"}, headers={"Origin": OURS}
        )
        assert posted.status_code == 404
    finally:
        with site.ledger.engine.begin() as connection:
            faq_store.publish(connection, "lieferzeit")


# -- the legal articles -------------------------------------------------------------------------------
def test_legal_search_ranks_articles_within_the_chosen_law(site: Site) -> None:
    page = site.client.get("/recht", params={"q": "unzumutbare Belästigung Werbung", "law": "UWG"})
    assert page.status_code == 200
    assert "Durchsuchen Sie Rechtsartikel" in text(page)
    urls = hit_urls(page)
    assert urls[0] == "/recht/UWG/7?lang=de"
    assert all(url.startswith("/recht/UWG/") for url in urls)
    everything = hit_urls(site.client.get("/recht", params={"q": "Recht auf Vergessenwerden"}))
    assert everything[0] == "/recht/DSGVO/17?lang=de"
    english = hit_urls(
        site.client.get("/recht", params={"q": "right to erasure", "law": "DSGVO", "sprache": "en"})
    )
    assert english[0] == "/recht/GDPR/17?lang=de"


@pytest.mark.parametrize(
    ("query", "target"),
    [
        ("Art. 15 Abs. 1 lit. g DSGVO", "/recht/DSGVO/15?lang=de#abs-1"),
        ("§ 7 UWG", "/recht/UWG/7?lang=de"),
        ("§7 Abs. 3 UWG", "/recht/UWG/7?lang=de#abs-3"),
        ("Erwägungsgrund 47", "/recht/DSGVO/erwaegungsgrund-47?lang=de"),
        ("Article 6(1)(f) GDPR", "/recht/GDPR/6?lang=de#abs-1"),
        ("Art. 4 Nr. 11 DSGVO", "/recht/DSGVO/4?lang=de#nr-11"),
        ("art 17 dsgvo", "/recht/DSGVO/17?lang=de"),
        ("§ 25 TTDSG", "/recht/TDDDG/25?lang=de"),
    ],
)
def test_a_citation_leads_straight_to_the_article(site: Site, query: str, target: str) -> None:
    found = site.client.get("/recht", params={"q": query}, follow_redirects=False)
    assert found.status_code == 303
    assert found.headers["location"] == target
    assert site.client.get(target.split("#")[0]).status_code == 200


def test_a_bare_paragraph_sign_lists_every_statute_unless_a_law_is_chosen(site: Site) -> None:
    listed = site.client.get("/recht", params={"q": "§ 7"}, follow_redirects=False)
    assert listed.status_code == 200
    assert len({url.split("/")[2] for url in hit_urls(listed) if url.endswith("/7?lang=de")}) > 1
    chosen = site.client.get("/recht", params={"q": "§ 7", "law": "UWG"}, follow_redirects=False)
    assert chosen.headers["location"] == "/recht/UWG/7?lang=de"


def test_article_page_shows_text_status_source_links_and_authenticity(site: Site) -> None:
    page = site.client.get("/recht/DSGVO/15")
    assert page.status_code == 200
    assert '<html lang="de">' in page.text
    shown = text(page)
    assert "Art. 15 DSGVO Auskunftsrecht der betroffenen Person" in shown
    assert "KAPITEL III – Rechte der betroffenen Person" in shown
    for number in range(1, 5):
        assert f'<div class="para" id="abs-{number}">' in page.text
    assert "g) wenn die personenbezogenen Daten nicht bei der betroffenen Person erhoben werden" in shown
    assert "Stand ABl. L 119 S. 1 berichtigt durch ABl. L 314 vom 22.11.2016" in shown
    hrefs = links_in(page)
    assert "https://eur-lex.europa.eu/eli/reg/2016/679/oj/deu" in hrefs
    assert "Nur die gedruckte Ausgabe des Amtsblatts der Europäischen Union ist verbindlich" in shown
    assert "/recht/DSGVO/46?lang=de" in hrefs  # Art. 15 cites Art. 46 ...
    assert "/recht/DSGVO/46" in hrefs  # ... in its text, too
    cited_by = re.search(r'id="cited-title".*?</section>', page.text, re.DOTALL)
    assert cited_by
    assert '/recht/DSGVO/12?lang=de"' in cited_by[0]  # Art. 12 refers to "Artikeln 15 bis 22"
    assert "/recht/GDPR/15?lang=en" in hrefs  # the English version


def test_english_article_and_german_statute(site: Site) -> None:
    gdpr = site.client.get("/recht/GDPR/15")
    assert '<html lang="en">' in gdpr.text
    assert "Article 15 GDPR Right of access by the data subject" in text(gdpr)
    assert '<div class="para" id="abs-1">' in gdpr.text
    assert "https://eur-lex.europa.eu/eli/reg/2016/679/oj/eng" in links_in(gdpr)
    assert "/recht/DSGVO/15?lang=de" in links_in(gdpr)
    uwg = site.client.get("/recht/UWG/7")
    shown = text(uwg)
    assert "§ 7 UWG Unzumutbare Belästigungen" in shown
    assert "Zuletzt geändert durch" in shown
    assert "Bundesgesetzblatt" in shown
    assert "https://www.gesetze-im-internet.de/uwg_2004/__7.html" in links_in(uwg)
    assert "/recht/DDG/6?lang=de" in links_in(uwg)  # "§ 6 Absatz 1 des Digitale-Dienste-Gesetzes"
    assert 'class="indent-1"' in uwg.text  # the nested list of § 7 Abs. 2 Nr. 3


def test_recitals_annex_and_contents_have_their_own_addresses(site: Site) -> None:
    recital = site.client.get("/recht/DSGVO/erwaegungsgrund-47")
    assert recital.status_code == 200
    assert "Erwägungsgrund 47 DSGVO" in text(recital)
    assert "Direktwerbung" in text(recital)
    assert site.client.get("/recht/GDPR/recital-47").status_code == 200
    assert site.client.get("/recht/UWG/anhang").status_code == 200
    contents = site.client.get("/recht/UWG")
    assert contents.status_code == 200
    assert "/recht/UWG/7?lang=de" in links_in(contents)
    assert "/recht/UWG/anhang?lang=de" in links_in(contents)
    recitals = site.client.get("/recht/DSGVO")
    assert "/recht/DSGVO/erwaegungsgrund-47?lang=de" in links_in(recitals)
    moved = site.client.get("/recht/ttdsg/25", follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (301, "/recht/TDDDG/25?lang=de")


def test_missing_articles_are_404_pages(site: Site) -> None:
    for address in (
        "/recht/DSGVO/150",
        "/recht/BGB/1",
        "/recht/UWG/abc-def-ghi-jkl-mno-pqr-stu",
        "/recht/XYZ",
    ):
        page = site.client.get(address)
        assert page.status_code == 404, address
        assert "Seite nicht gefunden" in text(page)


@pytest.fixture
def nothing_imported(site: Site) -> Iterator[Site]:
    """The operator has not imported the legal texts (restored afterwards)."""
    with site.ledger.engine.begin() as connection:
        connection.execute(delete(LegalArticleRow))
    try:
        yield site
    finally:
        with site.ledger.engine.begin() as connection:
            save_articles(connection, site.articles)


def test_without_imported_texts_the_pages_say_how_to_import_them(nothing_imported: Site) -> None:
    client = nothing_imported.client
    for address, status in (("/recht", 200), ("/recht?q=Art.+15+DSGVO", 200), ("/recht/DSGVO/15", 404)):
        page = client.get(address, follow_redirects=False)
        assert page.status_code == status, address
        shown = text(page)
        assert "auskunft legal import --download" in shown
        assert "AUSKUNFT_LEGAL_DIR" in shown
    assert client.get("/recht/DSGVO").status_code == 404
    assert client.get("/hilfe/suche", params={"q": "Auskunft"}).status_code == 200  # the FAQ still works


# -- contact-form suggestions ---------------------------------------------------------------------------
def shown_counts(site: Site) -> dict[int, int]:
    with site.ledger.engine.connect() as connection:
        table = FaqSuggestionDay.__table__
        rows = connection.execute(
            select(table.c.entry_id, func.sum(table.c.shown)).group_by(table.c.entry_id)
        )
        return {int(entry): int(count) for entry, count in rows}


def test_suggestions_return_up_to_three_published_answers_and_count_them_once(site: Site) -> None:
    typed = "Woher haben Sie eigentlich meine Adresse? Ich bekomme dauernd Werbung"
    first = site.post_json("/hilfe/vorschlaege", {"text": typed, "lang": "de"})
    assert first.status_code == 200
    found = first.json()["suggestions"]
    assert 1 <= len(found) <= 3
    assert found[0]["slug"] == "woher-haben-sie-meine-daten"
    assert found[0]["url"] == "/hilfe/woher-haben-sie-meine-daten?lang=de"
    assert set(found[0]) == {"id", "slug", "title", "snippet", "url"}
    counts = shown_counts(site)
    ids = [s["id"] for s in found]
    again = site.post_json("/hilfe/vorschlaege", {"text": typed + " und Post", "lang": "de", "shown": ids})
    assert [s["id"] for s in again.json()["suggestions"]][:1] == ids[:1]
    assert {i: shown_counts(site).get(i) for i in ids} == {i: counts.get(i) for i in ids}
    assert site.post_json("/hilfe/vorschlaege", {"text": "Hallo", "lang": "de"}).json() == {"suggestions": []}
    assert site.post_json("/hilfe/vorschlaege", {"text": typed}, origin=ANOTHER_SITE).status_code == 403
    assert site.post_json("/hilfe/vorschlaege", {"lang": "de"}).status_code == 422


def test_suggestions_are_rate_limited_per_address(site: Site) -> None:
    app = create_app(site.ledger, channels=False)
    knowledge_web.install(app, rate_limit=RateLimit(2, 60.0))
    with TestClient(app) as client:
        asked = [
            client.post("/hilfe/vorschlaege", json={"text": "Wie lange dauert die Lieferung?"}).status_code
            for _ in range(3)
        ]
    assert asked == [200, 200, 429]


def test_form_page_loads_the_suggestion_script_and_works_without_it(site: Site) -> None:
    page = site.client.get("/kontakt")
    assert page.status_code == 200
    assert '<script src="/hilfe/static/vorschlaege.js" defer></script>' in page.text
    assert 'id="faq-suggestions"' in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "connect-src 'self'" in policy
    assert "unsafe-inline" not in policy
    script = site.client.get("/hilfe/static/vorschlaege.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "cookie" not in script.text.lower()
    assert "localStorage" not in script.text
    assert "http" not in script.text.replace("https://", "")  # no address of its own: the page gives them
    assert site.client.get("/hilfe/static/hilfe.css").headers["content-type"].startswith("text/css")
    assert site.client.get("/hilfe/static/../views.py").status_code == 404
    sent = site.send_form(
        {"name": "Erika Muster", "email": "erika.muster@example.de", "topic": "technik",
         "message": "Mein Wasserkocher schaltet nicht mehr ab, wenn das Wasser kocht."}
    )  # fmt: skip
    assert sent.status_code == 200
    assert re.search(r"<strong>K-\d+</strong>", sent.text)


def test_helpful_suggestion_then_sent_anyway_counts_in_contacts_avoided(site: Site) -> None:
    entry = faq_id(site, "lieferzeit")
    today = datetime.now(UTC).date()
    with site.ledger.engine.connect() as connection:
        before = feedback.contacts_avoided(connection, today - timedelta(days=1), today)
    assert (
        site.post_json("/hilfe/vorschlaege/rueckmeldung", {"id": entry, "helpful": True}).status_code == 204
    )
    vote = {"id": faq_id(site, "versandkosten"), "helpful": True}
    assert site.post_json("/hilfe/vorschlaege/rueckmeldung", vote, origin=ANOTHER_SITE).status_code == 403
    assert (
        site.post_json("/hilfe/vorschlaege/rueckmeldung", {"id": 999_999, "helpful": True}).status_code == 404
    )
    message = "Wann kommt meine Waschmaschine? Bestellt vor zwei Wochen."
    sent = site.send_form(
        {"name": "Erika Muster", "email": "erika.muster@example.de", "topic": "technik",
         "message": message, "faq_helpful": f"{entry},abc"}
    )  # fmt: skip
    assert sent.status_code == 200
    with site.ledger.engine.connect() as connection:
        after = feedback.contacts_avoided(connection, today - timedelta(days=1), today)
    assert (after.helpful - before.helpful, after.sent_anyway - before.sent_anyway) == (1, 1)
    contexts = {row["context"] for row in feedback_rows(site) if row["entry_id"] == entry}
    assert "contact_form_suggestion" in contexts


# -- links from the answer letter and FAQ answers -------------------------------------------------------
def test_letter_links_its_citations_to_the_article_pages(site: Site) -> None:
    assert site.ledger.ingest_lines(ERIKA_EVENTS.splitlines()).ok
    answer = site.ledger.answer(
        SubjectQuery(IdentifierKind.EMAIL, "erika.muster@example.de"), "de", Actor("test:dpo")
    )
    html = to_html(answer)
    assert (
        '<a class="cite" href="https://www.example.de/recht/DSGVO/15#abs-1">Art. 15 Abs. 1 lit. g DSGVO</a>'
        in html
    )
    assert 'href="https://www.example.de/recht/DSGVO/6#abs-1">Art. 6 Abs. 1 lit. f DSGVO</a>' in html
    assert 'href="https://www.example.de/recht/UWG/7">§ 7 UWG</a>' in html
    assert "Art. 15 Abs. 1 lit. g DSGVO" in html  # the citation reads as before
    english = to_html(answer.model_copy(update={"language": "en"}))
    assert 'href="https://www.example.de/recht/GDPR/' in english
    assert answer.controller is not None
    no_website = answer.model_copy(
        update={"controller": answer.controller.model_copy(update={"website": None})}
    )
    relative = to_html(no_website)
    assert '<a class="cite" href="/recht/DSGVO/15#abs-1">' in relative
    assert 'href="/recht/' not in to_html(no_website, relative_links=False)
    assert to_pdf(answer).startswith(b"%PDF")


def test_faq_markdown_citations_become_links_but_code_and_links_stay() -> None:
    body = render.html(
        "Nach **§ 7 Abs. 3 UWG** und Art. 21 DSGVO; [Art. 17 DSGVO](https://example.de) bleibt, "
        "`Art. 1 DSGVO` auch, § 147 AO ist kein Gesetz, das wir führen. <script>x()</script>"
    )
    linked = links.linked_html(body)
    assert '<strong><a class="cite" href="/recht/UWG/7#abs-3">§ 7 Abs. 3 UWG</a></strong>' in linked
    assert '<a class="cite" href="/recht/DSGVO/21">Art. 21 DSGVO</a>' in linked
    assert '<a href="https://example.de" rel="noopener noreferrer">Art. 17 DSGVO</a>' in linked
    assert "<code>Art. 1 DSGVO</code>" in linked
    assert "§ 147 AO" in linked
    assert "<script" not in linked
    assert links.linked("Art. 15 Abs. 1 und 3 DSGVO") == (
        '<a class="cite" href="/recht/DSGVO/15#abs-1">Art. 15 Abs. 1 und 3 DSGVO</a>'
    )
    assert links.linked("Art. 13 und 14 DSGVO <b>") == (
        '<a class="cite" href="/recht/DSGVO/13">Art. 13</a> und '
        '<a class="cite" href="/recht/DSGVO/14">14 DSGVO</a> &lt;b&gt;'
    )


# -- the site as a whole --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "address",
    [
        "/hilfe",
        "/hilfe/suche?q=Retoure",
        "/hilfe/ruecksendung",
        "/recht",
        "/recht?q=Auskunft",
        "/recht/DSGVO/15",
    ],
)
def test_pages_set_no_cookie_and_load_nothing_from_elsewhere(site: Site, address: str) -> None:
    page = site.client.get(address)
    assert page.status_code == 200
    assert "set-cookie" not in page.headers
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert "<script" not in page.text
    loaded = re.findall(r'<(?:link|img|script)[^>]*(?:src|href)="([^"]*)"', page.text)
    assert loaded
    assert all(url.startswith("/") for url in loaded), loaded
    assert re.search(r"<h1[^>]*>", page.text)
    labelled = set(re.findall(r'<label for="([^"]+)"', page.text))
    assert set(re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', page.text)) <= labelled
