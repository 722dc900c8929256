"""Formex 4 corrigenda (Berichtigungen): read the quoted passages and apply them to the act's text.

A corrigendum is a separate OJ document (root `CORR`). Each `CORRECTION` names its place in words
("Seite 43, Artikel 15 Absatz 4", "Erwägungsgrund 47 Satz 1", "Artikel 26, Überschrift") and quotes the
passage as printed ("Anstatt: „…“") and as it must read ("muss es heißen: „…“"), often shortened with "…":

    CORR/CONTENTS.CORR/CORRECTION
    ├── DESCRIPTION
    ├── OLD.CORR  [QUOT.S] / P | PARAG | LIST | STI.ART ... with QUOT.START ... QUOT.END around the quote
    └── NEW.CORR  same

Nothing is hard-coded: the quote is rendered like the act (formex.py), split at the ellipses into pieces,
each piece is found word by word in the named article or recital (or its title, if the quote is an
`STI.ART`), and only the words that differ between old and new are replaced, so the layout of the text
(paragraphs, list lines) stays. If the whole quote is not found, the changed words with five, four, ...
words of context on each side are tried. A correction that cannot be placed unambiguously is an error:
the import stops rather than store a text that claims corrections it lacks.
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass, replace

from lxml import etree

from auskunft.knowledge.legal import formex
from auskunft.knowledge.legal.errors import CorrigendumNotApplicable
from auskunft.knowledge.legal.model import LegalArticle
from auskunft.knowledge.legal.text import collapse

_START, _END = "\ue000", "\ue001"  # private-use characters: never in an official text
_TARGETS = (
    (re.compile(r"\b(?:Erwägungsgr(?:und|ünde)|recitals?|considérant)\s+\(?(\d+)", re.IGNORECASE), "recital"),
    (re.compile(r"\b(?:Artikel|Article|Art\.)\s+(\d+)", re.IGNORECASE), "article"),
)
CONTEXT_WORDS = 5


@dataclass(frozen=True, slots=True)
class Correction:
    description: str
    kind: str | None
    number: str | None
    title: bool
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Corrigendum:
    act: str | None
    """The act it corrects, as "2016/679", read from its title."""
    language: str
    reference: str
    """The OJ issue it was published in, e.g. "ABl. L 127 vom 23.5.2018"."""
    date: str
    """Its publication date (ISO), to apply several corrigenda in order."""
    corrections: list[Correction]


def is_corrigendum(root: etree._Element) -> bool:
    return root.tag == "CORR" and root.find("CONTENTS.CORR") is not None


def parse(root: etree._Element) -> Corrigendum:
    title = formex.inline_text(root.find("TITLE"))
    act = re.search(r"\((?:EU|EG|EWG|EC|EEC)\)\s*(?:Nr\.\s*|No\s*)?(\d{4}/\d+)", title)
    language = (root.findtext("BIB.INSTANCE/LG.DOC") or "").strip().lower()
    corrections = [_correction(node) for node in root.iterfind("CONTENTS.CORR/CORRECTION")]
    return Corrigendum(
        act=act.group(1) if act else None,
        language=language,
        reference=formex.oj_reference(root),
        date=formex.oj_date(root),
        corrections=corrections,
    )


def apply(articles: list[LegalArticle], corrigendum: Corrigendum) -> list[LegalArticle]:
    """The articles with every correction applied; raises `CorrigendumNotApplicable` for one that is not."""
    by_key: dict[tuple[str, str | None], int] = {
        (article.kind, article.number): index for index, article in enumerate(articles)
    }
    result = list(articles)
    for correction in corrigendum.corrections:
        where = f"{corrigendum.reference}, {correction.description}"
        if correction.kind is None or (correction.kind, correction.number) not in by_key:
            raise CorrigendumNotApplicable(f"{where}: names no article or recital of the act")
        index = by_key[(correction.kind, correction.number)]
        result[index] = _apply_one(result[index], correction, where)
    return result


def _apply_one(article: LegalArticle, correction: Correction, where: str) -> LegalArticle:
    if correction.title:
        if collapse(article.title or "") != formex.clean_title(correction.old):
            raise CorrigendumNotApplicable(f"{where}: the title to correct is not the one in the text")
        return replace(article, title=formex.clean_title(correction.new))
    old_pieces, new_pieces = _pieces(correction.old), _pieces(correction.new)
    if len(old_pieces) != len(new_pieces) or not old_pieces:
        raise CorrigendumNotApplicable(f"{where}: old and new passage do not correspond")
    paragraphs = list(article.paragraphs)
    for old, new in zip(old_pieces, new_pieces, strict=True):
        if old == new:  # context only, such as the recital's number "(71) …"
            continue
        paragraphs = _replace_words(paragraphs, old.split(), new.split(), where)
    return replace(article, paragraphs=tuple(paragraphs))


def _pieces(quote: str) -> list[str]:
    return [piece for piece in (collapse(part) for part in quote.split("…")) if piece]


_Token = tuple[int, int, int]
"""Paragraph index, start, end of one word in the article's text."""


def _replace_words(paragraphs: list[str], old: list[str], new: list[str], where: str) -> list[str]:
    tokens: list[_Token] = [
        (index, match.start(), match.end())
        for index, text in enumerate(paragraphs)
        for match in re.finditer(r"\S+", text)
    ]
    words = [paragraphs[p][s:e] for p, s, e in tokens]
    at = _find(words, old)
    if at is not None:
        return _edit(paragraphs, tokens[at : at + len(old)], old, new, where)
    # The quote may be shortened differently from the text: retry with the changed words and less context.
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    for context in range(CONTEXT_WORDS, -1, -1):
        start = max(0, head - context)
        old_end = len(old) - max(0, tail - context)
        new_end = len(new) - max(0, tail - context)
        sub_old, sub_new = old[start:old_end], new[start:new_end]
        if not sub_old:
            break
        at = _find(words, sub_old)
        if at is not None:
            return _edit(paragraphs, tokens[at : at + len(sub_old)], sub_old, sub_new, where)
    raise CorrigendumNotApplicable(f"{where}: the quoted passage is not in the text")


def _find(words: list[str], needle: list[str]) -> int | None:
    """Where `needle` occurs in `words`, if it occurs exactly once."""
    hits = [i for i in range(len(words) - len(needle) + 1) if words[i : i + len(needle)] == needle]
    return hits[0] if len(hits) == 1 else None


def _edit(paragraphs: list[str], span: list[_Token], old: list[str], new: list[str], where: str) -> list[str]:
    """Replace, within the matched words `span`, only the words where `old` and `new` differ."""
    edits: list[tuple[int, int, int, str]] = []  # paragraph, start, end, replacement
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        words = " ".join(new[j1:j2])
        if i1 == i2:  # insertion: before the next old word, or after the last one
            if i1 < len(span):
                paragraph, start, _end = span[i1]
                edits.append((paragraph, start, start, words + " "))
            else:
                paragraph, _start, end = span[-1]
                edits.append((paragraph, end, end, " " + words))
            continue
        first, last = span[i1], span[i2 - 1]
        if first[0] != last[0]:
            raise CorrigendumNotApplicable(f"{where}: a change spans two paragraphs")
        if not words:  # deletion: also drop the space before the words
            edits.append((first[0], _space_before(paragraphs[first[0]], first[1]), last[2], ""))
        else:
            edits.append((first[0], first[1], last[2], words))
    result = list(paragraphs)
    for paragraph, start, end, text in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        result[paragraph] = result[paragraph][:start] + text + result[paragraph][end:]
    return result


def _space_before(text: str, start: int) -> int:
    while start > 0 and text[start - 1] == " ":
        start -= 1
    return start


def _correction(node: etree._Element) -> Correction:
    description = collapse("".join(node.findtext("DESCRIPTION") or ""))
    old_side, new_side = node.find("OLD.CORR"), node.find("NEW.CORR")
    kind = number = None
    for pattern, name in _TARGETS:
        match = pattern.search(description)
        if match:
            kind, number = name, match.group(1)
            break
    is_title = old_side is not None and old_side.find(".//STI.ART") is not None
    return Correction(
        description=description,
        kind=kind,
        number=number,
        title=is_title,
        old=_quoted(old_side),
        new=_quoted(new_side),
    )


def _quoted(side: etree._Element | None) -> str:
    """The text between the outermost quotation marks of one side of a correction."""
    if side is None:
        return ""
    side = copy.deepcopy(side)
    start = next(side.iter("QUOT.START"), None)
    if start is None:
        return ""
    end = next((mark for mark in side.iter("QUOT.END") if mark.get("ID") == start.get("REF.END")), None)
    for mark, sentinel in ((start, _START), (end, _END)):
        if mark is not None:
            mark.tag = "FT"
            mark.text = sentinel
    text = formex.block_text(side)
    text = text.split(_START, 1)[-1]
    return text.split(_END, 1)[0].strip()
