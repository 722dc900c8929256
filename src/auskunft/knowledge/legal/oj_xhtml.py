"""EUR-Lex Official Journal XHTML (the "HTML" view of an OJ act, CONVEX converter).

    div#rct_47              a recital: a two-column table, "(47)" | text
    div#cpt_III             a chapter: p.oj-ti-section-1 "CHAPTER III", div.eli-title p.oj-ti-section-2
      div#cpt_III.sct_2     a section, built the same way
        div#art_15          an article: p.oj-ti-art "Article 15", div.eli-title p.oj-sti-art title
          div#015.001       a numbered paragraph: p.oj-normal "1.   text", points as two-column tables
                            "(a)" | text, nested tables for sub-points
    a[href^="#ntr"]         a footnote reference: not part of the text

A numbered paragraph is one paragraph (points on their own lines); an article without them (Art. 4)
has one paragraph per text block and per point, as the Formex importer does.
"""

from __future__ import annotations

import re
from typing import Literal

from lxml import etree, html

from auskunft.knowledge.legal.errors import UnknownFormat
from auskunft.knowledge.legal.formex import LAW_BY_LANGUAGE, Act, clean_title
from auskunft.knowledge.legal.model import LegalArticle
from auskunft.knowledge.legal.text import Lines, collapse

KNOWN_ACTS = {"2016/679": "32016R0679"}
_PARAGRAPH_ID = re.compile(r"^\d{3}\.\d{3}$")


def looks_like_oj_xhtml(head: bytes) -> bool:
    return b"<html" in head.lower() and (b"oj-" in head or b"eur-lex" in head.lower() or b"CONVEX" in head)


def parse_bytes(data: bytes, source_url: str | None = None) -> Act:
    try:
        root = html.document_fromstring(data)
    except (etree.ParserError, ValueError) as error:
        raise UnknownFormat(f"not a readable XHTML document ({error})") from error
    return parse(root, source_url)


def parse(root: etree._Element, source_url: str | None = None) -> Act:
    if not _nodes(root, '//*[@id="art_1"]') or not _nodes(root, '//p[contains(@class, "oj-ti-art")]'):
        raise UnknownFormat("an HTML page, but not an act of the Official Journal (no articles found)")
    language = _language(root)
    number = _act_number(root)
    if language not in LAW_BY_LANGUAGE or number not in KNOWN_ACTS:
        raise UnknownFormat(f"OJ act {number or '?'} in language {language or '?'} is not one auskunft knows")
    law = LAW_BY_LANGUAGE[language]
    lang: Literal["de", "en"] = "de" if language == "de" else "en"
    articles: list[LegalArticle] = []
    for recital in _nodes(root, '//div[starts-with(@id, "rct_")]'):
        cells = _nodes(recital, ".//td")
        if len(cells) < 2:
            continue
        articles.append(
            LegalArticle(
                law=law,
                language=lang,
                kind="recital",
                number=(recital.get("id") or "").removeprefix("rct_"),
                title=None,
                paragraphs=tuple(_blocks(cells[1])),
                source_url=source_url,
            )
        )
    for article in _nodes(root, '//div[starts-with(@id, "art_")]'):
        if "." in article.get("id", ""):
            continue
        heading = _nodes(article, './p[contains(@class, "oj-ti-art")]')
        title = _nodes(article, './/p[contains(@class, "oj-sti-art")]')
        articles.append(
            LegalArticle(
                law=law,
                language=lang,
                kind="article",
                number=re.sub(r"^\D+", "", _inline(heading[0]) if heading else article.get("id", "")[4:]),
                title=clean_title(_inline(title[0])) if title else None,
                paragraphs=_article_paragraphs(article),
                source_url=source_url,
                breadcrumb=_breadcrumb(article),
            )
        )
    return Act(articles=articles, language=lang, celex=KNOWN_ACTS[number])


def _nodes(element: etree._Element, path: str) -> list[etree._Element]:
    """The elements an XPath selects (lxml's xpath() is typed loosely)."""
    found = element.xpath(path)
    return [node for node in found if isinstance(node, etree._Element)] if isinstance(found, list) else []


def _strings(element: etree._Element, path: str) -> list[str]:
    found = element.xpath(path)
    return [str(value) for value in found if isinstance(value, str)] if isinstance(found, list) else []


