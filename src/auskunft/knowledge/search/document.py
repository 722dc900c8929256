"""What the search engine indexes: legal articles and FAQ entries as one kind of document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from auskunft.knowledge.legal.model import LegalArticle
from auskunft.knowledge.search.analysis import Lang

DocKind = Literal["legal", "faq"]

_LAW_FAMILIES = {"DSGVO": "DSGVO", "GDPR": "DSGVO", "DS-GVO": "DSGVO"}


def law_family(law: str) -> str:
    """The law whatever its language: DSGVO and GDPR are one regulation."""
    upper = law.strip().upper()
    return _LAW_FAMILIES.get(upper, upper)


@dataclass(frozen=True, slots=True)
class SearchDocument:
    key: str
    """"DSGVO:article:15", "UWG:paragraph:7", "faq:welche-daten-speichern-sie"."""
    kind: DocKind
    language: Lang
    title: str
    body: str
    """Plain text: the paragraphs of an article, the rendered answer of a FAQ entry."""
    context: str = ""
    """Chapter headings of an article, category of a FAQ entry: searched with a low weight."""
    law: str | None = None
    number: str | None = None
    legal_kind: str | None = None
    faq_id: int | None = None
    slug: str | None = None
    cites: tuple[str, ...] = ()
    """Keys of the legal articles a FAQ entry refers to."""

    @property
    def label(self) -> str:
        """How the hit is cited: "Art. 15 DSGVO", "§ 7 UWG", "Erwägungsgrund 47 DSGVO", or the FAQ slug."""
        if self.kind == "faq" or self.number is None or self.law is None:
            return self.slug or self.key
        if self.legal_kind == "paragraph":
            return f"§ {self.number} {self.law}"
        if self.legal_kind == "recital":
            word = "Erwägungsgrund" if self.language == "de" else "Recital"
            return f"{word} {self.number} {self.law}"
        if self.legal_kind == "annex":
            return f"{'Anlage' if self.language == 'de' else 'Annex'} {self.number} {self.law}"
        return f"{'Art.' if self.language == 'de' else 'Article'} {self.number} {self.law}"


def from_legal(article: LegalArticle) -> SearchDocument:
    return SearchDocument(
        key=article.key,
        kind="legal",
        language=article.language,
        title=article.title or "",
        body="\n".join(article.paragraphs),
        context=" ".join(article.breadcrumb),
        law=article.law,
        number=article.number,
        legal_kind=article.kind,
        cites=article.cites,
    )
