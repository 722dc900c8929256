"""Receiving a message on any channel: file it into a conversation, record it in the ledger, spot a request.

`receive` is the one entry point of every channel. It is idempotent by the channel's `external_id`, never
drops a message (one the ledger cannot file is kept unfiled, with the reason), and answers nothing by itself
except the acknowledgement of a data-subject request — and never an auto-reply or a bounce.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from auskunft.answer.builder import SubjectQuery, find_subject
from auskunft.conversations import outbox, queues, records
from auskunft.conversations.model import Direction, Flag, Inbound, Received, Status
from auskunft.domain.identifiers import IdentifierKind
from auskunft.errors import AuskunftError, InvalidInput
from auskunft.ledger import Actor, Ledger
from auskunft.requests import cases
from auskunft.requests.recognise import Recognition, recognise
from auskunft.store import conversation_tables as ct
from auskunft.store import tables as t
from auskunft.store.ids import inserted_id

log = logging.getLogger(__name__)

NOT_ANSWERED = frozenset({Flag.AUTO_REPLY, Flag.BOUNCE, Flag.SPAM})
"""Messages that are never answered automatically and never open a request case."""


def sender_subject(ledger: Ledger, connection: Connection, sender: dict[str, str]) -> int | None:
    """The person one of the sender's identifiers already points at, if any."""
    for kind, value in sorted(sender.items()):
        try:
            found = find_subject(
                connection,
                ledger.index,
                SubjectQuery(IdentifierKind(kind), value),
                ledger.settings.default_region,
            )
        except (AuskunftError, ValueError):
            continue
        if found is not None:
            return found
    return None


def _duplicate(connection: Connection, inbound: Inbound) -> Received | None:
    if inbound.external_id is None:
        return None
    row = connection.execute(
        select(ct.Message.id, ct.Message.conversation_id, ct.Conversation.subject_id)
        .join(ct.Conversation, ct.Conversation.id == ct.Message.conversation_id)
        .where(ct.Message.channel == inbound.channel.value, ct.Message.external_id == inbound.external_id)
    ).first()
    if row is None:
        return None
    case_id = connection.scalar(select(ct.RequestCase.id).where(ct.RequestCase.message_id == row.id))
    return Received(row.conversation_id, row.id, row.subject_id, duplicate=True, case_id=case_id)


def receive(ledger: Ledger, inbound: Inbound, mailer: outbox.Mailer | None = None) -> Received:
    """File `inbound`; see the module docstring. `mailer` sends acknowledgements and identity codes."""
    if inbound.received_at.tzinfo is None:
        raise InvalidInput("received_at must be time-zone aware")
    with ledger.engine.connect() as connection:
        duplicate = _duplicate(connection, inbound)
        if duplicate is not None:
            return duplicate
        known_before = sender_subject(ledger, connection, inbound.sender) if inbound.sender else None

    recognition: Recognition | None = None
    if inbound.direction is Direction.INBOUND and not (inbound.flags & NOT_ANSWERED):
        found = recognise(inbound.body, inbound.topic, received=inbound.received_at.date())
        recognition = found if found.kind is not None else None

    key = records.message_key(inbound.channel, inbound.external_id, uuid.uuid4().hex)
    purpose = records.purpose_of(inbound.channel, recognition is not None)
    meta = dict(inbound.meta)
    flags = set(inbound.flags)
    events = records.inbound_events(inbound, key, purpose)
    record_event = None
    if events:
        report = ledger.ingest_objects(events)
        if report.ok:
            record_event = events[-1]["event_id"]
        else:
            # Kept all the same, unfiled: an agent sees why (no personal data in the reason).
            flags.add(Flag.MALFORMED)
            meta["unfiled"] = [str(error) for error in report.errors][:5]

    with ledger.engine.begin() as connection:
        subject_id = (
            sender_subject(ledger, connection, inbound.sender) if inbound.sender and record_event else None
        )
        conversation_id, new = _conversation(connection, inbound, subject_id)
        try:
            with connection.begin_nested():
                message_id = _insert_message(
                    connection, conversation_id, inbound, sorted(flags), meta, record_event
                )
        except IntegrityError:
            duplicate = _duplicate(connection, inbound)
            if duplicate is None:
                raise
            return duplicate
        _store_attachments(connection, message_id, inbound)
        case_id = None
        if recognition is not None:
            case_id = cases.open_from_message(
                connection,
                cases.Claim.of(recognition),
                channel=inbound.channel.value,
                received_on=_arrival(inbound).astimezone(_zone(ledger)).date(),
                conversation_id=conversation_id,
                message_id=message_id,
                sender=inbound.sender,
                sender_known_subject=known_before,
                sender_subject=subject_id,
            )
        _audit(connection, "message.received", subject_id, f"{inbound.channel.value} message {message_id}")

    if case_id is not None:
        cases.after_open(ledger, case_id, mailer)
    return Received(conversation_id, message_id, subject_id, case_id=case_id, new_conversation=new)


