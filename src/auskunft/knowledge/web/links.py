"""Addresses of the article pages, and citations in text turned into links to them.

    /recht/DSGVO/15                 Art. 15 DSGVO (German text)      /recht/GDPR/15   Article 15 GDPR
    /recht/UWG/7                    § 7 UWG                           /recht/UWG/anhang  its annex
    /recht/DSGVO/erwaegungsgrund-47 Erwägungsgrund 47                 /recht/GDPR/recital-47
    #abs-3, #nr-11                  paragraph (Absatz) 3, item (Nummer) 11 of the article

Citations are found with the citation reader of the legal articles (`knowledge.legal.citation`), so a
link appears exactly where `find_citations` sees a citation; only citations of a law auskunft holds are
linked ("§ 147 AO" stays text). Used by the article pages, the FAQ answers and the Art. 15 letter; this
module imports no web framework.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

from lxml import html as lxml_html
from lxml.html import HtmlElement
from markupsafe import Markup, escape

from auskunft.knowledge.legal import citation as cite
from auskunft.knowledge.legal.citation import Citation

PREFIX = "/recht"
RECITAL_WORDS = {"de": "erwaegungsgrund", "en": "recital"}
ANNEX = "anhang"
_SEPARATOR = re.compile(r"\s*(?:,|\bund\b|\boder\b|\band\b|\bor\b|\bbis\b|\bto\b|\bsowie\b)\s+(?:Art\.\s*)?")
"""How `citation` splits "Art. 13 und 14", "Art. 6 Abs. 1 lit. a, Art. 7" into pieces."""
_NUMBER = re.compile(r"\d{1,3}[a-z]?")
_MARKER = re.compile(r"^\s*(?:\((?P<paren>\d{1,3}[a-z]?)\)|(?P<dot>\d{1,3}[a-z]?)\.)\s")
_SKIP = {"a", "code", "pre"}


def language_of(law: str) -> str:
    """The language a stored law is written in: GDPR English, everything else German."""
    return "en" if law == "GDPR" else "de"


def article_path(law: str, kind: str, number: str) -> str:
    """The page of one stored article: `law` as stored (DSGVO, GDPR, BDSG, UWG, TDDDG, DDG)."""
    if kind == "recital":
        return f"{PREFIX}/{law}/{RECITAL_WORDS[language_of(law)]}-{number}"
    if kind == "annex":
        word = ANNEX if number.lower() in ("anhang", "annex") else f"{ANNEX}-{quote(number, safe='')}"
        return f"{PREFIX}/{law}/{word}"
    return f"{PREFIX}/{law}/{quote(number, safe='')}"


def anchor(citation: Citation) -> str:
    """The fragment of the paragraph (or item) a citation names: "#abs-1", "#nr-11", or ""."""
    if citation.paragraph:
        return f"#abs-{citation.paragraph}"
    if citation.item and citation.kind == "article":
        return f"#nr-{citation.item}"
    return ""


def citation_url(citation: Citation, language: str = "de", base: str = "") -> str | None:
    """The address of the article a citation names (None for a citation without a law)."""
    law = citation.stored_law(language)
    if law is None:
        return None
    return f"{base.rstrip('/')}{article_path(law, citation.kind, citation.number)}{anchor(citation)}"


def paragraph_id(text: str, language: str, index: int) -> str:
    """The id of one paragraph on its page: "(1)" is Absatz 1 in German texts and "1." in English ones;
    the other form numbers the items of a definitions article (Art. 4 Nr. 11); others get "p-<index>"."""
    marker = _MARKER.match(text)
    if marker is None:
        return f"p-{index}"
    if marker.group("paren"):
        return f"{'abs' if language == 'de' else 'nr'}-{marker.group('paren')}"
    return f"{'nr' if language == 'de' else 'abs'}-{marker.group('dot')}"


def spans(text: str, default_law: str | None = None) -> Iterator[tuple[int, int, Citation]]:
    """Where `text` cites an article of a law auskunft holds: (start, end, citation), in order.

    "Art. 13 und 14 DSGVO" gives two spans ("Art. 13", "14 DSGVO"); "Art. 15 Abs. 1 und 3 DSGVO" one,
    the "und 3" continuing the paragraph. Uses the pattern `find_citations` uses, so both always agree.
    """
    for match in cite._RUNNING.finditer(text):
        rest = text[match.end() : match.end() + 80]
        found = [c for c in cite._citations(match, default_law, running=True, rest=rest) if c.law]
        if not found:
            continue
        by_number: dict[str, Citation] = {}
        for each in found:
            by_number.setdefault(each.number, each)
        body, offset = match.group("body"), match.start("body")
        pieces: list[list[int]] = []
        citations: list[Citation] = []
        start = label = 0
        explicit = True
        for separator in [*_SEPARATOR.finditer(body), None]:
            end = separator.start() if separator else len(body)
            number = _NUMBER.match(body, start)
            one: Citation | None = by_number.get(number.group()) if number else None
            continues = citations and not explicit and _has_parts(citations[-1])
            if one is None or continues:
                if pieces:
                    pieces[-1][1] = offset + end
            else:
                pieces.append([offset + label, offset + end])
                citations.append(one)
            if separator:
                start = label = separator.end()
                explicit = "Art" in separator.group()
                if explicit:
                    label = separator.start() + separator.group().index("Art")
        if not pieces:
            continue
        pieces[0][0], pieces[-1][1] = match.start(), match.end()
        for (begin, finish), cited in zip(pieces, citations, strict=True):
            yield begin, finish, cited


def _has_parts(citation: Citation) -> bool:
    return bool(citation.paragraph or citation.point or citation.item or citation.sentence)


def linked(text: str, language: str = "de", base: str = "", default_law: str | None = None) -> Markup:
    """`text` as HTML (escaped) with each citation a link to its article page."""
    out: list[str] = []
    position = 0
    for start, end, citation in spans(text, default_law):
        url = citation_url(citation, language, base)
        if url is None:
            continue
        out += [escape(text[position:start]), _anchor_tag(url, text[start:end])]
        position = end
    out.append(escape(text[position:]))
    return Markup("".join(out))  # noqa: S704 - every part escaped above


def _anchor_tag(url: str, label: str) -> str:
    return f'<a class="cite" href="{escape(url)}">{escape(label)}</a>'


def linked_html(fragment: str, language: str = "de", base: str = "") -> Markup:
    """Safe HTML (a rendered FAQ answer) with the citations in its text linked; text inside links and
    code is left alone."""
    if not fragment.strip():
        return Markup(fragment)  # noqa: S704 - nothing to show
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or _inside_skipped(element):
            continue
        lead, anchors = _split(element.text, language, base)
        element.text = lead
        for n, link in enumerate(anchors):
            element.insert(n, link)
        parent = element.getparent()
        if parent is None or _inside_skipped(parent):
            continue
        lead, anchors = _split(element.tail, language, base)
        element.tail = lead
        at = parent.index(element)
        for n, link in enumerate(anchors, start=1):
            parent.insert(at + n, link)
    serialised = lxml_html.tostring(root, encoding="unicode")
    return Markup(serialised[len("<div>") : -len("</div>")])  # noqa: S704 - nh3-cleaned, our own links


def _split(text: str | None, language: str, base: str) -> tuple[str | None, list[HtmlElement]]:
    """The text before the first citation, and a link (with the text after it as tail) per citation."""
    if not text:
        return text, []
    lead: str | None = None
    anchors: list[HtmlElement] = []
    position = 0
    for start, end, citation in spans(text):
        url = citation_url(citation, language, base)
        if url is None:
            continue
        before = text[position:start]
        if anchors:
            anchors[-1].tail = before
        else:
            lead = before
        link = lxml_html.Element("a", {"class": "cite", "href": url})
        link.text = text[start:end]
        anchors.append(link)
        position = end
    if not anchors:
        return text, []
    anchors[-1].tail = text[position:]
    return lead, anchors


def _inside_skipped(element: HtmlElement) -> bool:
    current: HtmlElement | None = element
    while current is not None:
        if current.tag in _SKIP:
            return True
        current = current.getparent()
    return False
