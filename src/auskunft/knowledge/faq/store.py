"""Reading and writing FAQ entries: the library the CLI and the web console use.

Every change sets `updated_at`; the search service notices the newest `updated_at` and rebuilds its index
(knowledge/search/service.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml
from sqlalchemy import Connection, RowMapping, func, select, update

from auskunft.errors import NotFound
from auskunft.knowledge.faq.model import FaqArticle, FaqInput, InvalidFaq, validated
from auskunft.store.faq_tables import FaqEntry
from auskunft.store.tables import Base

_ENTRY = Base.metadata.tables[FaqEntry.__tablename__]


def _now() -> datetime:
    return datetime.now(UTC)


def _article(row: RowMapping) -> FaqArticle:
    return FaqArticle(
        id=row["id"],
        slug=row["slug"],
        language="en" if row["language"] == "en" else "de",
        category=row["category"],
        title=row["title"],
        body=row["body"],
        citations=tuple(row["citations"]),
        published=row["published"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _row(connection: Connection, ref: int | str) -> RowMapping:
    column = _ENTRY.c.id if isinstance(ref, int) else _ENTRY.c.slug
    row = connection.execute(select(_ENTRY).where(column == ref)).mappings().first()
    if row is None:
        raise NotFound(f"no FAQ entry {ref!r}")
    return row


def get(connection: Connection, ref: int | str) -> FaqArticle:
    """The entry with this id or slug (`NotFound` otherwise)."""
    return _article(_row(connection, ref))


def list_entries(
    connection: Connection,
    *,
    language: str | None = None,
    category: str | None = None,
    published_only: bool = False,
) -> list[FaqArticle]:
    """Entries by category and title."""
    query = select(_ENTRY).order_by(FaqEntry.language, FaqEntry.category, FaqEntry.title)
    if language:
        query = query.where(FaqEntry.language == language)
    if category:
        query = query.where(FaqEntry.category == category)
    if published_only:
        query = query.where(FaqEntry.published.is_(True))
    return [_article(row) for row in connection.execute(query).mappings()]


def create(connection: Connection, entry: FaqInput) -> FaqArticle:
    if connection.scalar(select(FaqEntry.id).where(FaqEntry.slug == entry.slug)) is not None:
        raise InvalidFaq(f"a FAQ entry {entry.slug!r} exists already")
    now = _now()
    values = entry.model_dump()
    values["citations"] = list(entry.citations)
    new_id = connection.execute(
        _ENTRY.insert().values(**values, created_at=now, updated_at=now).returning(_ENTRY.c.id)
    ).scalar_one()
    return get(connection, int(new_id))


def update_entry(connection: Connection, ref: int | str, entry: FaqInput) -> FaqArticle:
    """Replace the entry's content (the slug may change if the new one is free)."""
    row = _row(connection, ref)
    other = connection.scalar(select(FaqEntry.id).where(FaqEntry.slug == entry.slug))
    if other is not None and other != row["id"]:
        raise InvalidFaq(f"a FAQ entry {entry.slug!r} exists already")
    values = entry.model_dump()
    values["citations"] = list(entry.citations)
    connection.execute(update(FaqEntry).where(FaqEntry.id == row["id"]).values(**values, updated_at=_now()))
    return get(connection, int(row["id"]))


def publish(connection: Connection, ref: int | str, published: bool = True) -> FaqArticle:
    """Show the entry in the portal (or withdraw it with `published=False`)."""
    row = _row(connection, ref)
    connection.execute(
        update(FaqEntry).where(FaqEntry.id == row["id"]).values(published=published, updated_at=_now())
    )
    return get(connection, int(row["id"]))


@dataclass(frozen=True, slots=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int


def save_all(
    connection: Connection, entries: Iterable[FaqInput], *, keep_existing: bool = False
) -> ImportReport:
    """Create or update entries by slug (`keep_existing`: only create); entries stored as given stay alone."""
    created = updated = unchanged = 0
    for entry in entries:
        existing = connection.execute(select(_ENTRY).where(_ENTRY.c.slug == entry.slug)).mappings().first()
        if existing is None:
            create(connection, entry)
            created += 1
        elif keep_existing or _input_of(existing) == entry:
            unchanged += 1
        else:
            update_entry(connection, int(existing["id"]), entry)
            updated += 1
    return ImportReport(created, updated, unchanged)


def _input_of(row: RowMapping) -> FaqInput:
    fields = ("slug", "language", "category", "title", "body", "published")
    return FaqInput.model_validate(
        {**{name: row[name] for name in fields}, "citations": tuple(row["citations"])}
    )


def parse_file(path: Path) -> list[FaqInput]:
    """The entries of a FAQ file (YAML: `entries:` list; docs/search.md); all checked before any is stored."""
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except OSError as exc:
        raise InvalidFaq(f"cannot read {path}: {exc.strerror}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InvalidFaq(f"{path} is not a YAML file: {type(exc).__name__}") from None
    return parse_entries(data, str(path))


def parse_entries(data: object, where: str) -> list[FaqInput]:
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise InvalidFaq(f"{where}: expected a mapping with a list 'entries'")
    defaults = {k: data[k] for k in ("language", "published") if k in data}
    entries = [
        validated({**defaults, **item} if isinstance(item, dict) else item, f"{where}: entry {n}")
        for n, item in enumerate(data["entries"], start=1)
    ]
    slugs = [e.slug for e in entries]
    duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicates:
        raise InvalidFaq(f"{where}: slugs used twice: {', '.join(duplicates)}")
    return entries


def version(connection: Connection) -> tuple[int, datetime | None]:
    """How many entries there are and when the newest change was: the search index's freshness check."""
    count, newest = connection.execute(select(func.count(FaqEntry.id), func.max(FaqEntry.updated_at))).one()
    return int(count), newest
