"""FAQ answers suggested while a customer types into the contact form, and their "Hat das geholfen?".

`POST /hilfe/vorschlaege` takes what has been typed as JSON `{"text", "lang", "shown"}` and answers with up
to three published entries `{"suggestions": [{"id", "slug", "title", "snippet", "url"}]}`. It is a POST on
purpose: a message in the address would land in every access log. The text is searched and forgotten;
only the count of suggestions shown per entry and day is kept (`shown` lists the entries this page has
already counted). Rate-limited per address in memory. `POST /hilfe/vorschlaege/rueckmeldung`
`{"id", "helpful"}` stores the anonymous answer (context `contact_form_suggestion`).

The script `vorschlaege.js` (served at `/hilfe/static/`) does the typing side; without JavaScript the form
works as before. When a suggestion was marked helpful, the script adds its id to the form (`faq_helpful`),
and the form counts a message sent all the same (`feedback.submitted_after_helpful`).
"""

from __future__ import annotations

import json
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from auskunft.errors import NotFound
from auskunft.i18n import translations
from auskunft.knowledge.faq import feedback, suggest
from auskunft.knowledge.faq import store as faq_store
from auskunft.knowledge.web import site

SUGGEST = f"{site.HELP}/vorschlaege"
FEEDBACK = f"{SUGGEST}/rueckmeldung"
MAX_BODY = 32 * 1024
MIN_CHARACTERS = 15
"""The script asks only from this many characters on (the server needs two words)."""


class Typed(BaseModel):
    model_config = ConfigDict(extra="ignore")
    text: str = Field(max_length=10_000)
    lang: Literal["de", "en"] = "de"
    shown: list[int] = Field(default_factory=list, max_length=50)


class Vote(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: int
    helpful: bool


router = APIRouter(tags=["help"], include_in_schema=False)


def _error(code: str, status: int) -> JSONResponse:
    return JSONResponse({"error": {"code": code}}, status)


async def _body(request: Request) -> bytes | None:
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        return None
    body = await request.body()
    return body if len(body) <= MAX_BODY else None


@router.post(SUGGEST)
async def suggestions(request: Request) -> Response:
    if not site.same_origin(request):
        return _error("cross_origin", 403)
    if not site.knowledge(request).rate_limit.hit(site.client_key(request)):
        return _error("rate_limited", 429)
    body = await _body(request)
    if body is None:
        return _error("too_large", 413)
    try:
        typed = Typed.model_validate_json(body)
    except ValidationError:
        return _error("invalid", 422)
    found = await run_in_threadpool(_suggest, request, typed)
    return JSONResponse({"suggestions": found})


def _suggest(request: Request, typed: Typed) -> list[dict[str, object]]:
    if len(typed.text.strip()) < MIN_CHARACTERS:
        return []
    hits = suggest.suggest(site.search(request), typed.text, typed.lang)
    new = [hit.id for hit in hits if hit.id not in typed.shown]
    if new:
        with site.ledger(request).engine.begin() as connection:
            feedback.suggestions_shown(connection, new)
    return [
        {
            "id": hit.id,
            "slug": hit.slug,
            "title": hit.title,
            "snippet": hit.snippet,
            "url": f"{site.HELP}/{hit.slug}?lang={typed.lang}",
        }
        for hit in hits
    ]


@router.post(FEEDBACK)
async def vote(request: Request) -> Response:
    if not site.same_origin(request):
        return _error("cross_origin", 403)
    body = await _body(request)
    if body is None:
        return _error("too_large", 413)
    try:
        given = Vote.model_validate_json(body)
    except ValidationError:
        return _error("invalid", 422)
    stored = await run_in_threadpool(_record, request, given)
    return Response(status_code=204) if stored else _error("not_found", 404)


def _record(request: Request, given: Vote) -> bool:
    with site.ledger(request).engine.begin() as connection:
        try:
            entry = faq_store.get(connection, given.id)
        except NotFound:
            return False
        if not entry.published:
            return False
        feedback.record(connection, entry.id, given.helpful, "contact_form_suggestion")
    return True


@router.get(f"{site.STATIC}/{{name}}")
def static(name: str) -> Response:
    types = {"vorschlaege.js": "text/javascript", "hilfe.css": "text/css"}
    if name not in types:
        return Response(status_code=404)
    return site.static(name, types[name])


class FormSuggestions:
    """What the contact form needs to show suggestions (`app.state.faq_suggestions`): the script, the
    stylesheet, the addresses, and the script's texts in the page's language."""

    script = site.SCRIPT
    style = site.STYLE
    endpoint = SUGGEST
    feedback = FEEDBACK
    min_characters = MIN_CHARACTERS

    @staticmethod
    def texts(lang: str) -> str:
        tr = translations(lang).gettext
        return json.dumps(
            {
                "question": tr("Did this help?"),
                "yes": tr("Yes"),
                "no": tr("No"),
                "thanks_yes": tr("Thank you! We are glad it helped – you need not send the form then."),
                "thanks_no": tr("Thank you for your feedback."),
                "new_tab": tr("(opens in a new tab)"),
            },
            ensure_ascii=False,
        )
