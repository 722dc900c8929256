"""`auskunft legal search` and `auskunft faq ...`: ranked hits as text or JSON."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from auskunft.errors import AuskunftError
from auskunft.knowledge.faq import store as faq_store
from auskunft.knowledge.search.analysis import Lang
from auskunft.knowledge.search.document import DocKind
from auskunft.knowledge.search.engine import Hit
from auskunft.knowledge.search.service import SearchService
from auskunft.ledger import Ledger

faq_app = typer.Typer(help="The FAQ knowledge base.", no_args_is_help=True)
err = Console(stderr=True, soft_wrap=True)


class Output(StrEnum):
    TEXT = "text"
    JSON = "json"


class Language(StrEnum):
    DE = "de"
    EN = "en"


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    return typer.Exit(2)


def hit_dict(rank: int, hit: Hit) -> dict[str, Any]:
    """One hit as printed by `--format json` (and served by the web search later)."""
    doc = hit.document
    return {
        "rank": rank,
        "id": doc.key,
        "kind": doc.kind,
        "language": doc.language,
        "law": doc.law,
        "number": doc.number,
        "faq_id": doc.faq_id,
        "slug": doc.slug,
        "label": doc.label,
        "title": doc.title,
        "score": hit.score,
        "snippet": hit.snippet,
    }


def _search(
    query: str, kind: DocKind, law: str | None, lang: Language | None, limit: int, fmt: Output
) -> None:
    if limit < 1:
        raise _fail("--limit must be at least 1")
    language: Lang | None = None if lang is None else "en" if lang is Language.EN else "de"
    try:
        with Ledger.open() as ledger:
            service = SearchService(ledger.engine)
            searched = service.current()
            hits = searched.search(query, kind=kind, law=law, language=language, limit=limit)
    except AuskunftError as exc:
        raise _fail(str(exc)) from None
    if fmt is Output.JSON:
        rows = [hit_dict(rank, hit) for rank, hit in enumerate(hits, start=1)]
        typer.echo(json.dumps({"query": query, "hits": rows}, ensure_ascii=False, indent=2))
        return
    if not any(doc.kind == kind for doc in searched.index.documents):
        err.print(
            "no legal articles imported yet: run `auskunft legal import`"
            if kind == "legal"
            else "no published FAQ entries: run `auskunft faq import FILE.yaml`"
        )
    for rank, hit in enumerate(hits, start=1):
        doc = hit.document
        typer.echo(f"{rank:>2}. {doc.label} — {doc.title}  ({hit.score:.2f})")
        typer.echo(f"    {hit.snippet}")
    if not hits:
        err.print("no hits")


def legal_search(
    query: Annotated[str, typer.Argument(help="Words or a citation.")],
    law: Annotated[
        str | None, typer.Option(help="Only this law: DSGVO (= GDPR), BDSG, UWG, TDDDG, DDG.")
    ] = None,
    lang: Annotated[Language | None, typer.Option(help="Only texts in this language.")] = None,
    limit: Annotated[int, typer.Option(help="Number of hits.")] = 10,
    fmt: Annotated[Output, typer.Option("--format", help="Output format.")] = Output.TEXT,
) -> None:
    """Search the legal articles (ranked)."""
    _search(query, "legal", law, lang, limit, fmt)


@faq_app.command("search")
def faq_search(
    query: Annotated[str, typer.Argument(help="What the customer asks.")],
    lang: Annotated[Language | None, typer.Option(help="Only entries in this language.")] = None,
    limit: Annotated[int, typer.Option(help="Number of hits.")] = 10,
    fmt: Annotated[Output, typer.Option("--format", help="Output format.")] = Output.TEXT,
) -> None:
    """Search the published FAQ entries (ranked)."""
    _search(query, "faq", None, lang, limit, fmt)


@faq_app.command("import")
def faq_import(file: Annotated[Path, typer.Argument(help="FAQ file (YAML, docs/search.md).")]) -> None:
    """Create or update FAQ entries from a file, matched by slug."""
    try:
        entries = faq_store.parse_file(file)
        with Ledger.open() as ledger, ledger.engine.begin() as connection:
            report = faq_store.save_all(connection, entries)
    except AuskunftError as exc:
        raise _fail(str(exc)) from None
    err.print(
        f"FAQ imported: {report.created} created, {report.updated} updated, {report.unchanged} unchanged",
        highlight=False,
    )


@faq_app.command("list")
def faq_list(
    lang: Annotated[Language | None, typer.Option(help="Only entries in this language.")] = None,
    fmt: Annotated[Output, typer.Option("--format", help="Output format.")] = Output.TEXT,
) -> None:
    """List the FAQ entries: id, slug, language, category, published, title."""
    try:
        with Ledger.open() as ledger, ledger.engine.connect() as connection:
            entries = faq_store.list_entries(connection, language=lang.value if lang else None)
    except AuskunftError as exc:
        raise _fail(str(exc)) from None
    if fmt is Output.JSON:
        rows = [
            {
                "id": e.id,
                "slug": e.slug,
                "language": e.language,
                "category": e.category,
                "title": e.title,
                "citations": list(e.citations),
                "published": e.published,
                "updated_at": e.updated_at.isoformat(),
            }
            for e in entries
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for e in entries:
        mark = "published" if e.published else "draft"
        typer.echo(f"{e.id:>4}  {e.language}  {e.category:<16} {mark:<9}  {e.slug}  — {e.title}")


@faq_app.command("publish")
def faq_publish(
    entry: Annotated[str, typer.Argument(help="Slug or id of the entry.")],
    withdraw: Annotated[bool, typer.Option("--withdraw", help="Take the entry off the portal.")] = False,
) -> None:
    """Publish a FAQ entry in the portal (or withdraw it)."""
    ref: int | str = int(entry) if entry.isdigit() else entry
    try:
        with Ledger.open() as ledger, ledger.engine.begin() as connection:
            article = faq_store.publish(connection, ref, not withdraw)
    except AuskunftError as exc:
        raise _fail(str(exc)) from None
    err.print(f"{article.slug}: {'published' if article.published else 'withdrawn'}", highlight=False)
