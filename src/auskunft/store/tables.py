"""The ledger's tables.

Subjects are found through `identifiers.lookup`, a keyed hash (blind index) of the normalised
identifier; every other table hangs off `subject_id` with an index, so an answer costs a handful of
indexed reads whatever the size of the ledger.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from auskunft.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        datetime | None: UTCDateTime(),
        dict[str, Any]: JSON(),
        dict[str, Any] | None: JSON(),
        list[str]: JSON(),
    }


class IdBlock(Base):
    """The next free id of tables whose ids the ingestor hands out itself (see store/sequences.py)."""

    __tablename__ = "id_blocks"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    next_id: Mapped[int] = mapped_column(Integer)


class Subject(Base):
    """A person the ledger holds data about."""

    __tablename__ = "subjects"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"))
    """Set when this subject turned out to be the same person as another and was merged into it."""
    erased_at: Mapped[datetime | None]
    """Set when the person's data were erased (Art. 17 GDPR); the row stays as proof of the erasure."""


class Identifier(Base):
    __tablename__ = "identifiers"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(Text)
    lookup: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    """HMAC-SHA256 of kind and normalised value under the index key: the only column searched."""
    seen_at: Mapped[datetime]
    """When the identifier was first given (time of the event that brought it)."""
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    """Where it came from, when the event that brought it named a source."""


class Source(Base):
    """Where records came from: a channel of our own, the person, or a third party."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str | None] = mapped_column(String(50))
    name: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[date | None] = mapped_column(Date)
    publicly_accessible: Mapped[bool] = mapped_column(Boolean, default=False)
    contract: Mapped[str | None] = mapped_column(Text)


class IngestEvent(Base):
    """Every event taken in, by its id: makes ingestion idempotent and records trace back to it."""

    __tablename__ = "ingest_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    digest: Mapped[bytes] = mapped_column(LargeBinary(32))
    ingested_at: Mapped[datetime]


class Record(Base):
    """One piece of personal data about a subject, with its provenance."""

    __tablename__ = "records"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"))
    category: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    collected_at: Mapped[datetime]
    collected_date_only: Mapped[bool] = mapped_column(Boolean, default=False)
    purposes: Mapped[list[str]]
    legal_basis: Mapped[str | None] = mapped_column(String(20))
    retention_rule: Mapped[str | None] = mapped_column(String(100))
    event_id: Mapped[int] = mapped_column(ForeignKey("ingest_events.id"))
    notice: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """A notice shown when the data were collected (e.g. the right to object, § 7(3) Nr. 4 UWG)."""

    __table_args__ = (
        Index("ix_records_subject_id", "subject_id", "collected_at"),
        # Email addresses are what the marketing checks look at across the whole ledger.
        Index(
            "ix_records_email_subject",
            "subject_id",
            sqlite_where=text("category = 'user.contact.email'"),
            postgresql_where=text("category = 'user.contact.email'"),
        ),
    )


class Consent(Base):
    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(50))

    __table_args__ = (UniqueConstraint("subject_id", "purpose", "channel"),)


class ConsentEvent(Base):
    __tablename__ = "consent_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consents.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    method: Mapped[str | None] = mapped_column(String(50))
    wording: Mapped[str | None] = mapped_column(Text)
    wording_version: Mapped[str | None] = mapped_column(String(100))
    evidence: Mapped[dict[str, Any]]
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("ingest_events.id"))


class Objection(Base):
    """An objection to direct marketing (Art. 21(2),(3) GDPR; § 7(3) Nr. 3 UWG), or to one purpose/channel."""

    __tablename__ = "objections"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    at: Mapped[datetime]
    purpose: Mapped[str | None] = mapped_column(String(100))
    """None: all direct marketing."""
    channel: Mapped[str | None] = mapped_column(String(50))
    """None: every channel."""
    via: Mapped[str | None] = mapped_column(String(50))
    reference: Mapped[str | None] = mapped_column(Text)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_events.id"))


class Suppression(Base):
    """An address that must never again receive advertising, kept only as its blind-index hash.

    Survives the erasure of the person, so that a later import of a bought list does not bring the
    address back into marketing, while no readable address is stored.
    """

    __tablename__ = "suppressions"
    lookup: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(50))
    at: Mapped[datetime]


class ConsentToken(Base):
    """A single-use, expiring token of a double opt-in confirmation link; only its hash is stored."""

    __tablename__ = "consent_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consents.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Recipient(Base):
    """A processor (Art. 28), a third party or an authority data are passed to."""

    __tablename__ = "recipients"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    role: Mapped[str] = mapped_column(String(30))
    country: Mapped[str | None] = mapped_column(String(2))
    safeguard: Mapped[str | None] = mapped_column(Text)
    """Transfer safeguard (Art. 45/46) where the country is outside the EEA."""
    description: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(Text)


class Disclosure(Base):
    """One passing-on of a subject's data to a recipient."""

    __tablename__ = "disclosures"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("recipients.id"))
    at: Mapped[datetime]
    categories: Mapped[list[str]]
    purpose: Mapped[str | None] = mapped_column(String(100))
    legal_basis: Mapped[str | None] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(Text)
    event_id: Mapped[int] = mapped_column(ForeignKey("ingest_events.id"))


class Activity(Base):
    """An entry of the register of processing activities (Art. 30 GDPR), keyed by purpose."""

    __tablename__ = "activities"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    document: Mapped[dict[str, Any]]
    """The activity as loaded from the register file (names, legal basis, categories, recipients, ...)."""


class RetentionRuleRow(Base):
    __tablename__ = "retention_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    document: Mapped[dict[str, Any]]


class Controller(Base):
    """The controller (company) and its data-protection officer: one row."""

    __tablename__ = "controller"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[dict[str, Any]]
    loaded_at: Mapped[datetime]


class AuditEntry(Base):
    """Who looked at or changed whose personal data, when, and why."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)


class ApiKey(Base):
    """A key of the REST API (see web/apikeys.py): only the SHA-256 of the secret is kept."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    """Who uses the key (an integration); the audit trail names API callers `api:<name>`."""
    key_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    prefix: Mapped[str] = mapped_column(String(8), index=True)
    """The first eight characters of the key, shown in listings and used to revoke it."""
    scopes: Mapped[list[str]]
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


# Tables of other concepts live in their own modules on the same Base; imported here so that Alembic and
# `Base.metadata` see every table.
from auskunft.store import conversation_tables, faq_tables, legal_tables, opendsr_tables, user_tables  # noqa: E402, F401
