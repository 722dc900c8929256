"""What a message tells the ledger: the events that record it as the customer's personal data.

Every inbound message, reply and internal note becomes a record of category `user.content.private` with the
channel as its source, and every identifier, name and form field the channel learned becomes a record too —
so the person's Art. 15 answer holds the correspondence (BGH, VI ZR 576/19: internal notes and letters are
data to be disclosed), each piece with where it came from, why it is kept and for how long.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from auskunft.conversations.model import Channel, Direction, Inbound

MAX_RECORD_TEXT = 100_000
"""Characters of a message kept in its ledger record; the full text stays with the message."""

CUSTOMER_SERVICE = "customer_service"
DSR_HANDLING = "dsr_handling"
"""Purpose of messages that are data-subject requests: handling them is a legal obligation (Art. 6(1)(c))."""

RETENTION = {
    Channel.CHAT: "chat_transcript",
}
DEFAULT_RETENTION = "service_3y"
DSR_RETENTION = "dsr_documentation_3y"

_IDENTIFIER_CATEGORY = {
    "email": "user.contact.email",
    "phone": "user.contact.phone_number",
    "customer_number": "user.unique_id",
    "postal_address": "user.contact.address",
}


@dataclass(frozen=True, slots=True)
class Purpose:
    key: str
    legal_basis: str
    retention: str


def purpose_of(channel: Channel, is_request: bool) -> Purpose:
    if is_request:
        return Purpose(DSR_HANDLING, "art6_1_c", DSR_RETENTION)
    return Purpose(CUSTOMER_SERVICE, "art6_1_b", RETENTION.get(channel, DEFAULT_RETENTION))


def message_key(channel: Channel, external_id: str | None, fallback: str) -> str:
    """A short stable key of a message for its ledger event ids (external ids may be long)."""
    basis = f"{channel.value}\x00{external_id}" if external_id else fallback
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


def message_text(topic: str | None, body: str) -> str:
    text = f"{topic}\n\n{body}" if topic else body
    if len(text) > MAX_RECORD_TEXT:
        return text[:MAX_RECORD_TEXT] + " […]"
    return text


def _source(channel: Channel, detail: str | None, kind: str = "channel") -> dict[str, Any]:
    source: dict[str, Any] = {"kind": kind, "channel": channel.value}
    if detail:
        source["detail"] = detail[:500]
    return source


def _record(
    key: str,
    n: int,
    subject: dict[str, str],
    category: str,
    value: Any,
    source: dict[str, Any],
    at: datetime,
    purpose: Purpose,
) -> dict[str, Any]:
    return {
        "type": "record",
        "event_id": f"msg:{key}:{n}",
        "subject": subject,
        "category": category,
        "value": value,
        "source": source,
        "collected_at": at.isoformat(),
        "purposes": [purpose.key],
        "legal_basis": purpose.legal_basis,
        "retention": purpose.retention,
    }


def inbound_events(inbound: Inbound, key: str, purpose: Purpose) -> list[dict[str, Any]]:
    """The records an inbound message (or a logged call) brings; empty for an anonymous one."""
    subject = dict(inbound.sender)
    if not subject:
        return []
    source = _source(inbound.channel, inbound.to)
    at = inbound.received_at
    events = [
        _record(key, n, subject, _IDENTIFIER_CATEGORY[kind], value, source, at, purpose)
        for n, (kind, value) in enumerate(sorted(subject.items()))
        if kind in _IDENTIFIER_CATEGORY
    ]
    if inbound.sender_name:
        events.append(_record(key, 10, subject, "user.name", inbound.sender_name, source, at, purpose))
    for n, field in enumerate(inbound.fields, start=20):
        events.append(_record(key, n, subject, field.category, field.value, source, at, purpose))
    if inbound.body.strip() or inbound.topic:
        text = message_text(inbound.topic, inbound.body)
        events.append(_record(key, 99, subject, "user.content.private", text, source, at, purpose))
    return events


def written_events(
    subject: dict[str, str],
    channel: Channel,
    direction: Direction,
    author: str,
    text: str,
    at: datetime,
    key: str,
    purpose: Purpose,
) -> list[dict[str, Any]]:
    """The record of a reply we sent or an internal note we wrote about the person."""
    if direction is Direction.NOTE:
        source = {"kind": "derived", "detail": f"interne Notiz ({author})"[:500]}
    else:
        source = _source(channel, f"Antwort von {author}")
    return [_record(key, 0, subject, "user.content.private", message_text(None, text), source, at, purpose)]
