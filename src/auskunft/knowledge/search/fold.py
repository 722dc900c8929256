"""Folding and tokenising: the first step of analysis, the same for documents and queries.

German text is written three ways — "Größe", "Groesse", "Grosse" — and customers use all of them. Folding
lower-cases, writes umlauts as their two-letter forms (ä → ae, ö → oe, ü → ue, ß → ss) and strips every other
diacritic (é → e), so that "Größe" and "Groesse" become the same word before stemming. Hyphenated words are
kept apart and also joined ("Datenschutz-Grundverordnung" → datenschutz, grundverordnung and
datenschutzgrundverordnung), so that they meet the spelling without the hyphen.
"""

from __future__ import annotations

import re
import unicodedata

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def fold(text: str, umlauts: bool = True) -> str:
    """Lower-case, umlauts and ß as two letters, other diacritics removed (`umlauts=False`: lower-case)."""
    lowered = unicodedata.normalize("NFC", text).lower()
    if not umlauts:
        return lowered
    lowered = lowered.translate(_UMLAUTS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str, umlauts: bool = True) -> list[str]:
    """The folded words of `text` in order; a hyphenated word gives its parts, then the parts joined."""
    out: list[str] = []
    for match in _WORD.finditer(fold(text, umlauts)):
        word = match.group()
        if "-" in word:
            parts = [p for p in word.split("-") if p]
            out.extend(parts)
            out.append("".join(parts))
        else:
            out.append(word)
    return out


def trigrams(text: str) -> list[str]:
    """Character 3-grams of each folded word, padded with a space at both ends ("rechnung" → " re", ...)."""
    grams: list[str] = []
    for match in _WORD.finditer(fold(text)):
        padded = f" {match.group().replace('-', '')} "
        grams.extend(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams
