"""The portal's public routes: the start page `/` and the sign-in to "Meine Daten".

`GET /meine-daten` shows the sign-in (or, signed in, the answer: `account.py`). `POST /meine-daten/code`
answers every address the same way and sends a code only to a known person's address on file (after the
response, so the time it takes tells nothing either). `POST /meine-daten/anmelden` checks the code and
starts the session. No cookie is set before a right code: the forms carry a signed token instead.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import RedirectResponse, Response

from auskunft.errors import InvalidIdentifier
from auskunft.i18n import Language, translations
from auskunft.web.auth import csrf
from auskunft.web.portal import pages, signin
from auskunft.web.portal.signin import Address
from auskunft.web.portal.state import Portal, lang_of

HOME = "/meine-daten"
DONE = {"signed_out", "expired"}
Text = Annotated[str, Form(max_length=400)]


def router(portal: Portal) -> APIRouter:
    routes = APIRouter(include_in_schema=False)

    @routes.get("/", name="portal_start")
    def start(request: Request) -> Response:
        lang = lang_of(request)
        return portal.page(
            "start.html.j2", lang, current="", title=translations(lang).gettext("Customer service")
        )

    @routes.get(pages.CSS_PATH)
    def stylesheet() -> Response:
        return pages.css_response()

    @routes.post(f"{HOME}/code")
    def request_code(
        request: Request, background: BackgroundTasks, address: Text = "", csrf_token: Text = ""
    ) -> Response:
        lang = lang_of(request)
        if not (csrf.same_origin(request) and portal.form_token_valid(csrf_token)):
            return refused(portal, lang)
        try:
            parsed = Address.parse(address, portal.settings.default_region)
        except InvalidIdentifier:
            tr = translations(lang).gettext
            error = tr("Please enter an email address or a phone number.")
            return sign_in_page(portal, lang, 422, error=error, typed=address)
        key = signin.address_key(portal.ledger, parsed)
        if portal.limits.sent.retry_after(key) == 0:
            portal.limits.sent.hit(key)
            minutes = portal.settings.portal_code_minutes
            delivery = signin.prepare_code(portal.ledger, parsed, timedelta(minutes=minutes))
            if delivery is not None:
                background.add_task(signin.send_code, portal.ledger, portal.mailer, delivery, minutes, lang)
        return code_page(portal, lang, address.strip())

    @routes.post(f"{HOME}/anmelden")
    def sign_in(request: Request, address: Text = "", code: Text = "", csrf_token: Text = "") -> Response:
        lang = lang_of(request)
        if not (csrf.same_origin(request) and portal.form_token_valid(csrf_token)):
            return refused(portal, lang)
        try:
            parsed = Address.parse(address, portal.settings.default_region)
        except InvalidIdentifier:
            return sign_in_page(portal, lang)
        key = signin.address_key(portal.ledger, parsed)
        client = request.client.host if request.client else None
        wait = portal.limits.retry_after(key, client)
        if wait:
            return too_many(portal, lang, wait)
        found = signin.redeem(portal.ledger, parsed, code)
        if found is None:
            portal.limits.failed(key, client)
            tr = translations(lang).gettext
            error = tr("The code is wrong or no longer valid. Please check it, or ask for a new code.")
            return code_page(portal, lang, address.strip(), 422, error=error)
        subject_id, sent_to = found
        session_token = portal.sessions.start(subject_id, sent_to)[1]
        response = RedirectResponse(f"{HOME}?lang={lang}", 303)
        portal.set_cookie(response, session_token)
        return response

    return routes


def sign_in_page(
    portal: Portal,
    lang: Language,
    status: int = 200,
    *,
    error: str | None = None,
    typed: str = "",
    done: str | None = None,
) -> Response:
    tr = translations(lang).gettext
    return portal.page(
        "signin.html.j2",
        lang,
        status,
        title=tr("My data"),
        token=portal.form_token(),
        error=error,
        typed=typed,
        done=done if done in DONE else None,
        minutes=portal.settings.portal_code_minutes,
    )


def code_page(
    portal: Portal, lang: Language, typed: str, status: int = 200, *, error: str | None = None
) -> Response:
    tr = translations(lang).gettext
    return portal.page(
        "code.html.j2",
        lang,
        status,
        title=tr("Enter your code"),
        token=portal.form_token(),
        typed=typed,
        error=error,
        minutes=portal.settings.portal_code_minutes,
    )


def too_many(portal: Portal, lang: Language, wait: int) -> Response:
    tr = translations(lang).gettext
    return portal.page(
        "message.html.j2",
        lang,
        429,
        title=tr("Too many attempts"),
        text=tr("Too many wrong codes. Please wait {minutes} minutes and ask for a new code.").format(
            minutes=max(1, (wait + 59) // 60)
        ),
        headers={"Retry-After": str(wait)},
    )


def refused(portal: Portal, lang: Language) -> Response:
    tr = translations(lang).gettext
    return portal.page(
        "message.html.j2",
        lang,
        403,
        title=tr("Please try again"),
        text=tr(
            "We could not check where this request came from, so nothing was done. Please reload the "
            "page and try again."
        ),
    )


def redirect_home(lang: Language, done: str | None = None) -> RedirectResponse:
    return RedirectResponse(f"{HOME}?lang={lang}" + (f"&done={done}" if done else ""), 303)
