"""Tables of the FAQ knowledge base and its anonymous feedback.

The search index is not stored: the engine builds it in memory from these rows and the legal articles
(knowledge/search/service.py), so it works the same on SQLite and PostgreSQL. Feedback is anonymous by
construction: a FAQ entry, yes or no, the day and where it was given — no IP address, no session, no time of
day, nothing that points at a person.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from auskunft.store.tables import Base


class FaqEntry(Base):
    """One FAQ article: a question and its answer in Markdown, in one language."""

    __tablename__ = "faq_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    language: Mapped[str] = mapped_column(String(2))
    category: Mapped[str] = mapped_column(String(50), index=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    """Markdown as the agent wrote it; rendered and sanitised on display (knowledge/faq/render.py)."""
    citations: Mapped[list[str]]
    """Legal articles the answer relies on, as cited: "Art. 15 DSGVO", "§ 7 Abs. 3 UWG"."""
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class FaqFeedback(Base):
    """One anonymous answer to "Did this help?"."""

    __tablename__ = "faq_feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("faq_entries.id", ondelete="CASCADE"), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    day: Mapped[date] = mapped_column(Date, index=True)
    context: Mapped[str] = mapped_column(String(50))
    """Where it was given: `portal` (the FAQ page) or `contact_form_suggestion`."""


class FaqSuggestionDay(Base):
    """Counters of one day and entry in the contact form: suggested, and sent anyway after a "helped"."""

    __tablename__ = "faq_suggestion_days"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    entry_id: Mapped[int] = mapped_column(ForeignKey("faq_entries.id", ondelete="CASCADE"), index=True)
    shown: Mapped[int] = mapped_column(Integer, default=0)
    submitted_after_helpful: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("day", "entry_id"),)
