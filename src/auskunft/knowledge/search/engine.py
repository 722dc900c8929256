"""The search engine: a query in customers' words → ranked legal articles and FAQ entries.

A query is analysed like the texts (fold, stem) and widened, each addition with a lower weight than the
word as typed: compound parts, verb forms and longer stems, the nearest known words for unknown ones
(typos), synonyms. Documents are scored by BM25F (index.py), then by how many of the query's words they
match. An article the query cites ("Art. 15 DSGVO") comes first. See docs/search.md for the measurements
behind each step.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from auskunft.knowledge.search import citations
from auskunft.knowledge.search.analysis import LANGS, Lang
from auskunft.knowledge.search.document import DocKind, SearchDocument, law_family
from auskunft.knowledge.search.features import ALL, Features
from auskunft.knowledge.search.index import Index, cite_term
from auskunft.knowledge.search.snippet import snippet
from auskunft.knowledge.search.synonyms import Synonyms

PART = 0.7
NESTED_PART = 0.5
VARIANT = 0.8
PREFIX = 0.6
FUZZY = {1: 0.8, 2: 0.6}
SYNONYM = 0.6
CITED_BY = 1.0
RECITAL = 0.8
"""Recitals explain the articles; asked the same, the article is the better answer."""
COVERAGE = 0.5
"""Share of the score that depends on how many of the query's words a document matches."""


@dataclass(frozen=True, slots=True)
class Hit:
    document: SearchDocument
    score: float
    snippet: str


def _max_distance(word: str) -> int:
    return 0 if len(word) < 5 else 1 if len(word) < 8 else 2


class SearchEngine:
    """An index over a fixed set of documents; build a new engine when they change (service.py)."""

    def __init__(self, documents: Iterable[SearchDocument], features: Features = ALL) -> None:
        self.features = features
        self.index = Index(list(documents), features)
        self._prior = [RECITAL if doc.legal_kind == "recital" else 1.0 for doc in self.index.documents]
        self._synonyms = {lang: Synonyms(self.index.analyzers[lang]) for lang in LANGS}
        self._by_letter: dict[Lang, dict[str, list[str]]] = {lang: defaultdict(list) for lang in LANGS}
        for lang in LANGS:
            for word in self.index.words[lang]:
                if not word.isdigit():
                    self._by_letter[lang][word[0]].append(word)

    def __len__(self) -> int:
        return len(self.index.documents)

    def search(
        self,
        query: str,
        *,
        kind: DocKind | None = None,
        law: str | None = None,
        language: Lang | None = None,
        limit: int = 10,
    ) -> list[Hit]:
        terms: dict[str, tuple[float, int]] = {}
        for lang in (language,) if language else LANGS:
            self._expand(query, lang, terms)
        pinned = self._cited(query, terms)
        family = law_family(law) if law else None
        documents = self.index.documents

        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, int] = defaultdict(int)
        for term, (weight, group) in terms.items():
            bit = 1 << group
            for n, value in self.index.postings.get(term, ()):
                scores[n] += weight * value
                matched[n] |= bit
        groups = len({group for term, (_, group) in terms.items() if term in self.index.postings})
        if self.features.coverage and groups > 1:
            for n in scores:
                share = matched[n].bit_count() / groups
                scores[n] *= 1 - COVERAGE + COVERAGE * share
        for n in scores:
            scores[n] *= self._prior[n]
        for rank, n in enumerate(reversed(pinned)):
            scores[n] = max(scores.values(), default=0.0) + 1.0 + rank

        def wanted(n: int) -> bool:
            doc = documents[n]
            return (
                (kind is None or doc.kind == kind)
                and (language is None or doc.language == language)
                and (family is None or (doc.law is not None and law_family(doc.law) == family))
            )

        ranked = heapq.nsmallest(limit, (n for n in scores if wanted(n)), key=lambda n: (-scores[n], n))
        return [self._hit(n, scores[n], terms) for n in ranked]

    def _hit(self, n: int, score: float, terms: dict[str, tuple[float, int]]) -> Hit:
        offsets = self.index.offsets[n]
        found = [offsets[term] for term in terms if term in offsets]
        return Hit(
            self.index.documents[n], round(score, 4), snippet(self.index.texts[n], min(found, default=None))
        )

    def _cited(self, query: str, terms: dict[str, tuple[float, int]]) -> list[int]:
        """Documents the query cites, in order; FAQ entries that cite them join the query."""
        if not self.features.citations:
            return []
        pinned: list[int] = []
        for citation in citations.parse(query):
            for key in citations.keys(citation) or self._any_law(citation):
                n = self.index.by_key.get(key)
                if n is not None and n not in pinned:
                    pinned.append(n)
                    terms.setdefault(cite_term(key), (CITED_BY, 62))
        return pinned

    def _any_law(self, citation: citations.Citation) -> list[str]:
        suffix = f":{citation.kind}:{citation.number}"
        return [key for key in self.index.by_key if key.endswith(suffix)]

    def _expand(self, query: str, lang: Lang, terms: dict[str, tuple[float, int]]) -> None:
        """Add the terms of `query` analysed as `lang`: term → (weight, position of the query word)."""
        index, features = self.index, self.features
        analyzer = index.analyzers[lang]
        tokens = analyzer.tokens(query)
        content = [(pos, t) for pos, t in enumerate(tokens) if not t.stop] or list(enumerate(tokens))
        known = index.postings

        def add(term: str, weight: float, group: int) -> bool:
            if term not in known:
                return False
            old = terms.get(term)
            if old is None or old[0] < weight:
                terms[term] = (weight, min(group, 61))
            return True

        parts: list[tuple[int, str]] = []
        for pos, token in content:
            found = add(token.stem, 1.0, pos)
            if features.compounds and lang == "de":
                for rank, part in enumerate(index.splitters[lang].parts(token.word)):
                    parts.append((pos, analyzer.stem(part)))
                    found |= add(parts[-1][1], PART if rank < 2 else NESTED_PART, pos)
            if features.variants and not token.word.isdigit():
                for variant in analyzer.verb_variants(token.word):
                    found |= add(variant, VARIANT, pos)
                if len(token.stem) >= 5:
                    for longer in index.with_prefix(token.stem, 3):
                        found |= add(longer, PREFIX, pos)
            if features.fuzzy and not found and token.word not in index.words[lang]:
                self._fuzzy(token.word, lang, pos, add)
        if features.synonyms:
            synonyms = self._synonyms[lang]
            stems = [t.stem for _, t in content]
            for start, phrase in synonyms.expand(stems):
                for stem in phrase:
                    add(stem, SYNONYM / len(phrase), content[start][0])
            for pos, part in parts:  # "Newsletterabmeldung": abmelden = abbestellen
                for _, phrase in synonyms.expand([part]):
                    for stem in phrase:
                        add(stem, SYNONYM * PART / len(phrase), pos)

    def _fuzzy(self, word: str, lang: Lang, pos: int, add: Callable[[str, float, int], bool]) -> None:
        limit = _max_distance(word)
        if not limit:
            return
        choices = self._by_letter[lang].get(word[0], [])
        for candidate, distance, _ in process.extract(
            word, choices, scorer=OSA.distance, score_cutoff=limit, limit=3
        ):
            add(self.index.words[lang][candidate], FUZZY[int(distance)], pos)
