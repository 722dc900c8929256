"""Text out of email parts: charsets (declared, missing, unknown or wrong) and HTML turned into plain text."""

from __future__ import annotations

import codecs
import re
from email.message import Message

import lxml.html
from lxml import etree

_NO_CHARSET = {None, "", "us-ascii", "ascii", "unknown-8bit", "x-unknown", "default", "unknown"}
"""Labels that say nothing reliable: the bytes are read as UTF-8, else Windows-1252."""

_DROPPED = ("script", "style", "head", "noscript", "template", "title")
_BLOCKS = (
    "p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "ul", "ol", "dl", "dt", "dd", "hr", "section", "article", "header", "footer", "address",
)  # fmt: skip
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def decode(data: bytes, charset: str | None) -> tuple[str, bool]:
    """`data` as text and whether it could be read as declared.

    False means the text is a best guess (unknown or wrong charset, or bytes that fit no charset tried, which
    are replaced by U+FFFD): the raw message must be kept so that the original can be read again.
    """
    label = charset.strip().strip('"').lower() if charset else None
    if label not in _NO_CHARSET:
        assert label is not None
        try:
            return data.decode(codecs.lookup(label).name), True
        except (LookupError, UnicodeDecodeError):
            pass  # unknown label, a bytes-to-bytes codec or bytes the charset does not allow: guess below
        declared_ok = False
    else:
        declared_ok = True
    try:
        return data.decode("utf-8"), declared_ok
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    return text, declared_ok and "\ufffd" not in text


def part_text(part: Message) -> tuple[str, bool]:
    """The decoded content of a text part (transfer encoding and charset); see `decode`."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return "", True
    try:
        charset = part.get_content_charset()
    except (LookupError, ValueError):  # a charset parameter that is not even a string
        charset = "x-invalid"
    return decode(payload, charset)


def html_to_text(html: str) -> str:
    """The readable text of an HTML document: no scripts, styles or head; paragraphs and line breaks kept."""
    if not html.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(html)
    except ValueError:  # a str carrying an XML encoding declaration
        root = lxml.html.document_fromstring(html.encode(), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except etree.ParserError:
        return ""
    for element in list(root.iter(*_DROPPED)):
        if isinstance(element, lxml.html.HtmlElement):
            element.drop_tree()  # keeps the text that follows the element
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
        if element.tag != "br":
            element.text = "\n" + (element.text or "")
    text = "".join(str(chunk) for chunk in root.itertext())
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
