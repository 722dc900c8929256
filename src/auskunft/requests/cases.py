"""Request cases: opened from a recognised message (or by hand), checked, extended, answered or refused.

States: received → identity_check → in_progress → answered | refused (rules in `domain.request_case`).
Every step is a `case_events` row (the case's own trail) and an `audit_log` entry. Personal data leave
only towards a verified requester; an unknown sender gets an acknowledgement that says nothing about
what we hold.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, insert, select, update

from auskunft.conversations import outbox
from auskunft.conversations.model import Channel, Direction, Status
from auskunft.domain.request_case import CaseState, check_transition, deadline
from auskunft.errors import AuskunftError, Conflict, NotFound
from auskunft.ledger import Actor, Ledger
from auskunft.requests import identity, letters
from auskunft.requests.kinds import RequestKind
from auskunft.requests.recognise import Recognition
from auskunft.store import conversation_tables as ct
from auskunft.store import tables as t
from auskunft.store.ids import inserted_id

Mailer = outbox.Mailer
log = logging.getLogger(__name__)
SYSTEM = Actor("system")
ATTACHED_KINDS = (RequestKind.REMINDER, RequestKind.COMPLAINT)
"""Kinds that refer to an earlier request: attached to its case when it can be found."""


@dataclass(frozen=True, slots=True)
class Case:
    id: int
    kind: RequestKind
    state: CaseState
    channel: str
    language: str
    received_on: date
    due_on: date
    extended_months: int
    extension_reason: str | None
    conversation_id: int | None
    message_id: int | None
    subject_id: int | None
    claimed: dict[str, Any]
    reference: str | None
    parent_id: int | None
    outcome: str | None
    created_at: datetime
    closed_at: datetime | None
    warned_on: date | None

    @property
    def number(self) -> str:
        return letters.case_number(self.id, self.received_on)


_COLUMNS = [getattr(ct.RequestCase, name) for name in Case.__dataclass_fields__]


def _case(row: Any) -> Case:
    values = dict(row._mapping)
    values["kind"] = RequestKind(values["kind"])
    values["state"] = CaseState(values["state"])
    return Case(**values)


def get(connection: Connection, case_id: int) -> Case:
    row = connection.execute(select(*_COLUMNS).where(ct.RequestCase.id == case_id)).first()
    if row is None:
        raise NotFound(f"no request case {case_id}")
    return _case(row)


def event(connection: Connection, case_id: int, actor: Actor, action: str, **detail: Any) -> None:
    now = datetime.now(UTC)
    if actor.reason:
        detail.setdefault("reason", actor.reason)
    connection.execute(
        insert(ct.CaseEvent).values(case_id=case_id, at=now, actor=actor.name, action=action, detail=detail)
    )
    subject_id = connection.scalar(select(ct.RequestCase.subject_id).where(ct.RequestCase.id == case_id))
    connection.execute(
        insert(t.AuditEntry).values(
            at=now,
            actor=actor.name,
            action=f"case.{action}"[:50],
            subject_id=subject_id,
            reason=f"case {case_id}" + (f"; {actor.reason}" if actor.reason else ""),
        )
    )


def _parent(
    connection: Connection, reference: str | None, subject_ids: list[int], conversation_id: int | None
) -> int | None:
    """The earlier case a reminder refers to: same reference, same conversation, or the person's open case."""
    base = select(ct.RequestCase.id).where(ct.RequestCase.kind.not_in([k.value for k in ATTACHED_KINDS]))
    for condition in (
        ct.RequestCase.reference == reference if reference else None,
        ct.RequestCase.conversation_id == conversation_id if conversation_id else None,
        ct.RequestCase.subject_id.in_(subject_ids) if subject_ids else None,
    ):
        if condition is None:
            continue
        found = connection.scalar(base.where(condition).order_by(ct.RequestCase.id.desc()).limit(1))
        if found is not None:
            return int(found)
    return None


