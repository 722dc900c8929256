"""The search over the database (SQLite and PostgreSQL alike): rows in, ranked hits out, rebuilt on change."""

from __future__ import annotations

from auskunft.knowledge.faq import store
from auskunft.knowledge.faq.model import FaqInput
from auskunft.knowledge.search.service import SearchService
from auskunft.ledger import Ledger

WARRANTY = FaqInput(
    slug="gewaehrleistung",
    category="Garantie",
    title="Wie lange gilt die Gewährleistung?",
    body="Zwei Jahre ab Lieferung; siehe auch [Art. 15 DSGVO](https://example.de).",
    citations=("Art. 15 DSGVO",),
    published=True,
)


def test_published_faq_entries_are_found_in_the_database(ledger: Ledger) -> None:
    with ledger.engine.begin() as connection:
        store.create(connection, WARRANTY)
        store.create(connection, WARRANTY.model_copy(update={"slug": "entwurf", "published": False}))
    hits = SearchService(ledger.engine).search("Gewaehrleistung zwei Jahre", kind="faq")
    assert [h.document.slug for h in hits] == ["gewaehrleistung"]
    assert hits[0].document.cites == ("DSGVO:article:15",)
    assert "Zwei Jahre" in hits[0].snippet
    assert "https" not in hits[0].snippet


def test_the_index_follows_changes_in_the_database(ledger: Ledger) -> None:
    service = SearchService(ledger.engine, check_every=0)
    assert service.search("Gewährleistung") == []
    with ledger.engine.begin() as connection:
        store.create(connection, WARRANTY)
    assert [h.document.slug for h in service.search("Gewährleistung")] == ["gewaehrleistung"]
    with ledger.engine.begin() as connection:
        store.publish(connection, "gewaehrleistung", published=False)
    assert service.search("Gewährleistung") == []


def test_unchanged_rows_keep_the_built_index(ledger: Ledger) -> None:
    with ledger.engine.begin() as connection:
        store.create(connection, WARRANTY)
    service = SearchService(ledger.engine, check_every=0)
    assert service.current() is service.current()
    service.invalidate()
    assert service.search("Garantie Gewährleistung")[0].document.slug == "gewaehrleistung"


def test_legal_articles_from_the_store_are_searched_with_citations_first(ledger: Ledger) -> None:
    from auskunft.knowledge.legal.store import save_articles
    from bench.search_data import reference_articles

    uwg = [a for a in reference_articles() if a.law in ("UWG", "DSGVO") and a.kind != "recital"]
    with ledger.engine.begin() as connection:
        save_articles(connection, uwg)
    service = SearchService(ledger.engine)
    assert service.search("§7 Abs. 3 UWG", kind="legal")[0].document.key == "UWG:paragraph:7"
    assert service.search("unzumutbare Belaestigung", law="UWG")[0].document.key == "UWG:paragraph:7"
    first = service.search("recht auf vergessenwerden", kind="legal", language="de")[0]
    assert (first.document.key, first.document.label) == ("DSGVO:article:17", "Art. 17 DSGVO")
