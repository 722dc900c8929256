"""Erasure of a person's data (Art. 17 GDPR), verified before it is committed.

One transaction deletes the person's records, identifiers, consents with their events and tokens,
disclosures and objections; marks the subject erased (the row stays, without any personal data, as
proof of the erasure); writes the audit entry; and then counts what is left. Anything left makes the
erasure fail and the transaction roll back: an erasure is either complete or did not happen.

An objection outlives the erasure: before objections are deleted, the person's email addresses and
phone numbers go on the suppression list (reason "objection") as hashes. With `suppress` they go there
in any case (reason "erasure"); by default they do when the person ever objected or withdrew a consent
to advertising, so that a later import of the address from a bought list stays blocked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from auskunft.errors import AuskunftError, Conflict, NotFound
from auskunft.marketing import suppression
from auskunft.marketing.facts import purpose_profile
from auskunft.register.store import RegisterView
from auskunft.store import conversation_tables as ct
from auskunft.store import tables as t

if TYPE_CHECKING:
    from auskunft.ledger import Actor


class ErasureIncomplete(AuskunftError):
    """Rows of the person were left after the deletion; nothing was erased."""


@dataclass(frozen=True, slots=True)
class ErasureReport:
    subject_id: int
    erased_at: datetime
    deleted: dict[str, int]
    """Rows deleted, by table."""
    suppressed: bool
    """Whether the person's email addresses and phone numbers are on the suppression list now."""
    suppressions_added: int
    """Entries added to the list by this erasure (some may have been there already)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject_id": self.subject_id,
            "erased_at": self.erased_at.isoformat(),
            "deleted": dict(self.deleted),
            "suppressed": self.suppressed,
            "suppressions_added": self.suppressions_added,
        }


def _delete(connection: Connection, table: Any, condition: Any) -> int:
    return int(connection.execute(delete(table).where(condition)).rowcount or 0)


def _count(connection: Connection, table: Any, condition: Any) -> int:
    return int(connection.scalar(select(func.count()).select_from(table).where(condition)) or 0)


def _living(connection: Connection, subject_id: int) -> int:
    """The subject a merged subject now is; NotFound or Conflict if there is nobody to erase."""
    seen: set[int] = set()
    while True:
        row = connection.execute(
            select(t.Subject.merged_into_id, t.Subject.erased_at).where(t.Subject.id == subject_id)
        ).first()
        if row is None:
            raise NotFound(f"no subject {subject_id}")
        if row.merged_into_id is None or subject_id in seen:
            break
        seen.add(subject_id)
        subject_id = row.merged_into_id
    if row.erased_at is not None:
        raise Conflict(f"subject {subject_id} was already erased on {row.erased_at:%Y-%m-%d}")
    return subject_id


def _withdrew_advertising_consent(connection: Connection, register: RegisterView, subject_id: int) -> bool:
    purposes = connection.scalars(
        select(t.Consent.purpose)
        .join(t.ConsentEvent, t.ConsentEvent.consent_id == t.Consent.id)
        .where(t.Consent.subject_id == subject_id, t.ConsentEvent.action == "withdrawn")
        .distinct()
    )
    return any(purpose_profile(register, purpose).advertising for purpose in purposes)


def erase(
    connection: Connection,
    register: RegisterView,
    subject_id: int,
    actor: Actor,
    reason: str,
    suppress: bool | None = None,
) -> ErasureReport:
    """Erase one person inside the caller's transaction; raises (and so rolls back) unless complete.

    `suppress`: put the person's email addresses and phone numbers on the suppression list; None
    (default): when the person ever objected to advertising or withdrew a consent to it.
    """
    subject_id = _living(connection, subject_id)
    of_subject = {
        table: table.subject_id == subject_id
        for table in (t.Record, t.Identifier, t.Consent, t.Disclosure, t.Objection)
    }
    objected = _count(connection, t.Objection, of_subject[t.Objection]) > 0
    if suppress is None:
        suppress = objected or _withdrew_advertising_consent(connection, register, subject_id)
    addresses = suppression.lookups_of(connection, subject_id)
    now = datetime.now(UTC)
    added = 0
    if objected:  # the objection must outlive the erasure
        added += suppression.add_objectors(connection, [subject_id], all_marketing_only=False)
    if suppress:
        added += suppression.add_subjects(connection, [subject_id], "erasure", now)
    consent_ids = list(connection.scalars(select(t.Consent.id).where(of_subject[t.Consent])))
    of_consents = {
        t.ConsentToken: t.ConsentToken.consent_id.in_(consent_ids),
        t.ConsentEvent: t.ConsentEvent.consent_id.in_(consent_ids),
    }
    conversation_ids = list(
        connection.scalars(select(ct.Conversation.id).where(ct.Conversation.subject_id == subject_id))
    )
    message_ids = list(
        connection.scalars(select(ct.Message.id).where(ct.Message.conversation_id.in_(conversation_ids)))
    )
    # Request cases stay as proof of how a request was handled (Art. 5(2) GDPR), without personal data.
    connection.execute(
        update(ct.RequestCase)
        .where(
            or_(
                ct.RequestCase.subject_id == subject_id,
                ct.RequestCase.conversation_id.in_(conversation_ids),
            )
        )
        .values(claimed={}, reference=None, conversation_id=None, message_id=None)
    )
    steps: list[tuple[str, Any, Any]] = [
        ("message_attachments", ct.MessageAttachment, ct.MessageAttachment.message_id.in_(message_ids)),
        ("messages", ct.Message, ct.Message.id.in_(message_ids)),
        ("conversations", ct.Conversation, ct.Conversation.id.in_(conversation_ids)),
        ("verification_codes", ct.VerificationCode, ct.VerificationCode.subject_id == subject_id),
        ("consent_tokens", t.ConsentToken, of_consents[t.ConsentToken]),
        ("consent_events", t.ConsentEvent, of_consents[t.ConsentEvent]),
        ("consents", t.Consent, of_subject[t.Consent]),
        ("records", t.Record, of_subject[t.Record]),
        ("disclosures", t.Disclosure, of_subject[t.Disclosure]),
        ("objections", t.Objection, of_subject[t.Objection]),
        ("identifiers", t.Identifier, of_subject[t.Identifier]),
    ]
    deleted = {name: _delete(connection, table, condition) for name, table, condition in steps}
    connection.execute(update(t.Subject).where(t.Subject.id == subject_id).values(erased_at=now))
    connection.execute(
        insert(t.AuditEntry).values(
            at=now,
            actor=actor.name,
            action="subject.erased",
            subject_id=subject_id,
            reason=reason,
        )
    )
    _verify(connection, subject_id, steps, addresses if suppress or objected else [])
    return ErasureReport(subject_id, now, deleted, bool(addresses) and (suppress or objected), added)


def _verify(
    connection: Connection,
    subject_id: int,
    steps: list[tuple[str, Any, Any]],
    addresses: list[tuple[bytes, str]],
) -> None:
    """Count again what the erasure should have left: no rows of the person, every address listed."""
    left = {name: n for name, table, condition in steps if (n := _count(connection, table, condition))}
    if left:
        raise ErasureIncomplete(f"erasure of subject {subject_id} incomplete, rows left: {left}; rolled back")
    erased = connection.scalar(select(t.Subject.erased_at).where(t.Subject.id == subject_id))
    if erased is None:
        raise ErasureIncomplete(f"subject {subject_id} not marked erased; rolled back")
    listed = suppression.find(connection, [lookup for lookup, _ in addresses])
    if len(listed) != len(addresses):
        raise ErasureIncomplete(
            f"{len(addresses) - len(listed)} address(es) of subject {subject_id} missing from the "
            "suppression list; rolled back"
        )