@dataclass(frozen=True, slots=True)
class Claim:
    """What a request says: its kind, language, the requester's reference and identity lines."""

    kind: RequestKind
    language: str = "de"
    reference: str | None = None
    identity: dict[str, str] | None = None
    confidence: float = 1.0

    @classmethod
    def of(cls, recognition: Recognition) -> Claim:
        assert recognition.kind is not None
        return cls(
            RequestKind(recognition.kind),
            recognition.language or "de",
            recognition.reference,
            {k: str(v) for k, v in (recognition.identity or {}).items()},
            float(recognition.confidence),
        )


def open_from_message(
    connection: Connection,
    recognition: Claim,
    *,
    channel: str,
    received_on: date,
    conversation_id: int | None,
    message_id: int | None,
    sender: dict[str, str],
    sender_known_subject: int | None,
    sender_subject: int | None,
) -> int:
    """Open the case a recognised message starts, or attach a reminder to its case; returns the case id."""
    kind = recognition.kind
    if kind in ATTACHED_KINDS:
        known = [s for s in (sender_known_subject, sender_subject) if s is not None]
        parent = _parent(connection, recognition.reference, known, conversation_id)
        if parent is not None:
            event(connection, parent, SYSTEM, f"{kind.value}.received", message_id=message_id)
            return parent
    claimed = {
        "sender": dict(sender),
        "sender_known": sender_known_subject is not None,
        "identity": dict(recognition.identity or {}),
    }
    case_id = inserted_id(
        connection.execute(
            insert(ct.RequestCase).values(
                kind=kind.value,
                state=CaseState.RECEIVED.value,
                channel=channel,
                language=recognition.language or "de",
                received_on=received_on,
                due_on=deadline(received_on),
                extended_months=0,
                extension_reason=None,
                conversation_id=conversation_id,
                message_id=message_id,
                subject_id=None,
                claimed=claimed,
                reference=(recognition.reference or None) and recognition.reference[:200],
                parent_id=None,
                outcome=None,
                created_at=datetime.now(UTC),
                closed_at=None,
                warned_on=None,
            )
        )
    )
    event(
        connection,
        case_id,
        SYSTEM,
        "opened",
        kind=kind.value,
        channel=channel,
        confidence=round(recognition.confidence, 2),
        due_on=deadline(received_on).isoformat(),
    )
    if conversation_id is not None:
        privacy = connection.scalar(select(ct.Queue.id).where(ct.Queue.key == "datenschutz"))
        if privacy is not None:
            connection.execute(
                update(ct.Conversation).where(ct.Conversation.id == conversation_id).values(queue_id=privacy)
            )
    return case_id


def _entered(
    connection: Connection, claim: Claim, channel: str, received_on: date, known: int | None, actor: Actor
) -> int:
    """A case an agent (or the portal) enters: no conversation; `known`: the person the identifiers name."""
    case_id = open_from_message(
        connection,
        claim,
        channel=channel,
        received_on=received_on,
        conversation_id=None,
        message_id=None,
        sender=dict(claim.identity or {}),
        sender_known_subject=known,
        sender_subject=known,
    )
    event(connection, case_id, actor, "entered")
    return case_id


def open_manual(
    ledger: Ledger,
    kind: RequestKind,
    received_on: date,
    identifiers: dict[str, str],
    actor: Actor,
    *,
    channel: str = Channel.LETTER.value,
    language: str = "de",
    reference: str | None = None,
) -> int:
    """A request that came by letter, phone or in person: opened by an agent."""
    from auskunft.conversations.service import sender_subject

    with ledger.engine.begin() as connection:
        known = sender_subject(ledger, connection, identifiers) if identifiers else None
        claim = Claim(kind, language, reference, dict(identifiers))
        case_id = _entered(connection, claim, channel, received_on, known, actor)
    after_open(ledger, case_id, None)
    return case_id