def _article_paragraphs(article: etree._Element) -> tuple[str, ...]:
    numbered = [child for child in article if child.tag == "div" and _PARAGRAPH_ID.match(child.get("id", ""))]
    if numbered:
        return tuple(text for text in (_block(div) for div in numbered) if text)
    parts: list[str] = []
    for child in article:
        if child.tag == "p" and "oj-normal" in child.get("class", ""):
            parts.append(_inline(child))
        elif child.tag == "table":
            lines = Lines()
            _render_table(child, lines)
            parts.append(lines.text())
    return tuple(text for text in parts if text)


def _blocks(cell: etree._Element) -> list[str]:
    """The paragraphs of a recital's text cell: one per p."""
    return [text for text in (_inline(p) for p in cell.iterchildren("p")) if text]


def _block(element: etree._Element) -> str:
    lines = Lines()
    _render(element, lines)
    return lines.text()


def _render(element: etree._Element, lines: Lines) -> None:
    """p and table rows start a new line (except the first); a row is "label text"."""
    for child in element.iterchildren():
        if child.tag == "p":
            lines.newline()
            _write_inline(child, lines)
        elif child.tag == "table":
            _render_table(child, lines)
        elif isinstance(child.tag, str) and child.tag not in ("col", "colgroup"):
            _render(child, lines)


def _render_cell(cell: etree._Element, lines: Lines, depth: int) -> None:
    """A point's text: its first p continues the label's line, further p and tables start new lines."""
    first = True
    for child in cell.iterchildren():
        if child.tag == "p" and first:
            _write_inline(child, lines)
        elif child.tag == "p":
            lines.newline(depth)
            _write_inline(child, lines)
        elif child.tag == "table":
            _render_table(child, lines, depth + 1)
        first = False


def _render_table(table: etree._Element, lines: Lines, depth: int = 0) -> None:
    """Points: one line each, "label text"; points of points indented by two spaces."""
    for row in table.iter("tr"):
        if _nearest_table(row) is not table:
            continue
        cells = row.findall("td")
        if len(cells) < 2:
            _render(row, lines)
            continue
        lines.newline(depth)
        _write_inline(cells[0], lines)
        lines.write(" ")
        _render_cell(cells[1], lines, depth)


def _nearest_table(row: etree._Element) -> etree._Element | None:
    for ancestor in row.iterancestors("table"):
        return ancestor
    return None


def _write_inline(element: etree._Element, lines: Lines) -> None:
    lines.write(element.text)
    for child in element:
        tail = child.tail or ""
        if _is_note_reference(child):
            if tail.strip()[:1] in tuple(",.;:)"):  # the footnote mark goes, the punctuation closes up
                lines.trim()
                tail = tail.lstrip()
        elif isinstance(child.tag, str):
            _write_inline(child, lines)
        lines.write(tail)


def _inline(element: etree._Element) -> str:
    lines = Lines()
    _write_inline(element, lines)
    return collapse(lines.text())


def _is_note_reference(element: etree._Element) -> bool:
    return element.tag == "a" and (element.get("href") or "").startswith("#ntr")


def _breadcrumb(article: etree._Element) -> tuple[str, ...]:
    trail = []
    for division in article.iterancestors("div"):
        if not division.get("id", "").startswith("cpt_"):
            continue
        number = _nodes(division, './p[contains(@class, "oj-ti-section-1")]')
        heading = _nodes(
            division, './div[contains(@class, "eli-title")]/p[contains(@class, "oj-ti-section-2")]'
        )
        label = _inline(number[0]) if number else ""
        title = _inline(heading[0]) if heading else ""
        trail.append(f"{label} – {title}" if title else label)
    return tuple(reversed(trail))


def _language(root: etree._Element) -> str:
    path = '//meta[@name="WT.z_usr_lan"]/@content | //p[contains(@class, "oj-hd-lg")]//text()'
    for value in _strings(root, path):
        if value.strip():
            return value.strip().lower()
    return (root.get("lang") or "").lower()


def _act_number(root: etree._Element) -> str | None:
    for href in _strings(root, '//link[@rel="canonical"]/@href'):
        match = re.search(r"/eli/reg/(\d{4})/(\d+)/", href)
        if match:
            return f"{match.group(1)}/{match.group(2)}"
    title = " ".join(_strings(root, '//p[contains(@class, "oj-doc-ti")]//text()'))
    match = re.search(r"\((?:EU|EC)\)\s*(?:No\s*)?(\d{4}/\d+)", collapse(title))
    return match.group(1) if match else None
