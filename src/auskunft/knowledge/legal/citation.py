"""Citations of legal articles: "Art. 15 Abs. 1 lit. g DSGVO", "§ 7 Abs. 3 UWG", "Article 15(1)(g) GDPR", ...

`parse_citation` reads one citation typed by a person; `find_citations` finds every citation in running text
(the links between articles: "gemäß Artikel 13 und 14" in the DSGVO cites its own Art. 13 and Art. 14, and
"§ 6 Absatz 1 des Digitale-Dienste-Gesetzes" in the UWG cites the DDG). Citations of laws auskunft does not
hold ("Artikel 8 der Charta", "§ 797a der Zivilprozessordnung") are left out of running text.

The regulation has one canonical name here, DSGVO, whatever it was called (GDPR, DS-GVO, EU-DSGVO,
Datenschutz-Grundverordnung, Verordnung (EU) 2016/679, Regulation (EU) 2016/679); its stored texts are the
German "DSGVO" and the English "GDPR" (`store.resolve` picks by language).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from auskunft.errors import InvalidInput
from auskunft.knowledge.legal.model import Kind, LegalArticle

REGULATION = "DSGVO"
LAW_ALIASES: dict[str, str] = {
    "dsgvo": REGULATION,
    "ds-gvo": REGULATION,
    "eu-dsgvo": REGULATION,
    "gdpr": REGULATION,
    "eu-gdpr": REGULATION,
    "datenschutz-grundverordnung": REGULATION,
    "datenschutzgrundverordnung": REGULATION,
    "verordnung (eu) 2016/679": REGULATION,
    "regulation (eu) 2016/679": REGULATION,
    "general data protection regulation": REGULATION,
    "bdsg": "BDSG",
    "bundesdatenschutzgesetz": "BDSG",
    "bundesdatenschutzgesetzes": "BDSG",
    "uwg": "UWG",
    "gesetz gegen den unlauteren wettbewerb": "UWG",
    "gesetzes gegen den unlauteren wettbewerb": "UWG",
    "tdddg": "TDDDG",
    "ttdsg": "TDDDG",
    "telekommunikation-digitale-dienste-datenschutz-gesetz": "TDDDG",
    "telekommunikation-digitale-dienste-datenschutz-gesetzes": "TDDDG",
    "telekommunikation-telemedien-datenschutz-gesetz": "TDDDG",
    "telekommunikation-telemedien-datenschutz-gesetzes": "TDDDG",
    "ddg": "DDG",
    "digitale-dienste-gesetz": "DDG",
    "digitale-dienste-gesetzes": "DDG",
}
"""Every name of a law auskunft holds, lower-cased, and its canonical short name."""

STORED_NAMES = {REGULATION: {"de": "DSGVO", "en": "GDPR"}}
"""How a canonical law is stored per language (the German statutes exist in German only)."""


@dataclass(frozen=True, slots=True)
class Citation:
    law: str | None
    """Canonical short name (DSGVO for every name of the GDPR); None when the text named no law."""
    kind: Kind
    number: str
    paragraph: str | None = None
    """Absatz / numbered paragraph: "1" for "Abs. 1", "(1)", "15(1)"."""
    sentence: str | None = None
    """Satz: "1" for "S. 1"."""
    point: str | None = None
    """Buchstabe / lit. / point: "g"."""
    item: str | None = None
    """Nummer / Nr. / Ziffer: "2"."""

    def stored_law(self, language: str | None) -> str | None:
        """The law name the text is stored under in `language` (DSGVO → GDPR in English)."""
        if self.law is None:
            return None
        names = STORED_NAMES.get(self.law)
        return names.get(language or "de", self.law) if names else self.law

    def key(self, language: str | None = None) -> str:
        return f"{self.stored_law(language)}:{self.kind}:{self.number}"

    def label(self, language: str = "de") -> str:
        """The citation written out the usual way: "Art. 15 Abs. 1 lit. g DSGVO", "Article 15(1)(g) GDPR"."""
        law = self.stored_law(language) or ""
        if self.kind == "recital":
            return f"{'Erwägungsgrund' if language == 'de' else 'Recital'} {self.number} {law}".strip()
        if language == "en" and self.kind == "article":
            parts = "".join(f"({part})" for part in (self.paragraph, self.point, self.item) if part)
            return f"Article {self.number}{parts} {law}".strip()
        words = [{"article": "Art.", "paragraph": "§", "annex": ""}[self.kind], self.number]
        for prefix, value in (
            ("Abs.", self.paragraph),
            ("S.", self.sentence),
            ("lit.", self.point),
            ("Nr.", self.item),
        ):
            if value:
                words += [prefix, value]
        return " ".join(word for word in [*words, law] if word)


_LAW_NAMES = sorted(LAW_ALIASES, key=len, reverse=True)
_LAW = (
    r"(?P<law>(?i:" + "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in _LAW_NAMES) + r"))(?![\w-])"
)
_HEAD = (
    r"(?P<head>Artikeln?|Articles?|Art\.?|§§?|"
    r"Erwägungsgr(?:und|ünde|ünden)|ErwGr?\.?|Erwgr\.?|EG|Recitals?|recitals?)"
)
_WORDS = (
    r"Absätzen|Absätze|Absatz|Abs\.?|UAbs\.?|Unterabsatz|Unterabs\.?|Sätze|Satz|S\.|Halbsatz|Hs\.|lit\.?|"
    r"Buchstaben|Buchstabe|Buchst\.?|Nummern|Nummer|Nrn\.|Nr\.?|Ziffer|Ziff\.|subparagraph|paragraph|point"
)
"""Words that introduce a part of an article, longest first."""
_NUM = r"\d{1,3}[a-z]?(?![\d/.]\d)"
_PART = (
    r"(?:\s*\(\s*\d{1,3}[a-z]?\s*\)|\s*\(\s*[a-z]{1,2}\s*\)|\s*\(\s*[ivx]{1,5}\s*\)"
    r"|\s+(?:" + _WORDS + r")"
    r"\s*(?:\d{1,3}[a-z]?|[a-z]\)?)(?![\w])"
    r"{bare})"
)
_BARE = r"|\s+[a-z](?=\s|$|[,.;:])"
_LIST = r"(?:\s*(?:,|und|oder|and|or|bis|to|sowie)\s+(?:Art\.\s*)?" + _NUM + r"(?:{part})*)*"
_FOREIGN = re.compile(
    r"\s*(?:der|des|of\s+the|of|the)\s+(?!vorliegenden|dieser|dieses|this\b)\S", re.IGNORECASE
)
_OWN = re.compile(
    r"\s*(?:der|des|of)?\s*(?:vorliegenden\s+Artikels|dieser\s+Verordnung|dieses\s+Gesetzes|this\s+Regulation)"
)


def _pattern(bare: bool) -> re.Pattern[str]:
    part = _PART.replace("{bare}", _BARE if bare else "")
    body = rf"(?P<body>{_NUM}(?:{part})*{_LIST.replace('{part}', part)})"
    return re.compile(rf"(?<![\w-]){_HEAD}\s*{body}(?P<after>\s+(?:(?:der|des|of\s+the|of)\s+)?{_LAW})?")


_SINGLE = _pattern(bare=True)
_RUNNING = _pattern(bare=False)
_LAW_ONLY = re.compile(rf"^\s*{_LAW}\s*$", re.IGNORECASE)
_PART_VALUE = re.compile(
    r"\(\s*(?P<paren>\d{1,3}[a-z]?|[a-z]{1,2}|[ivx]{1,5})\s*\)"
    r"|(?P<word>" + _WORDS + r")"
    r"\s*(?P<value>\d{1,3}[a-z]?|[a-z])\)?(?!\w)"
    r"|(?<=\s)(?P<bare>[a-z])(?=\s|$|[,.;:])"
)


def canonical_law(name: str) -> str | None:
    """The canonical short name of a law's name or abbreviation, or None if auskunft does not hold it."""
    return LAW_ALIASES.get(re.sub(r"\s+", " ", name.strip()).lower())


