"""The inverted index: BM25F over title, text and context, held in memory.

Each document's fields are analysed once (analysis.py); German words that are compounds of words found
elsewhere in the texts also count their parts, at a third of the weight (compounds.py). For every term the
index keeps the list of documents with their BM25F contribution already computed (idf × saturated term
frequency), so a query costs one dictionary look-up and one pass over a short list per term.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Sequence

from auskunft.knowledge.search.analysis import LANGS, Analyzer, Lang
from auskunft.knowledge.search.compounds import CompoundSplitter
from auskunft.knowledge.search.document import SearchDocument, law_family
from auskunft.knowledge.search.features import Features

FIELD_WEIGHTS = {"title": 5.0, "body": 1.0, "context": 0.5}
PART_WEIGHT = 0.3
CITE_PREFIX = "cite:"
_WORD = re.compile(r"[^\W_]+")
K1 = 1.2
B = 0.75


def cite_term(key: str) -> str:
    """The term under which documents that cite `key` are found ("cite:DSGVO:article:15" for GDPR too)."""
    law, _, rest = key.partition(":")
    return f"{CITE_PREFIX}{law_family(law)}:{rest}"


class Index:
    def __init__(self, documents: Sequence[SearchDocument], features: Features) -> None:
        self.documents = list(documents)
        self.features = features
        self.analyzers = {lang: Analyzer(lang, fold=features.fold, stem=features.stem) for lang in LANGS}
        self.by_key = {doc.key: n for n, doc in enumerate(self.documents)}
        analysed = [self._fields(doc) for doc in self.documents]

        frequency: dict[Lang, Counter[str]] = {lang: Counter() for lang in LANGS}
        self.words: dict[Lang, dict[str, str]] = {lang: {} for lang in LANGS}
        """Every folded word of the texts of a language, with its stem: what typos are matched against."""
        for doc, fields in zip(self.documents, analysed, strict=True):
            seen: set[str] = set()
            for field_words in fields.values():
                for word in field_words:
                    token = self.analyzers[doc.language].token(word)
                    seen.add(token.stem)
                    self.words[doc.language][word] = token.stem
            frequency[doc.language].update(seen)
        self.splitters = {
            lang: CompoundSplitter(
                frequency[lang], self.analyzers[lang].stem, self.analyzers[lang].stop_words
            )
            for lang in LANGS
        }

        per_doc: list[dict[str, dict[str, float]]] = []
        lengths: dict[str, list[float]] = {name: [] for name in FIELD_WEIGHTS}
        for doc, fields in zip(self.documents, analysed, strict=True):
            counts = {name: self._counts(doc.language, fields[name]) for name in FIELD_WEIGHTS}
            for name in FIELD_WEIGHTS:
                lengths[name].append(float(len(fields[name])))
            counts["cites"] = {cite_term(key): 1.0 for key in doc.cites}
            per_doc.append(counts)
        average = {name: (sum(v) / len(v) if v and sum(v) else 1.0) for name, v in lengths.items()}

        combined: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for n, counts in enumerate(per_doc):
            tf: dict[str, float] = defaultdict(float)
            for name, weight in FIELD_WEIGHTS.items():
                norm = 1 - B + B * lengths[name][n] / average[name]
                for term, count in counts[name].items():
                    tf[term] += weight * count / norm
            for term, count in counts["cites"].items():
                tf[term] += FIELD_WEIGHTS["title"] * count
            for term, value in tf.items():
                combined[term].append((n, value))
        total = len(self.documents)
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for term, entries in combined.items():
            idf = math.log(1 + (total - len(entries) + 0.5) / (len(entries) + 0.5))
            self.postings[term] = [(n, idf * value / (K1 + value)) for n, value in entries]
        self.terms = sorted(self.postings)
        self.texts = [" ".join(doc.body.split()) for doc in self.documents]
        """The text of each document with whitespace collapsed: what snippets are cut from."""
        self.offsets = [
            self._offsets(doc.language, text) for doc, text in zip(self.documents, self.texts, strict=True)
        ]
        """For each document: stem → offset of its first occurrence in the text (where the snippet starts)."""

    def _fields(self, doc: SearchDocument) -> dict[str, list[str]]:
        analyzer = self.analyzers[doc.language]
        return {
            "title": [t.word for t in analyzer.tokens(doc.title) if not t.stop],
            "body": [t.word for t in analyzer.tokens(doc.body) if not t.stop],
            "context": [t.word for t in analyzer.tokens(doc.context) if not t.stop],
        }

    def _counts(self, language: Lang, field_words: list[str]) -> dict[str, float]:
        analyzer = self.analyzers[language]
        counts: dict[str, float] = defaultdict(float)
        for word in field_words:
            counts[analyzer.stem(word)] += 1.0
            if self.features.compounds and language == "de":
                for part in self.splitters[language].parts(word):
                    counts[analyzer.stem(part)] += PART_WEIGHT
        return counts

    def _offsets(self, language: Lang, text: str) -> dict[str, int]:
        analyzer = self.analyzers[language]
        first: dict[str, int] = {}
        for match in _WORD.finditer(text):
            for token in analyzer.tokens(match.group()):
                first.setdefault(token.stem, match.start())
        return first

    def with_prefix(self, stem: str, longer_by: int) -> list[str]:
        """Indexed terms that begin with `stem` and are at most `longer_by` letters longer."""
        found = []
        for term in self.terms[bisect_left(self.terms, stem) :]:
            if not term.startswith(stem):
                break
            if len(term) - len(stem) <= longer_by:
                found.append(term)
        return found
