"""The FAQ knowledge base: entries, safe rendering, anonymous feedback, contacts avoided, suggestions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect

from auskunft.demo.faq import demo_faq, load_faq
from auskunft.errors import NotFound
from auskunft.knowledge.faq import feedback, render, store
from auskunft.knowledge.faq.model import FaqInput, InvalidFaq, validated
from auskunft.knowledge.faq.suggest import suggest
from auskunft.knowledge.search.service import SearchService
from auskunft.ledger import Ledger
from auskunft.store.faq_tables import FaqFeedback, FaqSuggestionDay

RETURNS = FaqInput(
    slug="ruecksendung",
    category="Rücksendung",
    title="Wie schicke ich einen Artikel zurück?",
    body="Melden Sie die **Rücksendung** im Kundenkonto an; das Etikett kommt per E-Mail.",
    citations=("§ 7 UWG",),
)


def test_agent_creates_updates_and_publishes_an_entry(ledger: Ledger) -> None:
    with ledger.engine.begin() as connection:
        created = store.create(connection, RETURNS)
        assert not created.published
        changed = store.update_entry(
            connection, "ruecksendung", RETURNS.model_copy(update={"title": "Retoure"})
        )
        assert changed.id == created.id
        assert changed.title == "Retoure"
        assert changed.updated_at >= created.updated_at
        assert store.publish(connection, created.id).published
        assert [e.slug for e in store.list_entries(connection, published_only=True)] == ["ruecksendung"]
        assert store.get(connection, "ruecksendung").citations == ("§ 7 UWG",)


def test_unknown_entry_is_not_found(ledger: Ledger) -> None:
    with ledger.engine.connect() as connection, pytest.raises(NotFound):
        store.get(connection, "gibt-es-nicht")


def test_second_entry_with_the_same_slug_is_refused(ledger: Ledger) -> None:
    with ledger.engine.begin() as connection:
        store.create(connection, RETURNS)
        with pytest.raises(InvalidFaq, match="exists already"):
            store.create(connection, RETURNS)


def test_bad_entries_are_refused_with_the_field_named() -> None:
    with pytest.raises(InvalidFaq, match="slug"):
        validated({"slug": "Mit Leerzeichen", "category": "x", "title": "Titel", "body": "b"})
    with pytest.raises(InvalidFaq, match="citations"):
        validated({"slug": "a", "category": "x", "title": "Titel", "body": "b", "citations": ["Seite 7"]})


def test_script_in_markdown_never_reaches_the_page() -> None:
    html = render.html(
        'Hallo **Kunde** <script>alert("x")</script> <a href="javascript:alert(1)" onclick="x()">Link</a> '
        "[sicher](https://example.de)"
    )
    assert "<script" not in html
    assert "alert" not in html
    assert "onclick" not in html
    assert "<strong>Kunde</strong>" in html
    assert '<a href="https://example.de" rel="noopener noreferrer">sicher</a>' in html
    assert render.text("Eine **fette** <em>Antwort</em> &amp; mehr") == "Eine fette Antwort & mehr"


def test_file_import_creates_then_updates_by_slug(ledger: Ledger, tmp_path: Path) -> None:
    file = tmp_path / "faq.yaml"
    file.write_text(
        "language: de\npublished: true\nentries:\n"
        "  - slug: versand\n    category: Lieferung\n    title: Was kostet der Versand?\n"
        "    body: Es kostet 4,95 €\n",
        "utf-8",
    )
    with ledger.engine.begin() as connection:
        assert store.save_all(connection, store.parse_file(file)) == store.ImportReport(1, 0, 0)
        assert store.save_all(connection, store.parse_file(file)) == store.ImportReport(0, 0, 1)
    file.write_text(file.read_text("utf-8").replace("4,95", "5,95"), "utf-8")
    with ledger.engine.begin() as connection:
        assert store.save_all(connection, store.parse_file(file)) == store.ImportReport(0, 1, 0)
        assert store.get(connection, "versand").body == "Es kostet 5,95 €"


def test_broken_file_is_refused_and_nothing_is_stored(ledger: Ledger, tmp_path: Path) -> None:
    file = tmp_path / "faq.yaml"
    file.write_text(
        "entries:\n  - {slug: ok, category: a, title: Gut so, body: x}\n  - {slug: kaputt}\n", "utf-8"
    )
    with pytest.raises(InvalidFaq, match="entry 2"):
        store.parse_file(file)
    with ledger.engine.connect() as connection:
        assert store.list_entries(connection) == []


def test_demo_faq_answers_the_two_questions_every_service_must_answer(ledger: Ledger) -> None:
    entries = {e.slug: e for e in demo_faq()}
    assert sum(e.language == "de" for e in entries.values()) >= 40
    assert sum(e.language == "en" for e in entries.values()) >= 10
    assert "Art. 15 DSGVO" in entries["welche-daten-gespeichert"].citations
    assert "Art. 14 DSGVO" in entries["woher-haben-sie-meine-daten"].citations
    with ledger.engine.begin() as connection:
        first = load_faq(connection)
        assert load_faq(connection) == store.ImportReport(0, 0, len(entries))
    assert first.created == len(entries)


def test_feedback_stores_no_personal_data(ledger: Ledger) -> None:
    with ledger.engine.begin() as connection:
        store.create(connection, RETURNS)
        feedback.record(connection, "ruecksendung", True, "portal", day=date(2026, 11, 21))
        columns = {c["name"] for c in inspect(connection).get_columns(FaqFeedback.__tablename__)}
        rows = connection.execute(FaqFeedback.__table__.select()).mappings().all()
    assert columns == {"id", "entry_id", "helpful", "day", "context"}
    assert [(r["helpful"], r["day"], r["context"]) for r in rows] == [(True, date(2026, 11, 21), "portal")]


def test_contacts_avoided_counts_helpful_suggestions_not_followed_by_a_message(ledger: Ledger) -> None:
    day = date(2026, 11, 21)
    with ledger.engine.begin() as connection:
        entry = store.create(connection, RETURNS)
        for _ in range(4):
            feedback.suggestions_shown(connection, [entry.id, entry.id], day)
        for helpful in (True, True, True, False):
            feedback.record(connection, entry.id, helpful, "contact_form_suggestion", day)
        feedback.record(connection, entry.id, True, "portal", day)  # not in the contact form
        feedback.submitted_after_helpful(connection, entry.id, day)
        figures = feedback.contacts_avoided(connection, day, day)
        counters = connection.execute(FaqSuggestionDay.__table__.select()).mappings().all()
        later = feedback.contacts_avoided(connection, date(2026, 11, 22), date(2026, 11, 30))
    assert (figures.suggested, figures.helpful, figures.not_helpful, figures.sent_anyway) == (4, 3, 1, 1)
    assert figures.avoided == 2
    assert [(c["shown"], c["submitted_after_helpful"]) for c in counters] == [(4, 1)]
    assert later.avoided == 0


def test_contact_form_suggests_published_answers_only(ledger: Ledger) -> None:
    with ledger.engine.begin() as connection:
        load_faq(connection)
        store.publish(connection, "kundenkonto-loeschen", published=False)
    service = SearchService(ledger.engine, check_every=0)
    found = suggest(service, "Hallo, ich habe mein Passwort vergessen und komme nicht mehr rein")
    assert found
    assert found[0].slug == "passwort-vergessen"
    assert suggest(service, "Hallo") == []
    assert all(s.slug != "kundenkonto-loeschen" for s in suggest(service, "Kundenkonto löschen", limit=10))