def parse_citation(text: str, default_law: str | None = None) -> Citation:
    """One citation as people type it; raises `InvalidInput` if `text` is not one."""
    cleaned = " ".join(text.split())
    match = _SINGLE.search(cleaned)
    if match is None or match.start() != 0 or cleaned[match.end() :].strip(" .,;"):
        law_only = _LAW_ONLY.match(cleaned)
        raise InvalidInput(
            f"not a citation: {text!r}"
            + (" (name an article: 'Art. 15 DSGVO', '§ 7 UWG')" if law_only else "")
        )
    citations = _citations(match, default_law, running=False)
    if not citations:
        raise InvalidInput(f"not a citation of a law auskunft holds: {text!r}")
    return citations[0]


def find_citations(text: str, default_law: str | None = None) -> list[Citation]:
    """Every citation in running text, in order; a citation naming no law cites `default_law`."""
    found: list[Citation] = []
    for match in _RUNNING.finditer(text):
        found.extend(_citations(match, default_law, running=True, rest=text[match.end() : match.end() + 80]))
    return found


def _citations(
    match: re.Match[str], default_law: str | None, *, running: bool, rest: str = ""
) -> list[Citation]:
    head = match.group("head").lower()
    if head.startswith("§"):
        kind: Kind = "paragraph"
    elif head.startswith(("erw", "recital", "eg")):
        kind = "recital"
    else:
        kind = "article"
    if match.group("law"):
        law = canonical_law(match.group("law"))
    elif running and _FOREIGN.match(rest) and not _OWN.match(rest):
        return []  # "Artikel 8 der Charta", "§ 797a der Zivilprozessordnung": a law auskunft does not hold
    else:
        law = canonical_law(default_law) if default_law else None
        if law is None and default_law:
            law = default_law
        if law is None and kind == "recital":
            law = REGULATION
    if kind == "recital" and head == "eg" and law is None:
        return []
    body = match.group("body")
    pieces = re.split(
        r"\s*(?:,|\bund\b|\boder\b|\band\b|\bor\b|\bbis\b|\bto\b|\bsowie\b)\s+(?:Art\.\s*)?", body
    )
    ranges = re.findall(r"\b(bis|to)\b", body)
    citations: list[Citation] = []
    for piece in pieces:
        number = re.match(r"\d{1,3}[a-z]?", piece)
        if number is None:
            continue
        citations.append(
            _with_parts(Citation(law=law, kind=kind, number=number.group()), piece[number.end() :])
        )
    if len(citations) == 2 and ranges and all(c.number.isdigit() for c in citations):
        first, last = int(citations[0].number), int(citations[1].number)
        if 0 < last - first <= 20:
            citations = [replace(citations[0], number=str(n)) for n in range(first, last + 1)]
    return citations


