"""The snippet of a hit: the passage of its text around the first word that matched the query."""

from __future__ import annotations

WIDTH = 180


def snippet(text: str, at: int | None, width: int = WIDTH) -> str:
    """About `width` characters of `text` (whitespace collapsed), around the character offset `at`."""
    start = 0 if at is None else max(0, at - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = start + width
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    return ("… " if start else "") + text[start:end].strip() + (" …" if end < len(text) else "")
