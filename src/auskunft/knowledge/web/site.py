"""What the help pages share: the search service, the site's layout and headers, the same-origin check.

The pages use the contact form's layout and stylesheet (`channels.form.pages`), so the public site looks
like one site; their own templates and the small stylesheet and script are in this package.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from starlette.responses import HTMLResponse, Response

from auskunft.channels.form import pages
from auskunft.channels.form.guard import RateLimit
from auskunft.i18n import Language
from auskunft.knowledge.search.engine import SearchEngine
from auskunft.knowledge.search.service import SearchService
from auskunft.ledger import Ledger

HELP = "/hilfe"
LAW = "/recht"
STATIC = f"{HELP}/static"
STYLE = f"{STATIC}/hilfe.css"
SCRIPT = f"{STATIC}/vorschlaege.js"
SUGGEST_LIMIT = 30
"""Suggestion look-ups per address and minute (a person typing makes one every second or two at most)."""


class KnowledgeSite:
    """Kept as `app.state.knowledge`: the process's one search service, the suggestions' rate limit."""

    def __init__(self, rate_limit: RateLimit | None = None) -> None:
        self._search: SearchService | None = None
        self._reverse: tuple[SearchEngine, dict[str, list[str]]] | None = None
        self._lock = threading.Lock()
        # not `or`: an empty RateLimit is falsy (it has a length)
        self.rate_limit = RateLimit(SUGGEST_LIMIT, 60.0) if rate_limit is None else rate_limit

    def cited_by(self, engine: SearchEngine, key: str) -> list[str]:
        """Keys of the articles that cite the article `key` (built once per built search engine)."""
        with self._lock:
            if self._reverse is None or self._reverse[0] is not engine:
                reverse: dict[str, list[str]] = defaultdict(list)
                for doc in engine.index.documents:
                    if doc.kind == "legal":
                        for cited in doc.cites:
                            reverse[cited].append(doc.key)
                self._reverse = (engine, dict(reverse))
            return self._reverse[1].get(key, [])

    def search(self, ledger: Ledger) -> SearchService:
        with self._lock:
            if self._search is None:
                self._search = SearchService(ledger.engine)
            return self._search


def knowledge(request: Request) -> KnowledgeSite:
    found = request.app.state.knowledge
    assert isinstance(found, KnowledgeSite)
    return found


def ledger(request: Request) -> Ledger:
    opened = request.app.state.ledger
    assert isinstance(opened, Ledger), "the ledger is opened when the application starts"
    return opened


def search(request: Request) -> SearchService:
    return knowledge(request).search(ledger(request))


def company(request: Request) -> tuple[str, str | None]:
    """The controller's name and website from the register ("" and None before one is loaded)."""
    opened = ledger(request)
    with opened.engine.connect() as connection:
        controller = opened.register(connection).controller
    return (controller.name, controller.website) if controller else ("", None)


def render(request: Request, name: str, lang: Language, status: int = 200, /, **context: Any) -> HTMLResponse:
    """A page of the help site in the shared layout."""
    context.setdefault("company", company(request)[0])
    context.setdefault("style_url", STYLE)
    context.setdefault("help_url", f"{HELP}?lang={lang}")
    context.setdefault("law_url", f"{LAW}?lang={lang}")
    form = getattr(request.app.state, "contact_form", None)
    context.setdefault("contact_url", f"/kontakt?lang={lang}" if form is not None else None)
    return pages.page(pages.environment(lang, __package__), name, lang, status, **context)


def same_origin(request: Request) -> bool:
    """A browser's post from one of our own pages (anonymous forms carry no session to protect them).

    Browsers send `Origin` with every POST (and `Sec-Fetch-Site`); when one is there it must name us — the
    address the request came to, or the register's website (behind a proxy). A request with neither
    comes from no browser page and cannot be a cross-site forgery."""
    origin = request.headers.get("origin")
    if origin is None:
        fetch_site = request.headers.get("sec-fetch-site")
        return fetch_site is None or fetch_site in ("same-origin", "none")
    own = {f"{request.url.scheme}://{request.url.netloc}"}
    website = company(request)[1]
    if website:
        parts = urlsplit(website)
        own.add(f"{parts.scheme}://{parts.netloc}")
    return origin in own


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@cache
def _static(name: str) -> bytes:
    return resources.files(__package__).joinpath(f"static/{name}").read_bytes()


def static(name: str, media_type: str) -> Response:
    return Response(
        _static(name),
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