def _with_parts(citation: Citation, text: str) -> Citation:
    values: dict[str, str] = {}  # paragraph, sentence, point, item
    for part in _PART_VALUE.finditer(text):
        if part.group("paren"):
            value = part.group("paren")
            slot = "paragraph" if value[0].isdigit() and "paragraph" not in values else "point"
            if slot == "point" and re.fullmatch(r"[ivx]+", value) and "point" in values:
                continue
            values.setdefault(slot, value)
        elif part.group("bare"):
            values.setdefault("point", part.group("bare"))
        else:
            word = part.group("word").lower()
            slot = (
                "paragraph"
                if word.startswith(("abs", "paragraph"))
                else "sentence"
                if word.startswith(("s.", "satz", "sätze"))
                else "point"
                if word.startswith(("lit", "buchst", "point"))
                else "item"
                if word.startswith(("nr", "nummer", "ziff"))
                else ""
            )
            if slot:
                values.setdefault(slot, part.group("value"))
    return replace(
        citation,
        paragraph=values.get("paragraph"),
        sentence=values.get("sentence"),
        point=values.get("point"),
        item=values.get("item"),
    )


def with_citations(articles: list[LegalArticle]) -> list[LegalArticle]:
    """The articles with `cites` filled: the keys of the stored articles each one cites (itself excluded)."""
    keys = {article.key for article in articles}
    result = []
    for article in articles:
        own = canonical_law(article.law) or article.law
        cited: list[str] = []
        for text in (*article.paragraphs,):
            for citation in find_citations(text, default_law=own):
                key = citation.key(article.language)
                if key != article.key and key not in cited and (key in keys or citation.law != own):
                    cited.append(key)
        result.append(replace(article, cites=tuple(cited)))
    return result
