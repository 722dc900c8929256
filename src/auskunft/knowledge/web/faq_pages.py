"""The FAQ pages: `/hilfe` (start page with search box), `/hilfe/suche?q=` (FAQ and legal articles ranked)
and `/hilfe/{slug}` (one answer, its legal citations, "Hat Ihnen diese Antwort geholfen?").

The feedback form posts to `/hilfe/{slug}/feedback` and is answered with a redirect back to the answer
(no cookie, nothing but entry, yes/no, day and context stored); posts from other sites are refused by the
same-origin check (`site.same_origin`).
"""

from __future__ import annotations

from itertools import groupby
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from auskunft.errors import InvalidInput, NotFound
from auskunft.i18n import Language, language, translations
from auskunft.knowledge.faq import feedback, render
from auskunft.knowledge.faq import store as faq_store
from auskunft.knowledge.faq.model import FaqArticle
from auskunft.knowledge.legal.citation import parse_citation
from auskunft.knowledge.legal.store import get_article
from auskunft.knowledge.search.engine import Hit
from auskunft.knowledge.web import links, site

Lang = Annotated[str | None, Query(max_length=5, description="de (default) or en")]
MAX_QUERY = 300
"""Longer queries are cut: nobody types more into a search box, and the search stays fast."""
HITS = 20


def hit_view(hit: Hit, lang: Language) -> dict[str, Any]:
    """One search hit as the result lists show it (FAQ entries and legal articles alike)."""
    doc = hit.document
    if doc.kind == "faq":
        url = f"{site.HELP}/{doc.slug}?lang={lang}"
    else:
        assert doc.law is not None
        assert doc.number is not None
        assert doc.legal_kind is not None
        url = f"{links.article_path(doc.law, doc.legal_kind, doc.number)}?lang={lang}"
    return {
        "kind": doc.kind,
        "url": url,
        "label": doc.label if doc.kind == "legal" else None,
        "title": doc.title,
        "snippet": hit.snippet,
        "language": doc.language,
    }


router = APIRouter(tags=["help"], include_in_schema=False)


@router.get(site.HELP, name="help")
def start(request: Request, lang: Lang = None) -> Response:
    chosen = language(lang)
    with site.ledger(request).engine.connect() as connection:
        entries = faq_store.list_entries(connection, language=chosen, published_only=True)
    categories = [(name, list(group)) for name, group in groupby(entries, key=lambda e: e.category)]
    title = translations(chosen).gettext("Help and frequently asked questions")
    return site.render(request, "help.html.j2", chosen, title=title, categories=categories)


@router.get(f"{site.HELP}/suche", name="help_search")
def search(request: Request, q: str = "", lang: Lang = None) -> Response:
    chosen = language(lang)
    query = " ".join(q.split())[:MAX_QUERY]
    hits = site.search(request).search(query, language=chosen, limit=HITS) if query else []
    tr = translations(chosen).gettext
    return site.render(
        request,
        "search.html.j2",
        chosen,
        title=tr("Search results") if query else tr("Search"),
        query=query,
        hits=[hit_view(hit, chosen) for hit in hits],
    )


def _published(request: Request, slug: str) -> FaqArticle | None:
    with site.ledger(request).engine.connect() as connection:
        try:
            entry = faq_store.get(connection, slug)
        except NotFound:
            return None
    return entry if entry.published else None


@router.get(site.HELP + "/{slug}", name="help_entry")
def entry_page(request: Request, slug: str, lang: Lang = None, danke: str | None = None) -> Response:
    entry = _published(request, slug)
    chosen = language(lang)
    if entry is None:
        return not_found(request, chosen)
    chosen = language(lang or entry.language)
    return site.render(
        request,
        "entry.html.j2",
        chosen,
        title=entry.title,
        entry=entry,
        body=links.linked_html(render.html(entry.body), entry.language),
        citations=_citations(request, entry),
        action=f"{site.HELP}/{entry.slug}/feedback?lang={chosen}",
        thanks=danke if danke in ("ja", "nein") else None,
    )


def _citations(request: Request, entry: FaqArticle) -> list[dict[str, str | None]]:
    """The legal articles the answer relies on: label, link and title (when the texts are imported)."""
    shown = []
    with site.ledger(request).engine.connect() as connection:
        for text in entry.citations:
            try:
                citation = parse_citation(text)
            except InvalidInput:
                continue
            law = citation.stored_law(entry.language)
            url = links.citation_url(citation, entry.language)
            if law is None or url is None:
                continue
            article = get_article(connection, law, citation.kind, citation.number, entry.language)
            title = article.title if article else None
            shown.append({"label": citation.label(entry.language), "url": url, "title": title})
    return shown


@router.post(site.HELP + "/{slug}/feedback")
def give_feedback(
    request: Request, slug: str, helpful: Annotated[str, Form(max_length=10)] = "", lang: Lang = None
) -> Response:
    chosen = language(lang)
    if not site.same_origin(request):
        tr = translations(chosen).gettext
        return site.render(request, "refused.html.j2", chosen, 403, title=tr("Not sent"))
    entry = _published(request, slug)
    if entry is None or helpful not in ("ja", "nein"):
        return not_found(request, chosen)
    with site.ledger(request).engine.begin() as connection:
        feedback.record(connection, entry.id, helpful == "ja", "portal")
    target = f"{site.HELP}/{entry.slug}?lang={chosen}&danke={helpful}#feedback"
    return RedirectResponse(target, status_code=303)


def not_found(request: Request, lang: Language) -> Response:
    tr = translations(lang).gettext
    return site.render(request, "not_found.html.j2", lang, 404, title=tr("Page not found"))
