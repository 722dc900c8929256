"""What a channel hands over when something arrives, and what it gets back.

This is the contract between the channels (`auskunft.channels.*`) and the conversation service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal


class Channel(StrEnum):
    EMAIL = "email"
    FORM = "contact_form"
    CHAT = "chat"
    PHONE = "hotline"
    PORTAL = "portal"
    LETTER = "letter"


class Status(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    """Waiting for the customer."""
    CLOSED = "closed"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    NOTE = "note"
    """An internal note: never sent, but personal data of the customer all the same (in their answer)."""


class Flag(StrEnum):
    """Why a message needs a human look; flagged messages are kept, never dropped."""

    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    MALFORMED = "malformed"
    OVERSIZED = "oversized"
    SPAM = "spam"
    ATTACHMENT_DROPPED = "attachment_dropped"
    """An attachment was over the size limit; its name, type and size are kept, its content is not."""


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes
    kind: Literal["attachment", "raw"] = "attachment"
    """`raw`: the message exactly as received, kept as evidence (always for malformed messages)."""


@dataclass(frozen=True, slots=True)
class FieldValue:
    """A further piece of personal data the channel learned, e.g. a form field or a stated address."""

    category: str
    """A fideslang category key, e.g. user.name, user.contact.address."""
    value: Any
    label: str | None = None
    """The field's label as the person saw it ("Bestellnummer")."""


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message that arrived on a channel (or a call that was logged)."""

    channel: Channel
    received_at: datetime
    """Time-zone aware."""
    body: str
    sender: dict[str, str]
    """Identifiers of the sender as given: {"email": ...} / {"phone": ...}; empty for an anonymous chat."""
    sender_name: str | None = None
    topic: str | None = None
    """Subject line / form topic / call reason."""
    queue: str | None = None
    """Queue key; None: routed by `to`, else the default queue."""
    to: str | None = None
    """Where it arrived: the mailbox address, the form's URL, the hotline number, the chat page."""
    external_id: str | None = None
    """Idempotency key from the channel: Message-ID, call id, form submission id; stored once."""
    thread_refs: tuple[str, ...] = ()
    """In-Reply-To and References (email): message ids that put it into an existing conversation."""
    conversation_id: int | None = None
    """Continue this conversation (chat, a reply in the portal)."""
    flags: frozenset[Flag] = frozenset()
    attachments: tuple[Attachment, ...] = ()
    fields: tuple[FieldValue, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    """Channel details kept with the message (call duration, agent, direction of a call, headers of note)."""
    author: str | None = None
    """For an outbound message or note that is logged rather than sent (a call taken by an agent): who."""
    direction: Direction = Direction.INBOUND


@dataclass(frozen=True, slots=True)
class Received:
    conversation_id: int
    message_id: int
    subject_id: int | None
    """The person it was filed under; None for an anonymous message."""
    duplicate: bool = False
    """It had been received before (same `external_id`); nothing new was stored."""
    case_id: int | None = None
    """The request case it opened or was attached to, if it was recognised as a data-subject request."""
    new_conversation: bool = False
