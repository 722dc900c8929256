"""FAQ answers suggested while a customer types into the contact form."""

from __future__ import annotations

from dataclasses import dataclass

from auskunft.knowledge.search.analysis import Lang
from auskunft.knowledge.search.fold import words
from auskunft.knowledge.search.service import SearchService

MIN_WORDS = 2
MAX_WORDS = 60
"""Only the beginning of a long message is searched: it names the topic, and the search stays fast."""
MIN_SCORE = 2.0
"""Below this a hit shares a word or two with the message but rarely answers it: on the evaluation set
(bench/search_eval.yaml, FAQ hits in the top 3) this drops 38 % of the unhelpful suggestions and 6 %
of the helpful ones (median scores 2.4 and 7.1)."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: int
    slug: str
    title: str
    snippet: str
    score: float


def suggest(service: SearchService, text: str, language: Lang = "de", limit: int = 3) -> list[Suggestion]:
    """Published FAQ entries that may answer `text`, best first; none for a text of fewer than two words."""
    typed = words(text)
    if len(typed) < MIN_WORDS:
        return []
    query = " ".join(typed[:MAX_WORDS])
    hits = service.search(query, kind="faq", language=language, limit=limit)
    return [
        Suggestion(h.document.faq_id or 0, h.document.slug or "", h.document.title, h.snippet, h.score)
        for h in hits
        if h.score >= MIN_SCORE
    ]
