"""Rendering console pages: one Jinja2 environment per language, the page headers, the error pages.

Templates of the console live in `console/templates`, the shared layout (`base.html.j2`) in
`web/templates`. Every page gets the signed-in user, the session's CSRF token and the language.
Errors of the console routes are answered as pages (or as JSON for clients that do not ask for HTML):
`ConsoleRoute` catches them, so every console route and its dependencies render alike.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date, datetime
from functools import cache
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from jinja2 import ChoiceLoader, Environment, PackageLoader
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from auskunft import templating
from auskunft.config import get_settings
from auskunft.domain import categories
from auskunft.errors import AuskunftError
from auskunft.i18n import Language, language
from auskunft.web.auth.deps import LoginRequired, TooManyAttempts
from auskunft.web.auth.sessions import Session
from auskunft.web.errors import describe, status_of

PAGE_HEADERS = {
    # nothing from elsewhere: no fonts, scripts, frames from other hosts; forms post only to us
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
LOGIN_PATH = "/console/login"


@cache
def environment(lang: str) -> Environment:
    env = templating.environment("auskunft.web.console", lang)
    env.loader = ChoiceLoader(
        [PackageLoader("auskunft.web.console", "templates"), PackageLoader("auskunft.web", "templates")]
    )
    zone = ZoneInfo(get_settings().timezone)
    locale = Locale.parse(lang)  # parsed once: babel parses a string on every call

    def fmt_datetime(value: datetime | None) -> str:
        if value is None:
            return "–"
        pattern = "dd.MM.yyyy, HH:mm" if lang == "de" else "d MMM yyyy, HH:mm"
        return format_datetime(value, format=pattern, tzinfo=zone, locale=locale)

    def fmt_date(value: date | datetime | None) -> str:
        if value is None:
            return "–"
        if isinstance(value, datetime):
            value = value.astimezone(zone).date()
        return format_date(value, format="dd.MM.yyyy" if lang == "de" else "d MMM yyyy", locale=locale)

    env.filters["datetime"] = fmt_datetime
    env.filters["date"] = fmt_date
    env.filters["category"] = lambda key: categories.label(key, lang)
    env.globals["url_quote"] = quote
    return env


def session_of(request: Request) -> Session | None:
    found = getattr(request.state, "session", None)
    return found if isinstance(found, Session) else None


def page_language(request: Request) -> Language:
    """The session's language; before login `?lang=en` (German otherwise)."""
    session = session_of(request)
    if session is not None and "lang" not in request.query_params:
        return language(session.language)
    return language(request.query_params.get("lang"))


def render(request: Request, name: str, status: int = 200, /, **context: Any) -> HTMLResponse:
    lang = context.pop("lang", None) or page_language(request)
    session = session_of(request)
    context.setdefault("title", "")
    html = (
        environment(lang)
        .get_template(name)
        .render(
            lang=lang,
            session=session,
            user=session.user if session else None,
            csrf_token=session.csrf_secret if session else "",
            path=request.url.path,
            **context,
        )
    )
    return HTMLResponse(html, status, PAGE_HEADERS)


def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def error_response(request: Request, exc: Exception) -> Response:
    """The answer to an error of a console route: a page for browsers, JSON for other clients."""
    if isinstance(exc, RequestValidationError):
        status, code = 422, "invalid_input"
        message = "; ".join(dict.fromkeys(describe(error) for error in exc.errors()))
    else:
        assert isinstance(exc, AuskunftError)
        status, code = status_of(exc)
        message = str(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, TooManyAttempts):
        status, code = 429, "too_many_attempts"
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, LoginRequired) and wants_html(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        location = LOGIN_PATH if request.method != "GET" else f"{LOGIN_PATH}?next={quote(target, safe='')}"
        return RedirectResponse(location, 303)
    if not wants_html(request):
        if status == 401:
            headers["WWW-Authenticate"] = 'Cookie realm="console"'
        return JSONResponse({"error": {"code": code, "message": message}}, status, headers)
    response = render(
        request, "error.html.j2", status, status=status, code=code, message=message, kind=type(exc).__name__
    )
    response.headers.update(headers)
    return response


class ConsoleRoute(APIRoute):
    """A route whose errors (its own and its dependencies') become console pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except (AuskunftError, RequestValidationError) as exc:
                return error_response(request, exc)

        return handle
