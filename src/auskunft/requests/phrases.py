"""The weighted phrases of request recognition (data/phrases.yaml) and the articles cited in a message.

Each phrase belongs to one `RequestKind` and is an act (the writer asks for something) or a cue (words that
go with the kind). Articles are read here in code: "Art. 15 DSGVO", "Artikel 17 Abs. 1 DS-GVO", "Article
21(2) GDPR", and the church laws that copy the GDPR ("§ 17 KDG", "§ 19 DSG-EKD"), each naming the kind of
its article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from auskunft.requests.kinds import RequestKind
from auskunft.requests.letter_dates import DATE_PATTERN

_AUTHORITY = (
    r"(?:(?:datenschutz-?)?aufsichtsbeh(?:ö|oe)rde|datenschutzbeh(?:ö|oe)rde|landesdatenschutzbeauftragte\w*"
    r"|landesbeauftragte\w* für (?:den )?datenschutz|datenschutzbeauftragten des landes|\bbfdi\b"
    r"|bundesbeauftragte\w* für (?:den )?datenschutz|supervisory authority"
    r"|data protection (?:authority|regulator)"
    r"|\bico\b|information commissioner\w*|\bdpa\b)"
)
_MACROS = {
    "{oe}": "(?:ö|oe)",
    "{ae}": "(?:ä|ae)",
    "{ue}": "(?:ü|ue)",
    "{ss}": "(?:ß|ss)",
    "{pd}": r"(?:(?:personenbezogenen?|persönlichen?|gespeicherten?|privaten?|mich betreffenden?|kompletten?"
    r"|gesamten?|sonstigen?|weiteren?)\s+)*",
    "{date}": DATE_PATTERN,
    "{auth}": _AUTHORITY,
}


@dataclass(frozen=True, slots=True)
class Phrase:
    kind: RequestKind
    act: bool
    weight: float
    pattern: re.Pattern[str]
    question_ok: bool = False
    marketing: bool = False


def _expand(source: str) -> str:
    for macro, value in _MACROS.items():
        source = source.replace(macro, value)
    return source


@cache
def phrases() -> tuple[Phrase, ...]:
    """All phrases of data/phrases.yaml, compiled."""
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("auskunft.requests").joinpath("data/phrases.yaml").read_text("utf-8")
    )
    out = []
    for kind_name, groups in raw.items():
        kind = RequestKind(kind_name)
        for group, act in (("acts", True), ("cues", False)):
            for entry in groups.get(group, ()):
                out.append(
                    Phrase(
                        kind=kind,
                        act=act,
                        weight=float(entry["w"]),
                        pattern=re.compile(_expand(entry["re"]), re.IGNORECASE),
                        question_ok=bool(entry.get("q", False)),
                        marketing=bool(entry.get("m", False)),
                    )
                )
    return tuple(out)


ARTICLE_WEIGHT = 2.0

_GDPR_ARTICLES = {
    "15": RequestKind.ACCESS,
    "16": RequestKind.RECTIFICATION,
    "17": RequestKind.ERASURE,
    "18": RequestKind.RESTRICTION,
    "20": RequestKind.PORTABILITY,
    "21": RequestKind.OBJECTION,
    "77": RequestKind.COMPLAINT,
}
_CHURCH_SECTIONS = {
    "kdg": {"17": "15", "18": "16", "19": "17", "20": "18", "22": "20", "23": "21", "48": "77"},
    "dsg-ekd": {"19": "15", "20": "16", "21": "17", "22": "18", "24": "20", "25": "21", "46": "77"},
}
_GDPR = re.compile(
    r"\bart(?:\.|ikel|icle)?\s?(\d{1,2})\s?(?:(?:abs\.|absatz|abs)\s?(\d)|\((\d)\))?"
    r"(?:[^.;:]|\.(?=\s?[a-z\d])){0,20}?\b(?:ds-?gvo|gdpr|dsgvo|uk gdpr)\b",
    re.IGNORECASE,
)
_CHURCH = re.compile(
    r"§\s?(\d{1,2})\s?(?:(?:abs\.|absatz)\s?(\d))?(?:[^.;§]|\.(?=\s?[a-z\d])){0,100}?\b(kdg|dsg-ekd)\b",
    re.IGNORECASE,
)
_WITHDRAWAL_ARTICLE = re.compile(r"\bart(?:\.|ikel|icle)?\s?7\s?(?:abs\.?\s?3|\(3\))", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Article:
    kind: RequestKind
    text: str
    """The citation as written, e.g. "Art. 21 Abs. 2 DSGVO"."""
    direct_marketing: bool
    """Art. 21(2): objection to direct marketing."""


def articles(sentence: str) -> list[Article]:
    """The articles of data-subject rights cited in `sentence`."""
    found = []
    for m in _GDPR.finditer(sentence):
        if (kind := _GDPR_ARTICLES.get(m[1])) is not None:
            paragraph = m[2] or m[3]
            found.append(Article(kind, m.group(0), kind is RequestKind.OBJECTION and paragraph == "2"))
    for m in _CHURCH.finditer(sentence):
        gdpr = _CHURCH_SECTIONS[m[3].lower()].get(m[1])
        if gdpr is not None:
            kind = _GDPR_ARTICLES[gdpr]
            found.append(Article(kind, m.group(0), kind is RequestKind.OBJECTION and m[2] == "2"))
    found += [
        Article(RequestKind.WITHDRAWAL, m.group(0), False) for m in _WITHDRAWAL_ARTICLE.finditer(sentence)
    ]
    return found


def cited_kind(text: str) -> RequestKind | None:
    """The kind of the first article cited in `text` ("eine Anfrage nach Art. 15 DSGVO" → access)."""
    found = articles(text)
    return found[0].kind if found else None
