"""Knowledge in the console: one search over the FAQ and the legal texts, and editing the FAQ.

Agents search the way customers do (the same German-aware engine, `auskunft.knowledge.search`), and write
and publish the FAQ entries the portal shows. Entries are validated at the boundary (`faq.model.validated`:
slug, language, category, title, Markdown body, citations of known laws); every change is audited.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from markupsafe import Markup
from sqlalchemy import insert
from starlette.responses import RedirectResponse, Response

from auskunft.errors import AuskunftError
from auskunft.knowledge.faq import render as faq_render
from auskunft.knowledge.faq import store as faq_store
from auskunft.knowledge.faq.model import FaqArticle, validated
from auskunft.knowledge.search.document import DocKind, SearchDocument
from auskunft.knowledge.search.service import SearchService
from auskunft.knowledge.web.links import article_path
from auskunft.store import tables as t
from auskunft.web.auth.deps import ledger_of, require_role
from auskunft.web.auth.sessions import Session
from auskunft.web.auth.users import Role
from auskunft.web.console.render import ConsoleRoute, render

Agent = Annotated[Session, require_role(Role.AGENT)]
Field = Annotated[str, Form(max_length=50_000)]


def _search(request: Request) -> SearchService:
    """The process's search service: the public help pages' one when installed, else the console's own."""
    knowledge = getattr(request.app.state, "knowledge", None)
    if knowledge is not None:
        found = knowledge.search(ledger_of(request))
        assert isinstance(found, SearchService)
        return found
    service = getattr(request.app.state, "console_search", None)
    if not isinstance(service, SearchService):
        service = request.app.state.console_search = SearchService(ledger_of(request).engine)
    return service


def _hit_url(document: SearchDocument) -> str:
    if document.kind == "faq":
        return f"/hilfe/{document.slug}?lang={document.language}"
    return article_path(document.law or "", document.legal_kind or "article", document.number or "")


def _form_values(entry: FaqArticle | None) -> dict[str, str]:
    if entry is None:
        return {"slug": "", "language": "de", "category": "", "title": "", "body": "", "citations": ""}
    return {
        "slug": entry.slug,
        "language": entry.language,
        "category": entry.category,
        "title": entry.title,
        "body": entry.body,
        "citations": "\n".join(entry.citations),
    }


def _audit(request: Request, session: Session, what: str) -> None:
    with ledger_of(request).engine.begin() as connection:
        connection.execute(
            insert(t.AuditEntry).values(
                at=datetime.now(UTC),
                actor=session.user.actor,
                action="faq.changed",
                subject_id=None,
                reason=what,
            )
        )


def router() -> APIRouter:
    routes = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

    @routes.get("/wissen")
    def knowledge(
        request: Request,
        _session: Agent,
        q: Annotated[str, Query(max_length=300)] = "",
        kind: Annotated[str, Query(max_length=10)] = "",
    ) -> Response:
        hits = []
        if q.strip():
            wanted: DocKind | None = "faq" if kind == "faq" else "legal" if kind == "legal" else None
            for hit in _search(request).search(q, kind=wanted, limit=15):
                doc = hit.document
                hits.append(
                    {
                        "title": doc.title,
                        "label": doc.label,
                        "kind": doc.kind,
                        "snippet": hit.snippet,
                        "url": _hit_url(doc),
                        "score": hit.score,
                    }
                )
        return render(request, "knowledge.html.j2", title="knowledge", q=q, kind=kind, hits=hits)

    @routes.get("/faq")
    def faq_list(request: Request, _session: Agent) -> Response:
        with ledger_of(request).engine.connect() as connection:
            entries = faq_store.list_entries(connection)
        return render(request, "faq_list.html.j2", title="faq", entries=entries)

    @routes.get("/faq/neu")
    def faq_new(request: Request, _session: Agent) -> Response:
        return render(
            request,
            "faq_edit.html.j2",
            title="faq",
            entry=None,
            values=_form_values(None),
            error=None,
            preview=None,
        )

    @routes.get("/faq/{entry_id}")
    def faq_edit(request: Request, _session: Agent, entry_id: int, done: str = "") -> Response:
        with ledger_of(request).engine.connect() as connection:
            entry = faq_store.get(connection, entry_id)
        return render(
            request,
            "faq_edit.html.j2",
            title="faq",
            entry=entry,
            values=_form_values(entry),
            error=None,
            preview=Markup(faq_render.html(entry.body)),  # noqa: S704 - sanitised by nh3
            done=done,
        )

    @routes.post("/faq/save")
    def faq_save(
        request: Request,
        session: Agent,
        slug: Field = "",
        language: Field = "de",
        category: Field = "",
        title: Field = "",
        body: Field = "",
        citations: Field = "",
        published: Annotated[str, Form(max_length=5)] = "",
        entry_id: Annotated[str, Form(max_length=12)] = "",
    ) -> Response:
        ledger = ledger_of(request)
        values = {
            "slug": slug,
            "language": language,
            "category": category,
            "title": title,
            "body": body,
            "citations": citations,
        }
        data = {
            **values,
            "citations": [line.strip() for line in citations.splitlines() if line.strip()],
            "published": published == "on",
        }
        existing: FaqArticle | None = None
        try:
            entry = validated(data, "FAQ entry")
            with ledger.engine.begin() as connection:
                if entry_id.isdigit():
                    existing = faq_store.get(connection, int(entry_id))
                    saved = faq_store.update_entry(connection, existing.id, entry)
                else:
                    saved = faq_store.create(connection, entry)
        except AuskunftError as exc:
            return render(
                request,
                "faq_edit.html.j2",
                422,
                title="faq",
                entry=existing,
                values=values,
                error=str(exc),
                preview=None,
            )
        _audit(request, session, f"faq entry {saved.id} ({saved.slug}) saved")
        return RedirectResponse(f"/console/faq/{saved.id}?done=saved", 303)

    return routes
