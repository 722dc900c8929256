"""Citations in a query: "Art. 15 DSGVO", "Artikel 6 (1) f GDPR", "§7 UWG", "Erwägungsgrund 47".

The search only needs law, kind and number of what a query cites, to put that article first. The citation
parser of the legal articles (`knowledge.legal.citation`) reads them when it is installed; queries typed in
lower case or loosely ("art 21 dsgvo", "paragraph 7 uwg") are read by the lenient parser here when it finds
none. Sub-references (Abs., lit., Nr., Satz) narrow the citation but not the article and are skipped. A law
left out means the DSGVO for articles and recitals; for a § the number alone is looked up in every statute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auskunft.knowledge.search.fold import fold

_LAWS = {
    "dsgvo": "DSGVO",
    "ds-gvo": "DSGVO",
    "gdpr": "DSGVO",
    "bdsg": "BDSG",
    "uwg": "UWG",
    "tdddg": "TDDDG",
    "ttdsg": "TDDDG",
    "ddg": "DDG",
}
_SIGNS = {
    "art": "article",
    "artikel": "article",
    "article": "article",
    "§": "paragraph",
    "§§": "paragraph",
    "paragraph": "paragraph",
    "paragraf": "paragraph",
    "erwaegungsgrund": "recital",
    "erwg": "recital",
    "erwgr": "recital",
    "eg": "recital",
    "recital": "recital",
}
_LAW = r"(?P<{name}>ds-?gvo|gdpr|bdsg|uwg|tdddg|ttdsg|ddg)\b"
_CITATION = re.compile(
    r"(?:" + _LAW.format(name="before") + r"\s*)?"
    r"(?P<sign>§§?|\b(?:artikel|article|art|paragraph|paragraf|erwaegungsgrund|erwgr|erwg|eg|recital)\b\.?)"
    r"\s*(?P<number>\d+[a-z]?)\b"
    r"(?P<rest>(?:[\s.,()]*(?:abs|absatz|uabs|unterabs|lit|buchst|buchstabe|nr|nummer|satz|s|para|paragraph|"
    r"point|sentence|[ivx]+|\d+[a-z]?|[a-z])\b\.?)*)"
    r"[\s.,()]*(?:" + _LAW.format(name="after") + r")?"
)


@dataclass(frozen=True, slots=True)
class Citation:
    law: str | None
    """DSGVO (for DSGVO and GDPR alike), BDSG, UWG, TDDDG, DDG; None when the query names no law."""
    kind: str
    """article, paragraph or recital."""
    number: str


def parse(query: str) -> list[Citation]:
    """Every citation in `query`, in order."""
    return _strict(query) or _lenient(query)


def _strict(query: str) -> list[Citation]:
    try:
        from auskunft.knowledge.legal.citation import find_citations
    except ImportError:  # the legal-article package is optional for the search
        return []
    return [
        Citation(c.law or ("DSGVO" if c.kind in ("article", "recital") else None), c.kind, c.number)
        for c in find_citations(query)
    ]


def _lenient(query: str) -> list[Citation]:
    found: list[Citation] = []
    for match in _CITATION.finditer(fold(query)):
        kind = _SIGNS[match.group("sign").rstrip(".")]
        name = match.group("after") or match.group("before")
        law = _LAWS[name] if name else ("DSGVO" if kind in ("article", "recital") else None)
        found.append(Citation(law, kind, match.group("number")))
    return found


def keys(citation: Citation) -> list[str]:
    """The document keys a citation may mean ("DSGVO:article:15" and "GDPR:article:15")."""
    laws = ["DSGVO", "GDPR"] if citation.law == "DSGVO" else [citation.law] if citation.law else []
    return [f"{law}:{citation.kind}:{citation.number}" for law in laws]


def key_of(text: str) -> str | None:
    """The key of the article `text` cites ("Art. 15 DSGVO" → "DSGVO:article:15"); None if none."""
    found = parse(text)
    if not found or found[0].law is None:
        return None
    return keys(found[0])[0]
