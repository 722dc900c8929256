"""Tables of customer-service conversations, request cases and identity checks.

Message texts are personal data of the customer: each inbound message, reply and internal note is also a
record in the ledger (category `user.content.private`, source = the channel), so that it is in the person's
Art. 15 answer and is erased with them. The rows here are the working copy an agent works on.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from auskunft.store.tables import Base


class Queue(Base):
    """A department that works conversations: Kundenservice, Technik, Buchhaltung, Datenschutz."""

    __tablename__ = "queues"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[dict[str, Any]]
    """Name per language: {"de": ..., "en": ...}."""
    address: Mapped[str | None] = mapped_column(Text)
    """The department's own email address: mail sent to it lands in this queue."""
    first_response_hours: Mapped[int] = mapped_column(Integer, default=24)


class Conversation(Base):
    __tablename__ = "conversations"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"), index=True)
    """The customer; None while an anonymous chat has not named anyone."""
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    topic: Mapped[str | None] = mapped_column(Text)
    assignee: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    first_response_due: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    retention_rule: Mapped[str | None] = mapped_column(String(100))


class Message(Base):
    """A message on a conversation: inbound, outbound (reply) or an internal note."""

    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    direction: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    author: Mapped[str | None] = mapped_column(Text)
    """The sender's address or number (inbound), the agent (outbound, note)."""
    topic: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(500))
    """Message-ID, call id, submission id: what makes receiving idempotent and threads replies."""
    to: Mapped[str | None] = mapped_column(Text)
    flags: Mapped[list[str]]
    meta: Mapped[dict[str, Any]]
    record_event: Mapped[str | None] = mapped_column(String(200))
    """The ledger event that holds this message as a record of the customer."""

    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_messages_channel_external_id"),)


class MessageAttachment(Base):
    __tablename__ = "message_attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[bytes] = mapped_column(LargeBinary(32))
    kind: Mapped[str] = mapped_column(String(20))
    """`attachment`, or `raw`: the message exactly as received, kept as evidence."""
    data: Mapped[bytes] = mapped_column(LargeBinary)


class RequestCase(Base):
    """A data-subject request, tracked from receipt to answer or refusal (Art. 12 GDPR)."""

    __tablename__ = "request_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2))
    received_on: Mapped[date] = mapped_column(Date, index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    """The deadline now in force: one calendar month after receipt, or later when extended."""
    extended_months: Mapped[int] = mapped_column(Integer, default=0)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"), index=True)
    """The person, once the identity check has tied the request to them."""
    claimed: Mapped[dict[str, Any]]
    """What the requester said about themselves (identity lines, sender address): unverified."""
    reference: Mapped[str | None] = mapped_column(String(200))
    """The requester's own reference ("Mein Zeichen")."""
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("request_cases.id"), index=True)
    """For a reminder or a complaint announcement: the earlier case it refers to."""
    outcome: Mapped[str | None] = mapped_column(Text)
    """Why it was refused, or how it was answered."""
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    warned_on: Mapped[date | None] = mapped_column(Date)
    """When the last deadline warning was given."""


class CaseEvent(Base):
    """One step of a request case: the case's own audit trail."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("request_cases.id"))
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    detail: Mapped[dict[str, Any]]

    __table_args__ = (Index("ix_case_events_case_id", "case_id", "at"),)


class VerificationCode(Base):
    """A one-time code sent to an address on file; only its hash is kept."""

    __tablename__ = "verification_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(50))
    """`case` (identity check of a request) or `portal` (a customer's sign-in)."""
    case_id: Mapped[int | None] = mapped_column(ForeignKey("request_cases.id"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"), index=True)
    code_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    sent_to: Mapped[str] = mapped_column(Text)
    """The address on file the code went to (masked when shown)."""
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None]
