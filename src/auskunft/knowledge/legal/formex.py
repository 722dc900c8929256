"""EUR-Lex Formex 4 acts (the Official Journal's XML): recitals and articles of a regulation.

    ACT
    ├── BIB.INSTANCE        OJ reference (COLL, NO.OJ, YEAR, LG.OJ), the act's number (NO.DOC)
    ├── PREAMBLE/GR.CONSID/CONSID/NP(NO.P "(47)", TXT)                       recitals
    └── ENACTING.TERMS/DIVISION(TITLE/TI "KAPITEL I", STI)/[DIVISION section]/ARTICLE
            ARTICLE(TI.ART "Artikel 15", STI.ART title, PARAG(NO.PARAG "(1)", ALINEA...) | ALINEA...)
            ALINEA: text, P, LIST/ITEM/NP(NO.P "a)", TXT); QUOT.START/QUOT.END quotation marks; NOTE footnote

A PARAG is one paragraph (its alineas and list items on their own lines). An article without PARAG (Art. 4)
has one paragraph per alinea text and per list item, the way it is cited ("Art. 4 Nr. 1").
The same renderer reads the quoted passages of corrigenda (`corrigenda.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from lxml import etree

from auskunft.knowledge.legal.errors import UnknownFormat
from auskunft.knowledge.legal.model import LegalArticle
from auskunft.knowledge.legal.text import Lines, collapse

INLINE_SKIP = frozenset({"NOTE"})
"""Footnotes: not part of the provision's text."""

_BLOCKS = frozenset({"P", "LIST", "ALINEA", "PARAG", "NP", "ITEM", "TXT", "NO.P", "NO.PARAG"})


@dataclass(frozen=True, slots=True)
class Act:
    """What the importer read: its articles and recitals, its language and OJ identity."""

    articles: list[LegalArticle]
    language: str
    celex: str | None
    act: str = ""
    """The act's number, e.g. "2016/679"."""


LAW_BY_LANGUAGE = {"de": "DSGVO", "en": "GDPR"}
KNOWN_ACTS = {"2016/679": "32016R0679"}


def is_act(root: etree._Element) -> bool:
    return root.tag == "ACT" and root.find("ENACTING.TERMS") is not None


def parse(root: etree._Element, source_url: str | None = None) -> Act:
    language = (root.findtext("BIB.INSTANCE/LG.DOC") or root.findtext(".//LG.OJ") or "").strip().lower()
    number = "/".join(
        (root.findtext(f"BIB.INSTANCE/NO.DOC/{name}") or "").strip() for name in ("YEAR", "NO.CURRENT")
    )
    celex = KNOWN_ACTS.get(number)
    if language not in LAW_BY_LANGUAGE or celex is None:
        raise UnknownFormat(
            f"Formex act {number or '?'} in language {language or '?'} is not one auskunft knows"
        )
    law = LAW_BY_LANGUAGE[language]
    lang: Literal["de", "en"] = "de" if language == "de" else "en"
    articles: list[LegalArticle] = []
    for consid in root.iterfind("PREAMBLE/GR.CONSID/CONSID"):
        label = collapse(consid.findtext("NP/NO.P") or "")
        texts = [block_text(part) for part in consid.iterfind("NP/*") if part.tag != "NO.P"]
        articles.append(
            LegalArticle(
                law=law,
                language=lang,
                kind="recital",
                number=label.strip("()"),
                title=None,
                paragraphs=tuple(text for text in texts if text),
                source_url=source_url,
            )
        )
    for article in root.iterfind(".//ENACTING.TERMS//ARTICLE"):
        label = collapse(article.findtext("TI.ART") or "")
        articles.append(
            LegalArticle(
                law=law,
                language=lang,
                kind="article",
                number=re.sub(r"^\D+", "", label),
                title=clean_title(inline_text(article.find("STI.ART"), quotes=False)),
                paragraphs=article_paragraphs(article),
                source_url=source_url,
                breadcrumb=_breadcrumb(article),
            )
        )
    stand = oj_reference(root)
    articles = [replace(article, stand=stand) for article in articles]
    return Act(articles=articles, language=lang, celex=celex, act=number)


def clean_title(title: str) -> str | None:
    return title.rstrip(".").strip() or None


def article_paragraphs(article: etree._Element) -> tuple[str, ...]:
    parags = article.findall("PARAG")
    if parags:
        return tuple(block_text(parag) for parag in parags)
    rendered: list[str] = []
    for alinea in article.findall("ALINEA"):
        rendered.extend(_split_alinea(alinea))
    return tuple(text for text in rendered if text)


