"""The search over what the database holds: published FAQ entries and the imported legal articles.

The engine keeps its index in memory and builds it from the rows (about a second for the five laws in
two languages and the FAQ). Before answering, the service checks — at most once per `check_every` seconds — a
cheap fingerprint of the rows (count and newest change of the FAQ entries and of the legal articles) and
rebuilds when it changed, so an import or an edit in another process is picked up without a restart. Because
the index never lives in the database, SQLite and PostgreSQL behave identically (docs/search.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from auskunft.knowledge.faq import render
from auskunft.knowledge.faq import store as faq_store
from auskunft.knowledge.faq.model import FaqArticle
from auskunft.knowledge.legal.model import LegalArticle
from auskunft.knowledge.search import citations
from auskunft.knowledge.search.analysis import Lang
from auskunft.knowledge.search.document import DocKind, SearchDocument, from_legal
from auskunft.knowledge.search.engine import Hit, SearchEngine
from auskunft.knowledge.search.features import ALL, Features
from auskunft.store.tables import Base

LEGAL_TABLE = "legal_articles"


def from_faq(article: FaqArticle) -> SearchDocument:
    keys = (citations.key_of(c) for c in article.citations)
    return SearchDocument(
        key=f"faq:{article.slug}",
        kind="faq",
        language=article.language,
        title=article.title,
        body=render.text(article.body),
        context=article.category,
        faq_id=article.id,
        slug=article.slug,
        cites=tuple(dict.fromkeys(k for k in keys if k)),
    )


def legal_articles(connection: Connection) -> Iterator[LegalArticle]:
    """The imported legal articles; none while the legal-article store is not installed or empty."""
    try:
        from auskunft.knowledge.legal.store import iter_articles
    except ImportError:
        return iter(())
    if LEGAL_TABLE not in Base.metadata.tables:
        return iter(())
    return iter_articles(connection)


def documents(connection: Connection) -> list[SearchDocument]:
    faq = [from_faq(a) for a in faq_store.list_entries(connection, published_only=True)]
    return faq + [from_legal(a) for a in legal_articles(connection) if not a.repealed]


def fingerprint(connection: Connection) -> tuple[Any, ...]:
    """Changes whenever an entry or article is added, changed, published or withdrawn."""
    legal = Base.metadata.tables.get(LEGAL_TABLE)
    if legal is None:
        return faq_store.version(connection)
    newest = func.max(legal.c.imported_at) if "imported_at" in legal.c else func.count()
    return (
        *faq_store.version(connection),
        *connection.execute(select(func.count(), newest).select_from(legal)).one(),
    )


class SearchService:
    """One per process (the web app keeps one; the CLI makes one per command)."""

    def __init__(self, engine: Engine, *, check_every: float = 1.0, features: Features = ALL) -> None:
        self._engine = engine
        self._check_every = check_every
        self._features = features
        self._lock = threading.Lock()
        self._search: SearchEngine | None = None
        self._fingerprint: tuple[Any, ...] | None = None
        self._checked = 0.0

    def current(self) -> SearchEngine:
        """The engine over the rows as they are now (rebuilt if they changed since the last check)."""
        with self._lock:
            now = time.monotonic()
            if self._search is not None and now - self._checked < self._check_every:
                return self._search
            with self._engine.connect() as connection:
                seen = fingerprint(connection)
                if self._search is None or seen != self._fingerprint:
                    self._search = SearchEngine(documents(connection), self._features)
                    self._fingerprint = seen
            self._checked = now
            return self._search

    def invalidate(self) -> None:
        """Rebuild before the next search (call after changing FAQ entries or legal articles)."""
        with self._lock:
            self._search = None

    def search(
        self,
        query: str,
        *,
        kind: DocKind | None = None,
        law: str | None = None,
        language: Lang | None = None,
        limit: int = 10,
    ) -> list[Hit]:
        return self.current().search(query, kind=kind, law=law, language=language, limit=limit)
