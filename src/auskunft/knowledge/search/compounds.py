"""Splitting German compounds against the vocabulary of the indexed texts.

"Kundenservicemitarbeiter" is one word to Snowball. A split is accepted when both parts (at least four
letters, no stop word) occur as words of their own in the texts — compared by stem, so "Kunden" meets
"Kunde" — with an optional linking element (Fugen-s, -es, -n, -en, -er, -e) at the end of the first part.
Of several splits the two with the most frequent parts are kept (the geometric mean, after Koehn and Knight
2003); parts are split again, so the word yields kundenservice, mitarbeiter, kunden and service.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

MIN_PART = 4
SPLITS = 2
"""Splits kept per word: "versandkostenfrei" is versand + kostenfrei and versandkosten + frei."""
_LINKS = ("", "s", "es", "n", "en", "er", "e")


class CompoundSplitter:
    def __init__(
        self, frequency: Mapping[str, int], stem: Callable[[str], str], stops: frozenset[str]
    ) -> None:
        """`frequency`: how many documents hold each stem as a word of its own."""
        self._frequency = frequency
        self._stem = stem
        self._stops = stops
        self._cache: dict[str, tuple[str, ...]] = {}

    def _known(self, part: str) -> int:
        if len(part) < MIN_PART or part in self._stops:
            return 0
        return self._frequency.get(self._stem(part), 0)

    def _splits(self, word: str) -> list[tuple[str, str]]:
        """The two best splits of `word` into known words, best first."""
        found: list[tuple[float, str, str]] = []
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            head, tail = word[:cut], word[cut:]
            tail_frequency = self._known(tail)
            if not tail_frequency:
                continue
            for link in _LINKS:
                if link and not head.endswith(link):
                    continue
                base = head[: len(head) - len(link)]
                head_frequency = self._known(base)
                if head_frequency:
                    found.append(((head_frequency * tail_frequency) ** 0.5, base, tail))
        found.sort(reverse=True)
        return [(head, tail) for _, head, tail in found[:SPLITS]]

    def parts(self, word: str) -> tuple[str, ...]:
        """The parts of `word` (folded), outermost first; () when it is not a compound of known words."""
        if len(word) < 2 * MIN_PART:
            return ()
        known = self._cache.get(word)
        if known is not None:
            return known
        parts: list[str] = []
        for head, tail in self._splits(word):
            parts += [head, tail]
        for part in list(parts):
            parts += self.parts(part)
        found = tuple(dict.fromkeys(parts))
        self._cache[word] = found
        return found
