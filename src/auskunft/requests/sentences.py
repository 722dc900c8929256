"""A message cut into sentences, each marked as a question, a condition or a threat.

The phrases of request recognition are matched sentence by sentence, so that "Wie kann ich mein Konto
löschen?" (a question about how to do something) weighs less than "Löschen Sie mein Konto", and the
closing threat of request letters ("Sollten Sie ... nicht ..., behalte ich mir vor ... Beschwerde ...
einzureichen") does not count as a complaint. Quoted lines of an earlier message ("> ...") are dropped:
they are the company's words, not the writer's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS_TEXT = (
    "art abs nr vgl bzw bzgl ggf z b bspw lit s ca inkl evtl u e i d etc str tel co dr hr fr mr mrs ms no "
    "rn ff sog usw geb kd vs jan feb mär apr jun jul aug sep sept okt oct nov dez dec"
)
_ABBREVIATIONS = frozenset(_ABBREVIATIONS_TEXT.split())
_END = re.compile(r"(?<=[.!?])\s+(?=[\"„“'(]?[A-ZÄÖÜ])|\n[ \t]*\n+")
_LAST_WORD = re.compile(r"(\w+)\.$")
_QUESTION_START = re.compile(
    r"(?:^|[,;:]\s)(?:und |and |also |so |aber |but )?"
    r"(?:wie|wo|wann|warum|wieso|weshalb|woher|gibt es|kann ich|darf ich|muss ich|soll ich|werden|wird"
    r"|ist|sind|how|where|when|why|can i|could i|do i|should i|is|are|will"
    r"|does|do you|did)\b",
    re.IGNORECASE,
)
_CONDITION_START = re.compile(
    r"^(?:und |and |weiterhin |außerdem )?(?:sollte|sollten|falls|sofern|soweit|if|in case|should)\b",
    re.IGNORECASE,
)
_THREAT = re.compile(
    r"behalte (ich )?mir vor|behalten uns vor|reserve the right|andernfalls|ansonsten|otherwise|sonst werde"
    r"|if you do not|if you don't|unless you|sollten sie\b"
    r"|falls sie (\w+ ){0,8}nicht|wenn sie (\w+ ){0,8}nicht",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    index: int
    """-1 for the subject line, 0.. for the sentences of the body."""
    question: bool
    condition: bool
    threat: bool


def _sentence(text: str, index: int) -> Sentence:
    text = re.sub(r"\s+", " ", text).strip()
    return Sentence(
        text=text,
        index=index,
        question=text.endswith("?") and bool(_QUESTION_START.search(text)),
        condition=bool(_CONDITION_START.match(text)),
        threat=bool(_THREAT.search(text)),
    )


def without_quotes(text: str) -> str:
    """`text` without quoted lines ("> ...") and without what follows a quoted-reply header."""
    kept = []
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(">"):
            continue
        if re.match(r"^-{2,}\s*(ursprüngliche nachricht|original message)", stripped, re.IGNORECASE):
            break
        kept.append(line)
    return "\n".join(kept)


def split(text: str, subject: str | None = None) -> list[Sentence]:
    """The subject (index -1) and the sentences of `text`, in order."""
    out = [_sentence(subject, -1)] if subject and subject.strip() else []
    pieces: list[str] = []
    for piece in _END.split(without_quotes(text)):
        if not piece or not piece.strip():
            continue
        last = _LAST_WORD.search(pieces[-1].rstrip()) if pieces else None
        if last and (last[1].lower() in _ABBREVIATIONS or (last[1].isdigit() and len(last[1]) <= 2)):
            pieces[-1] = f"{pieces[-1].rstrip()} {piece}"
        else:
            pieces.append(piece)
    out += [_sentence(piece, i) for i, piece in enumerate(pieces)]
    return out