def open_verified(
    ledger: Ledger,
    kind: RequestKind,
    received_on: date,
    subject_id: int,
    identifiers: dict[str, str],
    actor: Actor,
    *,
    channel: str = Channel.PORTAL.value,
    language: str = "de",
    details: str | None = None,
) -> int:
    """A request from a person whose identity is already checked (signed in to the portal with a code sent
    to an address on file): opened in progress and tied to them, no identity code is sent. `details`: what
    the person wrote (what to correct, what to erase), kept with the case's claim."""
    with ledger.engine.begin() as connection:
        claim = Claim(kind, language, None, dict(identifiers))
        case_id = _entered(connection, claim, channel, received_on, subject_id, actor)
        claimed = get(connection, case_id).claimed | ({"details": details} if details else {})
        connection.execute(
            update(ct.RequestCase)
            .where(ct.RequestCase.id == case_id)
            .values(subject_id=subject_id, state=CaseState.IN_PROGRESS.value, claimed=claimed)
        )
        event(connection, case_id, actor, "identity.verified", by=channel)
    return case_id


def _company(ledger: Ledger, connection: Connection) -> tuple[str, Any]:
    register = ledger.register(connection)
    controller = register.controller
    return (controller.name if controller else "auskunft"), controller


def send_letter(
    ledger: Ledger,
    case: Case,
    to: str,
    letter: letters.Letter,
    mailer: Mailer | None,
    *,
    automatic: bool,
    shown_body: str | None = None,
    attachments: tuple[tuple[str, str, bytes], ...] = (),
) -> bool:
    """Send `letter` to `to` and keep it on the case's conversation; False when no mailer is configured.

    `shown_body`: what is kept instead of the body (a one-time code blanked out).
    """
    with ledger.engine.connect() as connection:
        _, controller = _company(ledger, connection)
        in_reply_to = None
        if case.message_id is not None:
            in_reply_to = connection.scalar(
                select(ct.Message.external_id).where(ct.Message.id == case.message_id)
            )
    message = outbox.compose(
        sender=outbox.sender_address(ledger.settings, controller),
        to=to,
        subject=letter.subject,
        body=letter.body,
        lang=case.language,
        automatic=automatic,
        in_reply_to=in_reply_to if case.channel == Channel.EMAIL.value else None,
    )
    for filename, content_type, data in attachments:
        maintype, _, subtype = content_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    sent_id = _deliver(mailer, message)
    _keep_outbound(ledger, case, to, letter.subject, shown_body or letter.body, sent_id, automatic)
    return sent_id is not None


def _deliver(mailer: Mailer | None, message: EmailMessage) -> str | None:
    if mailer is None:
        return None
    try:
        return mailer.send(message)
    except AuskunftError as exc:
        log.warning("sending a request-case letter failed: %s", type(exc).__name__)
        return None


def _keep_outbound(
    ledger: Ledger, case: Case, to: str, subject: str, body: str, sent_id: str | None, automatic: bool
) -> None:
    if case.conversation_id is None:
        return
    with ledger.engine.begin() as connection:
        connection.execute(
            insert(ct.Message).values(
                conversation_id=case.conversation_id,
                direction=Direction.OUTBOUND.value,
                channel=Channel.EMAIL.value,
                at=datetime.now(UTC),
                author="system" if automatic else None,
                topic=subject,
                body=body,
                external_id=sent_id,
                to=to,
                flags=[] if sent_id else ["not_sent"],
                meta={"case_id": case.id, "automatic": automatic},
                record_event=None,
            )
        )
        connection.execute(
            update(ct.Conversation)
            .where(ct.Conversation.id == case.conversation_id)
            .values(updated_at=datetime.now(UTC), status=Status.PENDING.value)
        )


