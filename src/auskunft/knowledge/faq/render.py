"""FAQ answers from Markdown to safe HTML and to plain text.

Agents write Markdown; markdown-it renders it (CommonMark, raw HTML passed through as written) and nh3 then
keeps only harmless tags and attributes, so a `<script>` or an `onclick` typed into an answer never reaches a
customer's browser. Links get `rel="noopener noreferrer"`.
"""

from __future__ import annotations

import html as html_lib

import nh3
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark").enable("table")
_TAGS = {
    "a", "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}}


def html(markdown: str) -> str:
    """The answer as HTML that is safe to put into a page."""
    return nh3.clean(
        _MARKDOWN.render(markdown),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


def text(markdown: str) -> str:
    """The answer as plain text (for the search index and snippets)."""
    stripped = nh3.clean(_MARKDOWN.render(markdown), tags=set())
    return html_lib.unescape(" ".join(stripped.split()))
