"""Renderers of the answer: JSON (machine-readable, Art. 20), HTML letter, PDF letter, plain text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_datetime
from jinja2 import Environment
from markupsafe import Markup, escape

from auskunft.answer.model import Answer
from auskunft.config import get_settings
from auskunft.domain import categories
from auskunft.knowledge.web import links
from auskunft.templating import environment


class Format(StrEnum):
    JSON = "json"
    HTML = "html"
    PDF = "pdf"
    TEXT = "text"


def to_json(answer: Answer) -> str:
    return answer.model_dump_json(indent=2)


@lru_cache(maxsize=2)
def _environment(lang: str) -> Environment:
    env = environment("auskunft.answer", lang)
    tz = get_settings().timezone

    def fmt_date(value: date | datetime | None) -> str:
        if value is None:
            return "–"
        if isinstance(value, datetime):
            value = value.astimezone(_zone(tz)).date()
        return format_date(value, format="medium" if lang == "en" else "dd.MM.yyyy", locale=lang)

    def fmt_datetime(value: datetime | None) -> str:
        if value is None:
            return "–"
        return format_datetime(
            value,
            format="dd.MM.yyyy, HH:mm" if lang == "de" else "d MMM yyyy, HH:mm",
            tzinfo=_zone(tz),
            locale=lang,
        )

    env.filters["category"] = lambda key: categories.label(key, lang)
    env.filters["date"] = fmt_date
    env.filters["datetime"] = fmt_datetime
    return env


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def to_html(answer: Answer, *, relative_links: bool = True) -> str:
    """The answer as a letter (HTML), ready to print or to send.

    Citations of the laws auskunft holds ("Art. 15 Abs. 1 lit. g DSGVO", "§ 7 UWG") link to the article
    pages (`/recht/...`, knowledge/web/links.py): absolute on the controller's website when the register
    names one, else relative (`relative_links=False`: then none, e.g. in a PDF)."""
    addressee = _addressee(answer)
    purpose_labels = {p.key: p.label for p in answer.purposes}
    template = _environment(answer.language).get_template("letter.html.j2")
    website = answer.controller.website if answer.controller else None
    cite = _citation_links(answer.language, website, relative_links)
    return template.render(a=answer, addressee=addressee, purpose_labels=purpose_labels, cite=cite)


def _citation_links(lang: str, website: str | None, relative: bool) -> Callable[[str], Markup]:
    if website:
        return lambda text: links.linked(text, lang, base=website)
    if relative:
        return lambda text: links.linked(text, lang)
    return lambda text: Markup(escape(text))  # noqa: S704 - escaped


def to_pdf(answer: Answer) -> bytes:
    from weasyprint import HTML

    pdf = HTML(string=to_html(answer, relative_links=False)).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def to_text(answer: Answer) -> str:
    purpose_labels = {p.key: p.label for p in answer.purposes}
    return (
        _environment(answer.language)
        .get_template("answer.txt.j2")
        .render(a=answer, purpose_labels=purpose_labels)
    )


def render(answer: Answer, fmt: Format) -> bytes:
    if fmt is Format.PDF:
        return to_pdf(answer)
    if fmt is Format.HTML:
        return to_html(answer).encode()
    if fmt is Format.TEXT:
        return to_text(answer).encode()
    return to_json(answer).encode()


def _addressee(answer: Answer) -> list[str]:
    """Name and postal address of the person, newest first, as far as the ledger holds them."""
    name = next((r.value for r in reversed(answer.records) if r.category == "user.name"), None)
    address = next((r.value for r in reversed(answer.records) if r.category == "user.contact.address"), None)
    lines = [name] if name else []
    if address:
        lines += [part.strip() for part in address.split(",")]
    return lines