def _arrival(inbound: Inbound) -> datetime:
    """When it reached us: the deadline of a request counts from receipt (Art. 12(3)), not from the date
    the sender wrote into the message."""
    arrived = inbound.meta.get("arrived_at")
    if isinstance(arrived, str):
        try:
            moment = datetime.fromisoformat(arrived)
        except ValueError:
            return inbound.received_at
        return moment if moment.tzinfo else inbound.received_at
    return inbound.received_at


def _zone(ledger: Ledger) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(ledger.settings.timezone)


def _conversation(connection: Connection, inbound: Inbound, subject_id: int | None) -> tuple[int, bool]:
    conversation_id = inbound.conversation_id
    if conversation_id is None and inbound.thread_refs:
        conversation_id = connection.scalar(
            select(ct.Message.conversation_id)
            .where(ct.Message.external_id.in_(inbound.thread_refs))
            .order_by(ct.Message.id)
            .limit(1)
        )
    now = inbound.received_at
    if conversation_id is not None:
        current = connection.execute(
            select(ct.Conversation.subject_id, ct.Conversation.status).where(
                ct.Conversation.id == conversation_id
            )
        ).first()
        if current is None:
            raise InvalidInput(f"no conversation {conversation_id}")
        values: dict[str, Any] = {"updated_at": max(now, datetime.now(UTC))}
        if current.subject_id is None and subject_id is not None:
            values["subject_id"] = subject_id
        if inbound.direction is Direction.INBOUND and current.status != Status.OPEN.value:
            values["status"] = Status.OPEN.value
        connection.execute(
            update(ct.Conversation).where(ct.Conversation.id == conversation_id).values(values)
        )
        return int(conversation_id), False
    queue = queues.route(connection, inbound.queue, inbound.to)
    purpose = records.purpose_of(inbound.channel, False)
    new_id = inserted_id(
        connection.execute(
            insert(ct.Conversation).values(
                subject_id=subject_id,
                queue_id=queue.id,
                channel=inbound.channel.value,
                status=Status.OPEN.value,
                topic=(inbound.topic or "")[:500] or None,
                assignee=None,
                created_at=now,
                updated_at=now,
                first_response_due=(
                    now + timedelta(hours=queue.first_response_hours)
                    if inbound.direction is Direction.INBOUND
                    else None
                ),
                first_response_at=None,
                retention_rule=purpose.retention,
            )
        )
    )
    return int(new_id), True


def _author(inbound: Inbound) -> str | None:
    if inbound.author:
        return inbound.author
    for kind in ("email", "phone"):
        if kind in inbound.sender:
            return inbound.sender[kind]
    return None


def _insert_message(
    connection: Connection,
    conversation_id: int,
    inbound: Inbound,
    flags: list[str],
    meta: dict[str, Any],
    record_event: str | None,
) -> int:
    return inserted_id(
        connection.execute(
            insert(ct.Message).values(
                conversation_id=conversation_id,
                direction=inbound.direction.value,
                channel=inbound.channel.value,
                at=inbound.received_at,
                author=_author(inbound),
                topic=inbound.topic,
                body=inbound.body,
                external_id=inbound.external_id,
                to=inbound.to,
                flags=flags,
                meta=meta,
                record_event=record_event,
            )
        )
    )


def _store_attachments(connection: Connection, message_id: int, inbound: Inbound) -> None:
    for attachment in inbound.attachments:
        connection.execute(
            insert(ct.MessageAttachment).values(
                message_id=message_id,
                filename=attachment.filename[:500],
                content_type=attachment.content_type[:200],
                size=len(attachment.data),
                sha256=hashlib.sha256(attachment.data).digest(),
                kind=attachment.kind,
                data=attachment.data,
            )
        )


def _audit(
    connection: Connection, action: str, subject_id: int | None, reason: str, actor: str = "system"
) -> None:
    connection.execute(
        insert(t.AuditEntry).values(
            at=datetime.now(UTC), actor=actor, action=action, subject_id=subject_id, reason=reason
        )
    )


def audit(connection: Connection, actor: Actor, action: str, subject_id: int | None, what: str) -> None:
    reason = f"{what}; {actor.reason}" if actor.reason else what
    _audit(connection, action, subject_id, reason, actor.name)
