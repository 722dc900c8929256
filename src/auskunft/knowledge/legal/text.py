"""Plain text out of the official markup: one line per list item, nested items indented, whitespace collapsed.

The importers walk their own markup and write into a `Lines`; a paragraph's text is its lines joined with
newlines, each line's whitespace collapsed to single spaces (the official files wrap and indent freely).
"""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Whitespace runs (including non-breaking spaces and newlines) become one space; ends stripped."""
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()


class Lines:
    """A paragraph being written: text goes to the current line; `newline` starts an indented one."""

    def __init__(self) -> None:
        self._lines: list[tuple[int, list[str]]] = [(0, [])]

    def write(self, text: str | None, *, glue: bool = False) -> None:
        """Append `text`; with `glue`, without the whitespace it starts with."""
        if text and glue:
            text = text.lstrip()
        if text:
            self._lines[-1][1].append(text)

    def ends_with(self, pattern: str) -> bool:
        """Whether the current line, trailing whitespace ignored, ends with one of the characters given."""
        current = "".join(self._lines[-1][1]).rstrip()
        return bool(current) and current[-1] in pattern

    def trim(self) -> None:
        """Drop the whitespace at the end of the current line."""
        parts = self._lines[-1][1]
        current = "".join(parts).rstrip()
        parts.clear()
        if current:
            parts.append(current)

    def newline(self, indent: int = 0) -> None:
        self._lines.append((indent, []))

    def text(self) -> str:
        rendered = []
        for indent, parts in self._lines:
            line = collapse("".join(parts))
            if line:
                rendered.append("  " * indent + line)
        return "\n".join(rendered)
