"""What agents do on a conversation: reply, write an internal note, assign, change the status — and read it.

Replies and notes are recorded in the ledger like inbound messages (see `records`), so they are part of the
customer's answer. Reading a conversation is an access to personal data and is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from auskunft.conversations import outbox, queues, records
from auskunft.conversations.model import Channel, Direction, Status
from auskunft.conversations.service import audit
from auskunft.errors import Conflict, InvalidInput, NotFound
from auskunft.ledger import Actor, Ledger
from auskunft.store import conversation_tables as ct
from auskunft.store import tables as t
from auskunft.store.ids import inserted_id

MAX_REPLY = 100_000


@dataclass(frozen=True, slots=True)
class MessageView:
    id: int
    direction: str
    channel: str
    at: datetime
    author: str | None
    topic: str | None
    body: str
    to: str | None
    flags: list[str]
    external_id: str | None
    attachments: list[tuple[str, str, int, str]]
    """(filename, content type, size, kind)."""


_CONV = select(
    ct.Conversation.id,
    ct.Conversation.subject_id,
    ct.Queue.key.label("queue"),
    ct.Conversation.channel,
    ct.Conversation.status,
    ct.Conversation.topic,
    ct.Conversation.assignee,
    ct.Conversation.created_at,
    ct.Conversation.updated_at,
    ct.Conversation.first_response_due,
    ct.Conversation.first_response_at,
).join(ct.Queue, ct.Queue.id == ct.Conversation.queue_id)


@dataclass(frozen=True, slots=True)
class Summary:
    id: int
    subject_id: int | None
    queue: str
    channel: str
    status: str
    topic: str | None
    assignee: str | None
    created_at: datetime
    updated_at: datetime
    first_response_due: datetime | None
    first_response_at: datetime | None


@dataclass(frozen=True, slots=True)
class ConversationView(Summary):
    messages: list[MessageView]
    case_ids: list[int]


def inbox(
    connection: Connection,
    *,
    queue: str | None = None,
    status: str | None = Status.OPEN.value,
    assignee: str | None = None,
    subject_id: int | None = None,
    limit: int = 200,
) -> list[Summary]:
    """Conversations, the one whose first response is due soonest first."""
    query = _CONV.order_by(
        ct.Conversation.first_response_due.is_(None),
        ct.Conversation.first_response_due,
        ct.Conversation.updated_at.desc(),
    ).limit(limit)
    if queue:
        query = query.where(ct.Queue.key == queue)
    if status:
        query = query.where(ct.Conversation.status == status)
    if assignee:
        query = query.where(ct.Conversation.assignee == assignee)
    if subject_id is not None:
        query = query.where(ct.Conversation.subject_id == subject_id)
    return [Summary(*row) for row in connection.execute(query)]


def show(ledger: Ledger, conversation_id: int, actor: Actor) -> ConversationView:
    """One conversation with all its messages and notes; the access is audited."""
    with ledger.engine.begin() as connection:
        row = connection.execute(_CONV.where(ct.Conversation.id == conversation_id)).first()
        if row is None:
            raise NotFound(f"no conversation {conversation_id}")
        attachments: dict[int, list[tuple[str, str, int, str]]] = {}
        for a in connection.execute(
            select(
                ct.MessageAttachment.message_id,
                ct.MessageAttachment.filename,
                ct.MessageAttachment.content_type,
                ct.MessageAttachment.size,
                ct.MessageAttachment.kind,
            )
            .join(ct.Message, ct.Message.id == ct.MessageAttachment.message_id)
            .where(ct.Message.conversation_id == conversation_id)
        ):
            attachments.setdefault(a.message_id, []).append((a.filename, a.content_type, a.size, a.kind))
        messages = [
            MessageView(
                m.id,
                m.direction,
                m.channel,
                m.at,
                m.author,
                m.topic,
                m.body,
                m.to,
                list(m.flags),
                m.external_id,
                attachments.get(m.id, []),
            )
            for m in connection.execute(
                select(ct.Message)
                .where(ct.Message.conversation_id == conversation_id)
                .order_by(ct.Message.at, ct.Message.id)
            )
        ]
        case_ids = list(
            connection.scalars(
                select(ct.RequestCase.id).where(ct.RequestCase.conversation_id == conversation_id)
            )
        )
        audit(connection, actor, "conversation.viewed", row.subject_id, f"conversation {conversation_id}")
    return ConversationView(*row, messages=messages, case_ids=case_ids)


def _conversation(connection: Connection, conversation_id: int) -> Any:
    row = connection.execute(
        select(
            ct.Conversation.id,
            ct.Conversation.subject_id,
            ct.Conversation.channel,
            ct.Conversation.topic,
            ct.Conversation.first_response_at,
        ).where(ct.Conversation.id == conversation_id)
    ).first()
    if row is None:
        raise NotFound(f"no conversation {conversation_id}")
    return row


def subject_ref(connection: Connection, subject_id: int) -> dict[str, str] | None:
    """Identifiers that name the person in an event (email first)."""
    rows = connection.execute(
        select(t.Identifier.kind, t.Identifier.value)
        .where(
            t.Identifier.subject_id == subject_id,
            t.Identifier.kind.in_(["email", "phone", "customer_number"]),
        )
        .order_by(t.Identifier.seen_at)
    ).all()
    for kind in ("email", "phone", "customer_number"):
        for row in rows:
            if row.kind == kind:
                return {kind: row.value}
    return None


def _record(
    ledger: Ledger,
    subject_id: int | None,
    channel: Channel,
    direction: Direction,
    author: str,
    text: str,
    at: datetime,
    key: str,
) -> str | None:
    if subject_id is None:
        return None
    with ledger.engine.connect() as connection:
        ref = subject_ref(connection, subject_id)
    if ref is None:
        return None
    events = records.written_events(
        ref, channel, direction, author, text, at, key, records.purpose_of(channel, False)
    )
    report = ledger.ingest_objects(events)
    return events[0]["event_id"] if report.ok else None


def write(
    ledger: Ledger,
    conversation_id: int,
    body: str,
    actor: Actor,
    *,
    note: bool = False,
    mailer: outbox.Mailer | None = None,
    to: str | None = None,
) -> int:
    """A reply (sent by email on email conversations) or an internal note; returns the message id."""
    body = body.strip()
    if not body:
        raise InvalidInput("the text is empty")
    if len(body) > MAX_REPLY:
        raise InvalidInput(f"the text is longer than {MAX_REPLY} characters")
    now = datetime.now(UTC)
    with ledger.engine.connect() as connection:
        conv = _conversation(connection, conversation_id)
        last_inbound = connection.execute(
            select(ct.Message.external_id, ct.Message.author, ct.Message.topic)
            .where(
                ct.Message.conversation_id == conversation_id, ct.Message.direction == Direction.INBOUND.value
            )
            .order_by(ct.Message.at.desc(), ct.Message.id.desc())
            .limit(1)
        ).first()
        register = ledger.register(connection)
    channel = Channel(conv.channel)
    direction = Direction.NOTE if note else Direction.OUTBOUND
    sent_id = None
    flags: list[str] = []
    recipient = None
    if not note and channel is Channel.EMAIL:
        recipient = to or (last_inbound.author if last_inbound else None)
        if not recipient:
            raise Conflict("no address to reply to")
        topic = (last_inbound.topic if last_inbound else None) or conv.topic or ""
        message = outbox.compose(
            sender=outbox.sender_address(ledger.settings, register.controller),
            to=recipient,
            subject=topic if topic.lower().startswith("re:") else f"Re: {topic}".strip(),
            body=body,
            lang=ledger.settings.language,
            automatic=False,
            in_reply_to=last_inbound.external_id if last_inbound else None,
        )
        if mailer is None:
            raise Conflict("no mail server is configured (AUSKUNFT_SMTP_HOST): the reply cannot be sent")
        sent_id = mailer.send(message)
    key = records.message_key(channel, None, uuid.uuid4().hex)
    record_event = _record(ledger, conv.subject_id, channel, direction, actor.name, body, now, key)
    with ledger.engine.begin() as connection:
        message_id = inserted_id(
            connection.execute(
                insert(ct.Message).values(
                    conversation_id=conversation_id,
                    direction=direction.value,
                    channel=channel.value,
                    at=now,
                    author=actor.name,
                    topic=None,
                    body=body,
                    external_id=sent_id,
                    to=recipient,
                    flags=flags,
                    meta={},
                    record_event=record_event,
                )
            )
        )
        values: dict[str, Any] = {"updated_at": now}
        if not note:
            values["status"] = Status.PENDING.value
            if conv.first_response_at is None:
                values["first_response_at"] = now
        connection.execute(
            update(ct.Conversation).where(ct.Conversation.id == conversation_id).values(values)
        )
        audit(
            connection,
            actor,
            "conversation.note" if note else "conversation.reply",
            conv.subject_id,
            f"conversation {conversation_id}",
        )
    return message_id


def assign(ledger: Ledger, conversation_id: int, assignee: str | None, actor: Actor) -> None:
    with ledger.engine.begin() as connection:
        conv = _conversation(connection, conversation_id)
        connection.execute(
            update(ct.Conversation)
            .where(ct.Conversation.id == conversation_id)
            .values(assignee=assignee, updated_at=datetime.now(UTC))
        )
        audit(connection, actor, "conversation.assigned", conv.subject_id, f"conversation {conversation_id}")


def set_status(ledger: Ledger, conversation_id: int, status: Status, actor: Actor) -> None:
    with ledger.engine.begin() as connection:
        conv = _conversation(connection, conversation_id)
        connection.execute(
            update(ct.Conversation)
            .where(ct.Conversation.id == conversation_id)
            .values(status=status.value, updated_at=datetime.now(UTC))
        )
        audit(
            connection,
            actor,
            f"conversation.{status.value}",
            conv.subject_id,
            f"conversation {conversation_id}",
        )


def move(ledger: Ledger, conversation_id: int, queue: str, actor: Actor) -> None:
    with ledger.engine.begin() as connection:
        conv = _conversation(connection, conversation_id)
        target = queues.by_key(connection, queue)
        connection.execute(
            update(ct.Conversation)
            .where(ct.Conversation.id == conversation_id)
            .values(queue_id=target.id, updated_at=datetime.now(UTC))
        )
        audit(
            connection,
            actor,
            "conversation.moved",
            conv.subject_id,
            f"conversation {conversation_id} to {queue}",
        )


def count_open(connection: Connection) -> int:
    return int(
        connection.scalar(
            select(func.count())
            .select_from(ct.Conversation)
            .where(ct.Conversation.status == Status.OPEN.value)
        )
        or 0
    )
