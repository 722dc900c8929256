"""The signed-in part of "Meine Daten": the complete answer on one page, its PDF and JSON, and the actions.

Every page and download builds the answer anew through `Ledger.answer_subject` (written to the audit
trail as `portal:subject`). Every state-changing form carries the session's CSRF token and must come
from our own origin; the session names the person, so nobody can act on anyone else's data.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from auskunft.answer import render
from auskunft.answer.model import Answer
from auskunft.errors import InvalidInput
from auskunft.i18n import Language, translations
from auskunft.requests import letters
from auskunft.web.auth import csrf
from auskunft.web.portal import actions
from auskunft.web.portal.sessions import PortalSession
from auskunft.web.portal.signin import PORTAL_ACTOR
from auskunft.web.portal.state import Portal, lang_of
from auskunft.web.portal.views import HOME, redirect_home, refused, sign_in_page

Key = Annotated[str, Form(max_length=100)]
Token = Annotated[str, Form(max_length=100)]
Details = Annotated[str, Form(max_length=actions.MAX_DETAILS)]
NOTICES = ("withdrawn", "objected")


def router(portal: Portal) -> APIRouter:
    routes = APIRouter(include_in_schema=False)

    @routes.get(HOME, name="my_data")
    def home(request: Request, done: str | None = None) -> Response:
        lang = lang_of(request)
        session = portal.session(request)
        if session is None:
            stale = portal.cookie in request.cookies
            response = sign_in_page(portal, lang, done="expired" if stale else done)
            if stale:
                portal.clear_cookie(response)
            return response
        return answer_page(portal, session, lang, done=done if done in NOTICES else None)

    @routes.get(f"{HOME}/auskunft.{{fmt}}")
    def download(request: Request, fmt: str) -> Response:
        lang = lang_of(request)
        session = portal.session(request)
        if session is None:
            return redirect_home(lang)
        if fmt not in ("pdf", "json"):
            return Response(status_code=404)
        answer = build(portal, session, lang)
        data = render.render(answer, render.Format(fmt))
        name = f"auskunft-{answer.generated_at.date().isoformat()}.{fmt}"
        media = "application/pdf" if fmt == "pdf" else "application/json"
        return Response(
            data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )

    @routes.post(f"{HOME}/einwilligung")
    def withdraw(request: Request, purpose: Key = "", channel: Key = "", csrf_token: Token = "") -> Response:
        lang = lang_of(request)
        session = checked(portal, request, csrf_token)
        if session is None:
            return refused(portal, lang)
        try:
            actions.withdraw(
                portal.ledger, build(portal, session, lang), session.subject_id, purpose, channel
            )
        except InvalidInput:
            tr = translations(lang).gettext
            return answer_page(portal, session, lang, 422, error=tr("This consent is no longer active."))
        return redirect_home(lang, "withdrawn")

    @routes.post(f"{HOME}/widerspruch")
    def object_to_advertising(request: Request, csrf_token: Token = "") -> Response:
        lang = lang_of(request)
        session = checked(portal, request, csrf_token)
        if session is None:
            return refused(portal, lang)
        actions.object_to_advertising(portal.ledger, session.subject_id)
        return redirect_home(lang, "objected")

    @routes.post(f"{HOME}/antrag")
    def request_case(
        request: Request, kind: Key = "", details: Details = "", csrf_token: Token = ""
    ) -> Response:
        lang = lang_of(request)
        session = checked(portal, request, csrf_token)
        if session is None:
            return refused(portal, lang)
        tr = translations(lang).gettext
        try:
            case = actions.open_request(
                portal.ledger, session.subject_id, session.address, kind, details, lang
            )
        except InvalidInput:
            error = tr("Please choose erasure or correction, and tell us what we should correct.")
            return answer_page(portal, session, lang, 422, error=error, details=details)
        return portal.page(
            "request.html.j2",
            lang,
            title=tr("Your request has been received"),
            case_number=case.number,
            kind_label=letters.kind_label(case.kind, lang),
            due_on=case.due_on,
        )

    @routes.post(f"{HOME}/abmelden")
    def sign_out(request: Request, csrf_token: Token = "") -> Response:
        lang = lang_of(request)
        session = checked(portal, request, csrf_token)
        if session is None:
            return refused(portal, lang)
        portal.sessions.end(request.cookies.get(portal.cookie))
        response = redirect_home(lang, "signed_out")
        portal.clear_cookie(response)
        return response

    return routes


def checked(portal: Portal, request: Request, token: str) -> PortalSession | None:
    """The session, when the request comes from our own page of it (origin and CSRF token)."""
    session = portal.session(request)
    if session is None or not csrf.same_origin(request):
        return None
    if not token or not hmac.compare_digest(session.csrf.encode(), token.encode()):
        return None
    return session


def build(portal: Portal, session: PortalSession, lang: Language) -> Answer:
    return portal.ledger.answer_subject(session.subject_id, lang, PORTAL_ACTOR)


def masked(address: str) -> str:
    local, at, domain = address.partition("@")
    return f"{local[:1]}…{at}{domain}" if at else f"…{address[-3:]}"


def answer_page(
    portal: Portal,
    session: PortalSession,
    lang: Language,
    status: int = 200,
    *,
    done: str | None = None,
    error: str | None = None,
    details: str = "",
) -> Response:
    tr = translations(lang).gettext
    answer = build(portal, session, lang)
    return portal.page(
        "answer.html.j2",
        lang,
        status,
        title=tr("My data"),
        a=answer,
        purpose_labels={p.key: p.label for p in answer.purposes},
        active=actions.ACTIVE,
        objected_all=any(o.purpose is None and o.channel is None for o in answer.objections),
        csrf=session.csrf,
        signed_in_as=masked(session.address),
        done=done,
        error=error,
        details=details,
        third_parties=[s for s in answer.sources if not s.source.collected_from_subject],
    )
