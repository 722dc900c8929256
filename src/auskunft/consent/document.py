"""The proof document rendered: JSON, HTML and PDF (WeasyPrint), like the answer letter."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from babel.dates import format_datetime
from jinja2 import Environment

from auskunft.templating import environment


class Format(StrEnum):
    JSON = "json"
    HTML = "html"
    PDF = "pdf"


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


@lru_cache(maxsize=2)
def _environment(lang: str) -> Environment:
    env = environment("auskunft.consent", lang)

    def when(value: dict[str, str] | None) -> str:
        """Local time (with zone) and UTC, to the second: the two a court may ask for."""
        if value is None:
            return "–"
        local = format_datetime(
            datetime.fromisoformat(value["local"]),
            format="dd.MM.yyyy, HH:mm:ss" if lang == "de" else "d MMM yyyy, HH:mm:ss",
            locale=lang,
        )
        utc = datetime.fromisoformat(value["utc"]).strftime("%Y-%m-%d %H:%M:%S")
        return f"{local} ({value['zone']}) · {utc} UTC"

    env.filters["when"] = when
    env.filters["json"] = lambda value: json.dumps(value, ensure_ascii=False)
    return env


def to_html(document: dict[str, Any]) -> str:
    template = _environment(document["language"]).get_template("proof.html.j2")
    return template.render(p=document)


def to_pdf(document: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    pdf = HTML(string=to_html(document)).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def render(document: dict[str, Any], fmt: Format) -> bytes:
    if fmt is Format.PDF:
        return to_pdf(document)
    if fmt is Format.HTML:
        return to_html(document).encode()
    return to_json(document).encode()
