"""The legal-article pages: `/recht` ("Durchsuchen Sie Rechtsartikel"), `/recht/{law}` (contents) and
`/recht/{law}/{number}` (one article, § or recital; addresses in `links.py`).

A query that is a citation ("Art. 15 Abs. 1 lit. g DSGVO", "§ 7 UWG", "Erwägungsgrund 47") leads straight
to the article, at the paragraph it names. Without imported texts every page says how to import them;
a missing article is a 404 page, never an error.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import groupby
from typing import Annotated, Any
from urllib.parse import unquote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from auskunft.errors import InvalidInput
from auskunft.i18n import Language, language, translations
from auskunft.knowledge.legal.citation import Citation, canonical_law, parse_citation
from auskunft.knowledge.legal.model import Kind, LegalArticle
from auskunft.knowledge.legal.store import get_article, iter_articles
from auskunft.knowledge.search.document import SearchDocument, law_family
from auskunft.knowledge.search.engine import SearchEngine
from auskunft.knowledge.web import faq_pages, links, site
from auskunft.store.legal_tables import LegalArticleRow

Lang = Annotated[str | None, Query(max_length=5, description="de (default) or en")]
LAWS = ("DSGVO", "BDSG", "UWG", "TDDDG", "DDG")
"""The filter of the search: the regulation (DSGVO = GDPR) and the German statutes."""
STORED = ("DSGVO", "GDPR", "BDSG", "UWG", "TDDDG", "DDG")
OFFICIAL = {
    "DSGVO": "https://eur-lex.europa.eu/eli/reg/2016/679/oj/deu",
    "GDPR": "https://eur-lex.europa.eu/eli/reg/2016/679/oj/eng",
}
"""Where the official text is when an import did not record the address it was read from."""
_RECITAL = re.compile(r"^(?:erwaegungsgrund|erwägungsgrund|recital)-(\d{1,3})$")
_ENGLISH = re.compile(r"\b(?:gdpr|article|recital|regulation)\b", re.IGNORECASE)
_GERMAN = re.compile(r"dsgvo|ds-gvo|artikel|erwägungsgrund|verordnung", re.IGNORECASE)

router = APIRouter(tags=["legal articles"], include_in_schema=False)


def _imported(request: Request) -> bool:
    with site.ledger(request).engine.connect() as connection:
        return bool(connection.scalar(select(func.count()).select_from(LegalArticleRow)))


def _not_imported(request: Request, lang: Language, status: int) -> Response:
    tr = translations(lang).gettext
    return site.render(request, "not_imported.html.j2", lang, status, title=tr("Legal texts not imported"))


@router.get(site.LAW, name="legal_search")
def search(request: Request, q: str = "", law: str = "", sprache: str = "", lang: Lang = None) -> Response:
    chosen = language(lang)
    query = " ".join(q.split())[: faq_pages.MAX_QUERY]
    family = law_family(law) if law_family(law) in LAWS else None
    texts = language(sprache or chosen)
    if not _imported(request):
        return _not_imported(request, chosen, 200)
    if query:
        target = _citation_target(query, family, sprache or None, chosen)
        if target:
            return RedirectResponse(target, status_code=303)
    hits = (
        site.search(request).search(query, kind="legal", law=family, language=texts, limit=faq_pages.HITS)
        if query
        else []
    )
    tr = translations(chosen).gettext
    return site.render(
        request,
        "legal_search.html.j2",
        chosen,
        title=tr("Search legal articles"),
        query=query,
        law=family,
        laws=LAWS,
        texts=texts,
        hits=[faq_pages.hit_view(hit, chosen) for hit in hits],
    )


def _citation_target(query: str, family: str | None, texts: str | None, lang: Language) -> str | None:
    """The article page a query that is one citation names (None for a query of words)."""
    found: Citation | None = None
    for text in (query, query[:1].upper() + query[1:]):  # "art 15 dsgvo" as well
        try:
            found = parse_citation(text)
            break
        except InvalidInput:
            continue
    if found is None:
        return None
    if found.law is None:
        if found.kind != "paragraph":
            found = replace(found, law="DSGVO")  # "Art. 15": the regulation
        elif family and family != "DSGVO":
            found = replace(found, law=family)
        else:
            return None  # "§ 7": every statute has one; the search lists them
    written = "en" if _ENGLISH.search(query) else "de" if _GERMAN.search(query) else None
    text_language = texts if texts in ("de", "en") else written or lang
    url = links.citation_url(found, text_language)
    if url is None:
        return None
    path, _, fragment = url.partition("#")
    return f"{path}?lang={lang}" + (f"#{fragment}" if fragment else "")


def _stored_law(name: str) -> str | None:
    """The law as stored ("dsgvo" → DSGVO, "TTDSG" → TDDDG, "gdpr" → GDPR); None if auskunft holds none."""
    if name.upper() in STORED:
        return name.upper()
    canonical = canonical_law(name)
    return canonical if canonical in STORED else None


@router.get(site.LAW + "/{law}", name="legal_law")
def law_page(request: Request, law: str, lang: Lang = None) -> Response:
    stored = _stored_law(law)
    chosen = language(lang or (links.language_of(stored) if stored else None))
    if stored is None:
        return faq_pages.not_found(request, chosen)
    if stored != law:
        return RedirectResponse(f"{site.LAW}/{stored}?lang={chosen}", status_code=301)
    with site.ledger(request).engine.connect() as connection:
        articles = list(iter_articles(connection, stored, links.language_of(stored)))
    if not articles:
        return _not_imported(request, chosen, 404)
    main = [a for a in articles if a.kind != "recital"]
    chapters = [(heading, list(group)) for heading, group in groupby(main, key=_chapter)]
    return site.render(
        request,
        "law.html.j2",
        chosen,
        title=stored,
        law=stored,
        chapters=chapters,
        recitals=[a for a in articles if a.kind == "recital"],
        path=links.article_path,
        label=_label,
    )


def _chapter(article: LegalArticle) -> str:
    return article.breadcrumb[0] if article.breadcrumb else ""


def _reference(ref: str, law: str) -> tuple[Kind, str] | None:
    """Kind and number of an article address ("15", "erwaegungsgrund-47", "anhang")."""
    ref = unquote(ref).strip()
    recital = _RECITAL.match(ref.lower())
    if recital:
        return "recital", recital.group(1)
    if ref.lower() in ("anhang", "annex"):
        return "annex", "Anhang"
    if ref.lower().startswith(f"{links.ANNEX}-"):
        return "annex", ref[len(links.ANNEX) + 1 :]
    if not ref or len(ref) > 20:
        return None
    return ("article" if law in ("DSGVO", "GDPR") else "paragraph"), ref


@router.get(site.LAW + "/{law}/{ref}", name="legal_article")
def article_page(request: Request, law: str, ref: str, lang: Lang = None) -> Response:
    stored = _stored_law(law)
    chosen = language(lang or (links.language_of(stored) if stored else None))
    found = _reference(ref, stored) if stored else None
    if stored is None or found is None:
        return faq_pages.not_found(request, chosen)
    kind, number = found
    if stored != law:
        return RedirectResponse(f"{links.article_path(stored, kind, number)}?lang={chosen}", status_code=301)
    text_language = links.language_of(stored)
    with site.ledger(request).engine.connect() as connection:
        article = get_article(connection, stored, kind, number, text_language)
    if article is None:
        if not _imported(request):
            return _not_imported(request, chosen, 404)
        return faq_pages.not_found(request, chosen)
    engine = site.search(request).current()
    return site.render(
        request,
        "article.html.j2",
        chosen,
        title=f"{_label(article)} – {article.title}" if article.title else _label(article),
        article=article,
        label=_label(article),
        paragraphs=_paragraphs(article),
        source=article.source_url or OFFICIAL.get(article.law),
        cites=[_linked(engine, key) for key in article.cites],
        cited_by=[_linked(engine, key) for key in site.knowledge(request).cited_by(engine, article.key)],
        other=_other_version(engine, article),
        search_url=f"{site.LAW}?{urlencode({'law': law_family(stored), 'lang': chosen})}",
    )


def _label(article: LegalArticle | SearchDocument) -> str:
    if isinstance(article, LegalArticle):
        kind: str | None = article.kind
        number, law, lang = article.number, article.law, article.language
    else:
        kind, number, law, lang = (
            article.legal_kind,
            article.number or "",
            article.law or "",
            article.language,
        )
    if kind == "paragraph":
        return f"§ {number} {law}"
    if kind == "recital":
        return f"{'Erwägungsgrund' if lang == 'de' else 'Recital'} {number} {law}"
    if kind == "annex":
        return f"{number} {law}"
    return f"{'Art.' if lang == 'de' else 'Article'} {number} {law}"


def _paragraphs(article: LegalArticle) -> list[dict[str, Any]]:
    """Each paragraph with its anchor and its lines (list items indented), citations linked."""
    own = canonical_law(article.law) or article.law
    shown, ids = [], set()
    for index, text in enumerate(article.paragraphs, start=1):
        anchor = links.paragraph_id(text, article.language, index)
        anchor = anchor if anchor not in ids else f"p-{index}"
        ids.add(anchor)
        lines = []
        for line in text.split("\n"):
            indent = (len(line) - len(line.lstrip(" "))) // 2
            lines.append((indent, links.linked(line.strip(), article.language, default_law=own)))
        shown.append({"id": anchor, "lines": lines})
    return shown


def _linked(engine: SearchEngine, key: str) -> dict[str, str]:
    """Link and label of the article with this key ("DSGVO:article:46")."""
    law, kind, number = key.split(":", 2)
    n = engine.index.by_key.get(key)
    doc = engine.index.documents[n] if n is not None else None
    return {
        "url": links.article_path(law, kind, number),
        "label": _label(doc) if doc else key,
        "title": doc.title if doc else "",
    }


def _other_version(engine: SearchEngine, article: LegalArticle) -> dict[str, str] | None:
    """The same article of the regulation in the other language (DSGVO ↔ GDPR), if imported."""
    other = {"DSGVO": "GDPR", "GDPR": "DSGVO"}.get(article.law)
    if other is None:
        return None
    key = f"{other}:{article.kind}:{article.number}"
    if key not in engine.index.by_key:
        return None
    url = f"{links.article_path(other, article.kind, article.number)}?lang={links.language_of(other)}"
    return {"url": url, "law": other, "language": links.language_of(other)}
