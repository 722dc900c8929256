"""Is this message a data-subject request, and of which kind? Transparent weighted rules, no model.

`recognise(text, subject)` cuts the message into sentences (sentences.py), matches the phrases of
data/phrases.yaml and the articles cited (phrases.py) and adds up a score per `RequestKind`:

- a phrase counts once, with its weight; in the subject line ×1.5, in a condition ("Sollte ich eine
  Einwilligung erteilt haben, widerrufe ich diese") ×0.5, an act in a how/where/when question ×0.25;
- an article of a data-subject right cited ("Art. 17 DSGVO") adds 2 to its kind, once;
- the kind asked for first (subject line, then body) gets 2 more: letters state their main request first;
- complaint phrases never count in a threat ("..., behalte ich mir vor ... Beschwerde ... einzureichen"),
  withdrawal phrases never in a sentence about the consumer's right of withdrawal (§ 355 BGB), and
  reminder phrases only when the message is about data protection at all.

A kind is detected when it has an act of weight 2 or more; the message is a request when the best
detected kind scores at least 4. The primary kind is a lodged complaint if there is one, else a reminder
(both are about an earlier request, whatever else they cite), else the kind with the highest score.
docs/requests.md explains the rules and their limits.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from auskunft.requests.identity_lines import identity, reference
from auskunft.requests.kinds import RequestKind
from auskunft.requests.letter_dates import find_dates, letter_date
from auskunft.requests.phrases import ARTICLE_WEIGHT, articles, cited_kind, phrases
from auskunft.requests.sentences import Sentence, split, without_quotes

ACT_MINIMUM = 2.0
REQUEST_MINIMUM = 4.0
SUBJECT_FACTOR = 1.5
CONDITION_FACTOR = 0.5
QUESTION_FACTOR = 0.25
FIRST_ACT_BONUS = 2.0

_CONSUMER_WITHDRAWAL = re.compile(
    r"§\s?355|widerrufsrecht|widerrufsbelehrung|widerrufsformular|kaufvertrag|vertrag über den kauf"
    r"|rücksendung|retoure|bestellung|right of withdrawal"
    r"|withdraw(al)? from (the |my |this )?(contract|purchase|order)"
    r"|cooling-off|sepa|lastschrift",
    re.IGNORECASE,
)
_PRIVACY_CONTEXT = re.compile(
    r"ds-?gvo|gdpr|datenschutz|data protection|privacy|personenbezogen|personal data|meine daten|my data"
    r"|auskunftsersuchen|auskunftsanfrage|l(ö|oe)schantrag|subject access|\bd?sar\b"
    r"|\bart(\.|ikel|icle)?\s?\d+",
    re.IGNORECASE,
)
_MARKETING = re.compile(
    r"werb|newsletter|marketing|advertis|promotion|fundraising|prospekt|katalog", re.IGNORECASE
)
_GERMAN_TEXT = (
    "der die das und ich sie nicht mit ist bitte meine meiner mich ein eine für auf den dem zu von ihnen "
    "haben habe sehr geehrte grüßen guten tag gemäß daten über wie wo"
)
_GERMAN = frozenset(_GERMAN_TEXT.split())
_ENGLISH_TEXT = (
    "the and to of you your my me is are please i have with for on that this data dear regards hello "
    "about what how where would could"
)
_ENGLISH = frozenset(_ENGLISH_TEXT.split())
_KIND_WORDS = (
    (re.compile(r"auskunft|access|kopie|copy", re.IGNORECASE), RequestKind.ACCESS),
    (re.compile(r"l(ö|oe)sch|erasure|delet", re.IGNORECASE), RequestKind.ERASURE),
    (re.compile(r"berichtig|rectif", re.IGNORECASE), RequestKind.RECTIFICATION),
    (re.compile(r"widerspruch|objection", re.IGNORECASE), RequestKind.OBJECTION),
)


@dataclass(frozen=True, slots=True)
class Evidence:
    kind: RequestKind
    phrase: str
    """The words that matched, as written (at most 80 characters)."""
    weight: float
    act: bool
    sentence: int
    """-1: the subject line; 0..: the sentence of the body."""
    marketing: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "phrase": self.phrase,
            "weight": round(self.weight, 2),
            "act": self.act,
            "where": "subject" if self.sentence < 0 else "body",
        }


@dataclass(frozen=True, slots=True)
class EarlierRequest:
    """What a reminder or complaint says about the request it follows up."""

    date: date | None
    reference: str | None
    kind: RequestKind | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat() if self.date else None,
            "reference": self.reference,
            "kind": self.kind.value if self.kind else None,
        }


@dataclass(frozen=True, slots=True)
class Recognition:
    kind: RequestKind | None
    """The primary kind; None: not a data-subject request."""
    kinds: tuple[RequestKind, ...]
    """Every kind detected, primary first."""
    language: str
    reference: str | None
    identity: dict[str, str]
    date: date | None
    confidence: float
    direct_marketing: bool
    refers_to: EarlierRequest | None
    evidence: tuple[Evidence, ...]
    scores: dict[RequestKind, float] = field(default_factory=dict)

    @property
    def is_request(self) -> bool:
        return self.kind is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value if self.kind else None,
            "kinds": [kind.value for kind in self.kinds],
            "language": self.language,
            "reference": self.reference,
            "identity": self.identity,
            "date": self.date.isoformat() if self.date else None,
            "confidence": self.confidence,
            "direct_marketing": self.direct_marketing,
            "refers_to": self.refers_to.as_dict() if self.refers_to else None,
            "evidence": [item.as_dict() for item in self.evidence],
        }


def language(text: str) -> str:
    """ "de" or "en", by counting frequent words; German when undecided."""
    words = re.findall(r"[a-zäöüß]+", text.lower())
    german = sum(word in _GERMAN for word in words) + 2 * sum(ch in "äöüß" for ch in text.lower())
    english = sum(word in _ENGLISH for word in words)
    return "en" if english > german else "de"


def _factor(sentence: Sentence) -> float:
    factor = SUBJECT_FACTOR if sentence.index < 0 else 1.0
    return factor * CONDITION_FACTOR if sentence.condition else factor


def _evidence(sentences: list[Sentence], privacy: bool) -> list[Evidence]:
    best: dict[object, Evidence] = {}

    def keep(key: object, item: Evidence) -> None:
        if key not in best or item.weight > best[key].weight:
            best[key] = item

    for sentence in sentences:
        consumer_law = bool(_CONSUMER_WITHDRAWAL.search(sentence.text))
        marketing_words = bool(_MARKETING.search(sentence.text))
        for phrase in phrases():
            if phrase.kind is RequestKind.COMPLAINT and sentence.threat:
                continue
            if phrase.kind is RequestKind.WITHDRAWAL and consumer_law:
                continue
            if phrase.kind is RequestKind.REMINDER and not privacy:
                continue
            if (m := phrase.pattern.search(sentence.text)) is None:
                continue
            weight = phrase.weight * _factor(sentence)
            if phrase.act and sentence.question and not phrase.question_ok:
                weight *= QUESTION_FACTOR
            marketing = phrase.marketing or (
                phrase.kind in (RequestKind.OBJECTION, RequestKind.WITHDRAWAL)
                and phrase.act
                and marketing_words
            )
            text = m.group(0)[:80]
            keep(phrase, Evidence(phrase.kind, text, weight, phrase.act, sentence.index, marketing))
        for article in articles(sentence.text):
            if article.kind is RequestKind.COMPLAINT and sentence.threat:
                continue
            weight = ARTICLE_WEIGHT * _factor(sentence)
            item = Evidence(
                article.kind, article.text[:80], weight, False, sentence.index, article.direct_marketing
            )
            keep(("article", article.kind, article.direct_marketing), item)
    return sorted(best.values(), key=lambda item: (item.sentence, -item.weight))


def _scores(evidence: list[Evidence]) -> dict[RequestKind, float]:
    scores: dict[RequestKind, float] = {}
    for item in evidence:
        scores[item.kind] = scores.get(item.kind, 0.0) + item.weight
    acts = [item for item in evidence if item.act and item.weight >= ACT_MINIMUM]
    if acts:
        first = min(acts, key=lambda item: item.sentence)
        scores[first.kind] += FIRST_ACT_BONUS
    return scores


def _detected(evidence: list[Evidence], scores: dict[RequestKind, float]) -> list[RequestKind]:
    first_act: dict[RequestKind, int] = {}
    for item in evidence:
        if item.act and item.weight >= ACT_MINIMUM:
            first_act.setdefault(item.kind, item.sentence)
    ranked = sorted(first_act, key=lambda kind: (-scores[kind], first_act[kind]))
    if not ranked or scores[ranked[0]] < REQUEST_MINIMUM:
        return []
    for override in (RequestKind.REMINDER, RequestKind.COMPLAINT):
        if override in ranked:
            ranked.remove(override)
            ranked.insert(0, override)
    return ranked


def _confidence(score: float, is_request: bool) -> float:
    p = 1.0 / (1.0 + math.exp(-(score - REQUEST_MINIMUM - 1.0) / 2.0))
    return round(min(0.99, p if is_request else 1.0 - p), 2)


def _earlier(
    sentences: list[Sentence],
    evidence: list[Evidence],
    kinds: list[RequestKind],
    ref: str | None,
    received: date | None,
) -> EarlierRequest | None:
    marked = {item.sentence for item in evidence if item.kind is RequestKind.REMINDER and item.act}
    candidates = [s for s in sentences if s.index in marked] + [
        s for s in sentences if re.search(r"anfrage|antrag|request", s.text, re.IGNORECASE)
    ]
    when: date | None = None
    kind: RequestKind | None = None
    for sentence in candidates:
        if when is None and (dates := find_dates(sentence.text, received)):
            when = dates[0].day
        if kind is None:
            kind = cited_kind(sentence.text)
    if kind is None:
        kind = next((k for k in kinds if k not in (RequestKind.REMINDER, RequestKind.COMPLAINT)), None)
    if kind is None:
        for sentence in candidates:
            kind = next((k for pattern, k in _KIND_WORDS if pattern.search(sentence.text)), None)
            if kind is not None:
                break
    if when is None and ref is None and kind is None:
        return None
    return EarlierRequest(when, ref, kind)


def recognise(text: str, subject: str | None = None, *, received: date | None = None) -> Recognition:
    """Recognise a data-subject request in one message (body `text`, optional `subject`).

    `received`, the day the message arrived, completes dates written without a year. Pure: reads nothing
    but the phrase table shipped with auskunft."""
    body = without_quotes(text)
    sentences = split(body, subject)
    whole = f"{subject or ''}\n{body}"
    evidence = _evidence(sentences, privacy=bool(_PRIVACY_CONTEXT.search(whole)))
    scores = _scores(evidence)
    kinds = _detected(evidence, scores)
    kind = kinds[0] if kinds else None
    ref = reference(subject, body)
    deciding = [item for item in evidence if item.kind in kinds] if kinds else evidence
    deciding.sort(key=lambda item: (item.kind is not kind, -item.weight))
    marketing = any(
        item.marketing for item in evidence if item.kind in (RequestKind.OBJECTION, RequestKind.WITHDRAWAL)
    ) and bool({RequestKind.OBJECTION, RequestKind.WITHDRAWAL} & set(kinds))
    follow_up = kind in (RequestKind.REMINDER, RequestKind.COMPLAINT)
    return Recognition(
        kind=kind,
        kinds=tuple(kinds),
        language=language(whole),
        reference=ref,
        identity=identity(body),
        date=letter_date(body, received),
        confidence=_confidence(scores[kind] if kind else max(scores.values(), default=0.0), kind is not None),
        direct_marketing=marketing,
        refers_to=_earlier(sentences, evidence, kinds, ref, received) if follow_up else None,
        evidence=tuple(deciding[:10]),
        scores=scores,
    )
