"""One article, section (§) or recital of a law, as imported from an official publication.

This is the contract between the importers (`knowledge.legal`) and the search (`knowledge.search`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["article", "recital", "paragraph", "annex"]
"""`article`: Art. of an EU act; `recital`: Erwägungsgrund; `paragraph`: § of a German statute; `annex`."""


@dataclass(frozen=True, slots=True)
class LegalArticle:
    law: str
    """Short name as the public cites it: DSGVO (German text), GDPR (English text), BDSG, UWG, TDDDG, DDG."""
    language: Literal["de", "en"]
    kind: Kind
    number: str
    """As printed, without the article sign: "15" for Art. 15 and for § 15; recitals "47"."""
    title: str | None
    paragraphs: tuple[str, ...]
    """One string per numbered paragraph (Absatz), with its number as printed: "(1) ..."."""
    stand: str | None = None
    """Status of the text ("Stand"), e.g. "Zuletzt geändert durch Art. 7 G v. 6.5.2024 I Nr. 149"."""
    source_url: str | None = None
    """The official publication it was read from."""
    breadcrumb: tuple[str, ...] = ()
    """Chapter / section headings above it."""
    repealed: bool = False
    cites: tuple[str, ...] = field(default=())
    """Keys (see `key`) of the articles this one refers to."""

    @property
    def key(self) -> str:
        """Stable id, e.g. "DSGVO:article:15", "UWG:paragraph:7", "DSGVO:recital:47"."""
        return f"{self.law}:{self.kind}:{self.number}"
