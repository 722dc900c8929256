"""Synonyms: groups of words and phrases that customers and texts use for the same thing (data/synonyms.yaml).

A query word (or phrase) found in a group brings the group's other members into the query with a lower
weight. The list is general vocabulary of customer service and data protection, written once for the domain,
never tuned to single queries.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from auskunft.knowledge.search.analysis import Analyzer, Lang

Phrase = tuple[str, ...]


@cache
def groups(language: Lang) -> tuple[tuple[str, ...], ...]:
    data = yaml.safe_load(resources.files(__package__).joinpath("data/synonyms.yaml").read_text("utf-8"))
    return tuple(tuple(str(member) for member in group) for group in data[language])


class Synonyms:
    """The groups of one language, analysed into stems."""

    def __init__(self, analyzer: Analyzer) -> None:
        self._groups: list[list[Phrase]] = []
        self._index: dict[Phrase, list[int]] = {}
        self.longest = 1
        for group in groups(analyzer.language):
            phrases = []
            for member in group:
                tokens = analyzer.tokens(member)
                phrase = tuple(t.stem for t in tokens if not t.stop)
                if len(phrase) == len(tokens) or len(phrase) > 1:  # "meine daten" is not "daten"
                    phrases.append(phrase)
            number = len(self._groups)
            self._groups.append(phrases)
            for phrase in phrases:
                self._index.setdefault(phrase, []).append(number)
                self.longest = max(self.longest, len(phrase))

    def expand(self, stems: list[str]) -> list[tuple[int, Phrase]]:
        """For each phrase of `stems` found in a group: (position of its first word, another member)."""
        found: list[tuple[int, Phrase]] = []
        for start in range(len(stems)):
            for length in range(1, self.longest + 1):
                phrase = tuple(stems[start : start + length])
                if len(phrase) < length:
                    break
                for number in self._index.get(phrase, ()):
                    found.extend((start, other) for other in self._groups[number] if other != phrase)
        return found
