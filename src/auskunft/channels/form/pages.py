"""Rendering the form's pages (and the Art. 13 notice the chat shows too), with the headers they need."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader
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
SCRIPT_HEADERS = {
    **PAGE_HEADERS,
    # a page with our own script, which may call back to us (nothing inline, nothing from elsewhere)
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}
CSS_PATH = "/kontakt/form.css"
_PACKAGE = "auskunft.channels.form"


@cache
def environment(lang: str, package: str = _PACKAGE) -> Environment:
    """The form's templates; for another `package`, its templates first and the form's layout behind them
    (`{% extends "layout.html.j2" %}`), so every public page of the site looks the same."""
    env = templating.environment(package, lang)
    if package != _PACKAGE:
        env.loader = ChoiceLoader([PackageLoader(package, "templates"), PackageLoader(_PACKAGE, "templates")])
    return env


def render(name: str, lang: Language, status: int = 200, /, **context: Any) -> HTMLResponse:
    return page(environment(lang), name, lang, status, **context)


def page(
    env: Environment,
    name: str,
    lang: Language,
    status: int = 200,
    /,
    headers: dict[str, str] = PAGE_HEADERS,
    **context: Any,
) -> HTMLResponse:
    """One page of the public site (layout.html.j2 with the site's stylesheet and headers)."""
    context.setdefault("css_url", CSS_PATH)
    html = env.get_template(name).render(lang=lang, **context)
    return HTMLResponse(html, status, headers)


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