def after_open(ledger: Ledger, case_id: int, mailer: Mailer | None) -> None:
    """Acknowledge the request to whoever sent it, then start the identity check."""
    with ledger.engine.connect() as connection:
        case = get(connection, case_id)
        company, _ = _company(ledger, connection)
    sender_email = case.claimed.get("sender", {}).get("email")
    if sender_email:
        letter = letters.acknowledgement(
            case.kind, case.received_on, case.due_on, case.number, case.reference, company, case.language
        )
        sent = send_letter(ledger, case, sender_email, letter, mailer, automatic=True)
        with ledger.engine.begin() as connection:
            event(connection, case_id, SYSTEM, "acknowledged" if sent else "acknowledgement_not_sent")
    start_identity_check(ledger, case_id, mailer)


def start_identity_check(ledger: Ledger, case_id: int, mailer: Mailer | None, actor: Actor = SYSTEM) -> None:
    """Send a code to the address on file of the person the request names (see `requests.identity`)."""
    with ledger.engine.begin() as connection:
        case = get(connection, case_id)
        if case.state.closed:
            raise Conflict(f"the case is already {case.state.value}")
        sender = case.claimed.get("sender", {})
        known = case.claimed.get("sender_known", False)
        from auskunft.conversations.service import sender_subject

        known_subject = sender_subject(ledger, connection, sender) if known else None
        target = identity.claimed_subject(
            ledger, connection, sender, case.claimed.get("identity", {}), known_subject
        )
        if case.state is CaseState.RECEIVED:
            connection.execute(
                update(ct.RequestCase)
                .where(ct.RequestCase.id == case_id)
                .values(state=CaseState.IDENTITY_CHECK.value)
            )
        if target is None:
            event(connection, case_id, actor, "identity.nobody_found")
            return
        preferred = sender.get("email") if known_subject == target else None
        address = identity.address_on_file(connection, target, preferred, not_before=case.created_at)
        if address is None:
            event(connection, case_id, actor, "identity.no_address_on_file", subject_id=target)
            return
        code = identity.issue(ledger, connection, "case", target, address, case_id)
        company, _ = _company(ledger, connection)
    letter = letters.identity_code(code, identity.CODE_VALID_DAYS, case.number, company, case.language)
    shown = letter.body.replace(code, "[Code]")
    sent = send_letter(ledger, case, address, letter, mailer, automatic=True, shown_body=shown)
    with ledger.engine.begin() as connection:
        event(
            connection,
            case_id,
            actor,
            "identity.code_sent" if sent else "identity.code_not_sent",
            to=_mask(address),
            to_sender=address == sender.get("email"),
        )


def _mask(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}…@{domain}"


def verify(ledger: Ledger, case_id: int, code: str, actor: Actor) -> Case:
    """Enter the code the requester returned: the case is tied to the person and goes in progress."""
    with ledger.engine.connect() as connection:
        case = get(connection, case_id)
    if case.state.closed:
        raise Conflict(f"the case is already {case.state.value}")
    subject_id = identity.redeem(ledger, case_id, code)
    with ledger.engine.begin() as connection:
        connection.execute(
            update(ct.RequestCase)
            .where(ct.RequestCase.id == case_id)
            .values(subject_id=subject_id, state=CaseState.IN_PROGRESS.value)
        )
        event(connection, case_id, actor, "identity.verified")
        return get(connection, case_id)


def transition(
    ledger: Ledger, case_id: int, target: CaseState, actor: Actor, outcome: str | None = None
) -> Case:
    with ledger.engine.begin() as connection:
        case = get(connection, case_id)
        check_transition(case.state, target)
        values: dict[str, Any] = {"state": target.value}
        if target.closed:
            values |= {"closed_at": datetime.now(UTC), "outcome": outcome}
        connection.execute(update(ct.RequestCase).where(ct.RequestCase.id == case_id).values(values))
        event(connection, case_id, actor, target.value, outcome=outcome)
        return get(connection, case_id)


def today(ledger: Ledger) -> date:
    return datetime.now(ZoneInfo(ledger.settings.timezone)).date()
