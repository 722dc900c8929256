"""Rendering the portal's pages in the public site's layout (the contact form's `layout.html.j2` and
stylesheet), plus the portal's own small stylesheet (the answer's tables and its print layout)."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from jinja2 import ChoiceLoader, Environment, PackageLoader
from starlette.responses import HTMLResponse, Response

from auskunft import templating
from auskunft.channels.form import pages as site
from auskunft.domain import categories
from auskunft.i18n import Language
from auskunft.register.model import ControllerInfo

CSS_PATH = "/meine-daten/portal.css"
SITE_TEMPLATES = "auskunft.channels.form"
"""The package whose `layout.html.j2` every public page extends."""
STATIC_HEADERS = {"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"}


@cache
def environment(lang: str, timezone: str) -> Environment:
    env = templating.environment(__package__, lang)
    env.loader = ChoiceLoader(
        [PackageLoader(__package__, "templates"), PackageLoader(SITE_TEMPLATES, "templates")]
    )
    zone = ZoneInfo(timezone)
    locale = Locale.parse(lang)  # parsed once: babel parses a string on every call

    def fmt_date(value: date | datetime | None) -> str:
        if value is None:
            return "–"
        if isinstance(value, datetime):
            value = value.astimezone(zone).date()
        return format_date(value, format="dd.MM.yyyy" if lang == "de" else "d MMM yyyy", locale=locale)

    def fmt_datetime(value: datetime | None) -> str:
        if value is None:
            return "–"
        pattern = "dd.MM.yyyy, HH:mm" if lang == "de" else "d MMM yyyy, HH:mm"
        return format_datetime(value, format=pattern, tzinfo=zone, locale=locale)

    env.filters["date"] = fmt_date
    env.filters["datetime"] = fmt_datetime
    env.filters["category"] = lambda key: categories.label(key, lang)
    return env


def render(
    name: str,
    lang: Language,
    controller: ControllerInfo | None,
    timezone: str,
    status: int = 200,
    /,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    context.setdefault("current", "mydata")
    response = site.page(
        environment(lang, timezone),
        name,
        lang,
        status,
        company=controller.name if controller else "",
        controller=controller,
        portal_css=CSS_PATH,
        **context,
    )
    response.headers.update(headers or {})
    return response


@cache
def _stylesheet() -> bytes:
    return resources.files(__package__).joinpath("static/portal.css").read_bytes()


def css_response() -> Response:
    return Response(_stylesheet(), media_type="text/css", headers=STATIC_HEADERS)
