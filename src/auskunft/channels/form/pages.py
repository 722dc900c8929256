"""Rendering the form's pages (and the Art. 13 notice the chat shows too), with the headers they need."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment
from markupsafe import Markup
from starlette.responses import HTMLResponse, Response

from auskunft import templating
from auskunft.channels.form.notice import Notice
from auskunft.i18n import Language

PAGE_HEADERS = {
    # nothing from elsewhere: no fonts, scripts, frames; the form posts only to us
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
CSS_PATH = "/kontakt/form.css"


@cache
def environment(lang: str) -> Environment:
    return templating.environment("auskunft.channels.form", lang)


def render(name: str, lang: Language, status: int = 200, /, **context: Any) -> HTMLResponse:
    context.setdefault("css_url", CSS_PATH)
    html = environment(lang).get_template(name).render(lang=lang, **context)
    return HTMLResponse(html, status, PAGE_HEADERS)


def notice_html(notice: Notice, lang: Language) -> Markup:
    """The Art. 13 information as an HTML section (for pages of other channels)."""
    return Markup(environment(lang).get_template("notice.html.j2").render(notice=notice, lang=lang))  # noqa: S704


@cache
def stylesheet() -> bytes:
    return resources.files(__package__).joinpath("static/form.css").read_bytes()


def css_response() -> Response:
    return Response(
        stylesheet(),
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