def _split_alinea(alinea: etree._Element) -> list[str]:
    """An alinea outside a PARAG: its own text, each P and each list item are separate paragraphs."""
    if not any(child.tag in ("P", "LIST") for child in alinea):
        return [block_text(alinea)]
    parts: list[str] = []
    for child in alinea:
        if child.tag == "LIST":
            parts.extend(block_text(item) for item in child.findall("ITEM"))
        elif isinstance(child.tag, str):
            parts.append(block_text(child))
    return parts


def block_text(element: etree._Element | None, *, quotes: bool = True) -> str:
    if element is None:
        return ""
    lines = Lines()
    _render(element, lines, quotes=quotes)
    return lines.text()


def inline_text(element: etree._Element | None, *, quotes: bool = True) -> str:
    return collapse(block_text(element, quotes=quotes).replace("\n", " "))


def _render(element: etree._Element, lines: Lines, *, quotes: bool = True) -> None:
    """Blocks start on their own line: every ALINEA after the first, every P after text, every ITEM.

    Quotation marks hug what they quote: the markup puts them on lines of their own.
    """
    lines.write(element.text)
    started = bool(element.text and element.text.strip())
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in INLINE_SKIP:
            _write_tail(child, lines)
            continue
        if tag == "QUOT.START":
            if lines.ends_with("(["):
                lines.trim()
            if quotes:
                lines.write(_quote_mark(child))
            lines.write(child.tail, glue=True)
            continue
        if tag == "QUOT.END":
            lines.trim()
            if quotes:
                lines.write(_quote_mark(child))
            _write_tail(child, lines)
            continue
        if tag == "LIST":
            for item in child.iterchildren("ITEM"):
                lines.newline()
                _render(item, lines, quotes=quotes)
        elif tag in ("ALINEA", "P") and started:
            lines.newline()
            _render(child, lines, quotes=quotes)
        elif tag in ("NO.PARAG", "NO.P"):
            _render(child, lines, quotes=quotes)
            lines.write(" ")
        else:
            _render(child, lines, quotes=quotes)
        started = started or tag not in ("NO.PARAG", "NO.P")
        lines.write(child.tail)


def _write_tail(element: etree._Element, lines: Lines) -> None:
    """The text after a closing quote or a footnote: punctuation follows without a space."""
    tail = element.tail or ""
    if tail.strip()[:1] in tuple(")],.;:"):
        lines.trim()
        lines.write(tail, glue=True)
    else:
        lines.write(tail)


def _quote_mark(element: etree._Element) -> str:
    try:
        return chr(int(element.get("CODE") or "", 16))
    except ValueError:
        return '"'


def _breadcrumb(article: etree._Element) -> tuple[str, ...]:
    trail = []
    for division in article.iterancestors("DIVISION"):
        number = inline_text(division.find("TITLE/TI"))
        heading = inline_text(division.find("TITLE/STI"))
        trail.append(f"{number} – {heading}" if heading else number)
    return tuple(reversed(trail))


def oj_date(root: etree._Element) -> str:
    date = root.find("BIB.INSTANCE/DATE")
    return "" if date is None else (date.get("ISO") or "").strip()


def oj_reference(root: etree._Element) -> str:
    """Where a document was published: "ABl. L 119 S. 1" for an act (its DATE is the act's own date),
    "ABl. L 127 vom 23.5.2018" for a corrigendum (its DATE is the day of publication); "OJ L 119, p. 1".
    """
    coll = collapse(root.findtext("BIB.INSTANCE/DOCUMENT.REF/COLL") or "L")
    number = collapse(root.findtext("BIB.INSTANCE/DOCUMENT.REF/NO.OJ") or "").lstrip("0")
    german = (root.findtext("BIB.INSTANCE/LG.DOC") or "").strip().upper() == "DE"
    if root.tag == "ACT":
        page = collapse(root.findtext("BIB.INSTANCE/DOCUMENT.REF/PAGE.FIRST") or "1").lstrip("0") or "1"
        return f"ABl. {coll} {number} S. {page}" if german else f"OJ {coll} {number}, p. {page}"
    iso = oj_date(root)
    date = f"{int(iso[6:8])}.{int(iso[4:6])}.{iso[:4]}" if len(iso) == 8 and iso.isdigit() else "?"
    if german:
        return f"ABl. {coll} {number} vom {date}"
    return f"OJ {coll} {number}, {date}"
