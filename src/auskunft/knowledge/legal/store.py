"""Store and read legal articles (table `legal_articles`); look one up by citation.

The search engine builds its index from `iter_articles`; the CLI and the web pages use `get_article` and
`resolve`. Saving is an upsert keyed by (law, language, kind, number): a re-import replaces the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, cast

from sqlalchemy import Connection, Row, insert, select, update

from auskunft.errors import InvalidInput, NotFound
from auskunft.knowledge.legal.citation import Citation, parse_citation
from auskunft.knowledge.legal.model import Kind, LegalArticle
from auskunft.store.legal_tables import LegalArticleRow

_TABLE = LegalArticleRow.__table__
_KIND_ORDER = {"article": 0, "paragraph": 0, "annex": 1, "recital": 2}


@dataclass(frozen=True, slots=True)
class SaveCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged


def save_articles(connection: Connection, articles: Iterable[LegalArticle]) -> SaveCounts:
    """Insert new articles, replace changed ones; the caller's transaction makes an import all or nothing."""
    articles = list(articles)
    seen: set[tuple[str, str, str, str]] = set()
    for article in articles:
        identity = (article.law, article.language, article.kind, article.number)
        if identity in seen:
            raise InvalidInput(f"{article.key} ({article.language}) occurs twice in one import")
        seen.add(identity)
    existing = {
        (row.law, row.language, row.kind, row.number): row
        for row in connection.execute(
            select(_TABLE).where(_TABLE.c.law.in_({article.law for article in articles}))
        )
    }
    now = datetime.now(UTC)
    inserted = updated = unchanged = 0
    for article in articles:
        values = _values(article)
        row = existing.get((article.law, article.language, article.kind, article.number))
        if row is None:
            connection.execute(insert(LegalArticleRow).values(**values, imported_at=now))
            inserted += 1
        elif all(getattr(row, name) == value for name, value in values.items()):
            unchanged += 1
        else:
            connection.execute(
                update(LegalArticleRow).where(LegalArticleRow.id == row.id).values(**values, imported_at=now)
            )
            updated += 1
    return SaveCounts(inserted=inserted, updated=updated, unchanged=unchanged)


def iter_articles(
    connection: Connection, law: str | None = None, language: str | None = None
) -> Iterator[LegalArticle]:
    """Every stored article (of one law and/or language), ordered by law, language, kind and number."""
    query = select(_TABLE)
    if law is not None:
        query = query.where(_TABLE.c.law == law)
    if language is not None:
        query = query.where(_TABLE.c.language == language)
    rows = list(connection.execute(query).all())
    rows.sort(key=lambda r: (r.law, r.language, _KIND_ORDER.get(r.kind, 9), _number_order(r.number)))
    for row in rows:
        yield _article(row)


def get_article(
    connection: Connection, law: str, kind: Kind, number: str, language: str | None = None
) -> LegalArticle | None:
    query = select(_TABLE).where(_TABLE.c.law == law, _TABLE.c.kind == kind, _TABLE.c.number == number)
    if language is not None:
        query = query.where(_TABLE.c.language == language)
    row = connection.execute(query.order_by(_TABLE.c.language)).first()
    return None if row is None else _article(row)


def resolve(
    connection: Connection, citation_text: str | Citation, language: str | None = None
) -> LegalArticle:
    """The stored article a citation names; the regulation in the language asked for (DSGVO de, GDPR en).

    Without a language, the language the citation was written in decides (GDPR → en, DSGVO → de).
    Raises `InvalidInput` for text that is no citation and `NotFound` if the article is not stored.
    """
    if isinstance(citation_text, Citation):
        citation, written = citation_text, None
    else:
        citation = parse_citation(citation_text)
        written = (
            "en"
            if any(word in citation_text.lower() for word in ("gdpr", "article", "recital", "regulation"))
            else None
        )
    if citation.law is None:
        raise InvalidInput(f"the citation names no law: {citation.label()}")
    wanted = language or written or "de"
    for lang in (wanted, "en" if wanted == "de" else "de"):
        law = citation.stored_law(lang)
        assert law is not None
        found = get_article(connection, law, citation.kind, citation.number, lang)
        if found is not None:
            return found
    raise NotFound(f"{citation.label()} is not stored; import it with `auskunft legal import`")


def _values(article: LegalArticle) -> dict[str, object]:
    return {
        "law": article.law,
        "language": article.language,
        "kind": article.kind,
        "number": article.number,
        "title": article.title,
        "paragraphs": list(article.paragraphs),
        "stand": article.stand,
        "source_url": article.source_url,
        "breadcrumb": list(article.breadcrumb),
        "repealed": article.repealed,
        "cites": list(article.cites),
    }


def _article(row: Row[Any]) -> LegalArticle:
    get = row._mapping
    return LegalArticle(
        law=get["law"],
        language=cast(Literal["de", "en"], get["language"]),
        kind=cast(Kind, get["kind"]),
        number=get["number"],
        title=get["title"],
        paragraphs=tuple(get["paragraphs"]),
        stand=get["stand"],
        source_url=get["source_url"],
        breadcrumb=tuple(get["breadcrumb"]),
        repealed=bool(get["repealed"]),
        cites=tuple(get["cites"]),
    )


def _number_order(number: str) -> tuple[int, str]:
    digits = "".join(ch for ch in number.split(" ")[0] if ch.isdigit())
    return (int(digits) if digits else 10_000, number)
