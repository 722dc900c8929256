"""Analysis: folded words → stems, per language, with the stop words left out.

Stemming is Snowball (PyStemmer): German for German texts, English for English ones. The German stemmer
leaves verb forms apart ("speichern" → speich, "gespeichert" → gespeichert, "Speicherung" → speicher);
`verb_variants` offers the forms a query word may take in the texts (without the participle's ge-, without a
verb ending) so that the engine can look them up in its vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type information
import yaml

from auskunft.knowledge.search.fold import words

Lang = Literal["de", "en"]
LANGS: tuple[Lang, ...] = ("de", "en")
_ALGORITHM = {"de": "german", "en": "english"}
_VERB_ENDINGS = ("est", "et", "st", "t", "en", "e")


@cache
def stop_words(language: Lang) -> frozenset[str]:
    """Words too common to search for, folded (data/stopwords.yaml)."""
    data = yaml.safe_load(resources.files(__package__).joinpath("data/stopwords.yaml").read_text("utf-8"))
    return frozenset(w for line in data[language] for w in words(line))


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text: its folded form and its stem; `stop` when it is a stop word."""

    word: str
    stem: str
    stop: bool


class Analyzer:
    """Turns text of one language into tokens (memoised: texts repeat the same words)."""

    def __init__(self, language: Lang, *, fold: bool = True, stem: bool = True) -> None:
        self.language = language
        self._fold = fold
        self._stemmer = Stemmer.Stemmer(_ALGORITHM[language]) if stem else None
        self.stop_words = stop_words(language)
        self._cache: dict[str, Token] = {}

    def token(self, word: str) -> Token:
        known = self._cache.get(word)
        if known is None:
            stem = word if self._stemmer is None else str(self._stemmer.stemWord(word))
            known = Token(word, stem, word in self.stop_words)
            self._cache[word] = known
        return known

    def stem(self, word: str) -> str:
        return self.token(word).stem

    def tokens(self, text: str) -> list[Token]:
        return [self.token(w) for w in words(text, self._fold)]

    def verb_variants(self, word: str) -> list[str]:
        """Stems of `word` without a participle's ge- and without a verb ending (German only)."""
        if self.language != "de" or len(word) < 6:
            return []
        bases = [word]
        if word.startswith("ge") and len(word) >= 7:
            bases.append(word[2:])
        variants: list[str] = []
        for base in bases:
            variants.append(self.stem(base))
            variants.extend(
                self.stem(base[: -len(end)])
                for end in _VERB_ENDINGS
                if base.endswith(end) and len(base) - len(end) >= 4
            )
        own = self.stem(word)
        return [v for v in dict.fromkeys(variants) if v != own]
