"""Tables of the legal articles (DSGVO/GDPR, BDSG, UWG, TDDDG, DDG)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from auskunft.store.tables import Base


class LegalArticleRow(Base):
    """One article, § or recital as imported from an official publication (see knowledge/legal/model.py).

    `paragraphs`, `breadcrumb` and `cites` are JSON lists of strings; a re-import replaces the row.
    """

    __tablename__ = "legal_articles"
    __table_args__ = (UniqueConstraint("law", "language", "kind", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    law: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(10))
    number: Mapped[str] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(Text)
    paragraphs: Mapped[list[str]]
    stand: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(String(500))
    breadcrumb: Mapped[list[str]]
    repealed: Mapped[bool] = mapped_column(Boolean)
    cites: Mapped[list[str]]
    imported_at: Mapped[datetime]


__all__ = ["Base", "LegalArticleRow"]
