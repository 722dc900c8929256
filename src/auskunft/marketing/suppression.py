"""The suppression list: addresses that must never again receive advertising, kept only as hashes.

An entry is the blind-index hash (`identifiers.lookup`) of an email address or phone number, never the
address itself: it survives the erasure of the person (Art. 17 GDPR), so that a bought list imported
later cannot bring the address back into marketing, while nothing readable is kept. Entries come from

- an objection to all direct marketing (reason "objection", written by the ingest writer);
- an erasure with suppression (reason "erasure", or "objection" for a person who had objected);
- `suppress` (any reason the caller gives, e.g. a do-not-contact request by letter).

Adding an entry that exists already changes nothing (INSERT ... ON CONFLICT DO NOTHING).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, String, func, insert, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from auskunft.domain.identifiers import IdentifierKind, normalise
from auskunft.errors import ConfigurationError
from auskunft.marketing.rules import Suppression
from auskunft.store import tables as t
from auskunft.store.types import UTCDateTime

if TYPE_CHECKING:
    from auskunft.ledger import Actor, Ledger
    from auskunft.marketing.facts import Target

KINDS = (IdentifierKind.EMAIL.value, IdentifierKind.PHONE.value)
"""The identifiers that are addresses advertising can be sent to and that the list holds."""
_COLUMNS = ("lookup", "kind", "reason", "at")


def _insert_ignoring(connection: Connection) -> Any:
    """An INSERT into `suppressions` that leaves a lookup already on the list as it is."""
    name = connection.dialect.name
    if name == "postgresql":
        return postgresql.insert(t.Suppression).on_conflict_do_nothing(index_elements=["lookup"])
    if name == "sqlite":
        return sqlite.insert(t.Suppression).on_conflict_do_nothing(index_elements=["lookup"])
    raise ConfigurationError(f"the suppression list needs SQLite or PostgreSQL, not {name}")


def _run(connection: Connection, statement: Any) -> int:
    """Execute an insert into the list; how many rows it added (RETURNING: rowcount is not reliable)."""
    return len(connection.execute(statement.returning(t.Suppression.lookup)).all())


def add(connection: Connection, entries: Sequence[tuple[bytes, str]], reason: str, at: datetime) -> int:
    """Put (lookup, kind) pairs on the list; how many were not on it yet."""
    if not entries:
        return 0
    rows = [{"lookup": lookup, "kind": kind, "reason": reason, "at": at} for lookup, kind in entries]
    return _run(connection, _insert_ignoring(connection).values(rows))


def add_subjects(connection: Connection, subjects: Collection[int], reason: str, at: datetime) -> int:
    """Put the email and phone identifiers of these subjects on the list (one statement)."""
    if not subjects:
        return 0
    i = t.Identifier
    rows = select(i.lookup, i.kind, literal(reason, String(50)), literal(at, UTCDateTime())).where(
        i.subject_id.in_(subjects), i.kind.in_(KINDS)
    )
    return _run(connection, _insert_ignoring(connection).from_select(_COLUMNS, rows))


def add_objectors(connection: Connection, subjects: Collection[int], *, all_marketing_only: bool) -> int:
    """Put the email and phone identifiers of those of these subjects who objected on the list.

    Reason "objection", since the person's first objection. `all_marketing_only`: count only
    objections to all direct marketing (no purpose, no channel); otherwise any objection.
    """
    if not subjects:
        return 0
    i, o = t.Identifier, t.Objection
    rows = (
        select(i.lookup, i.kind, literal("objection", String(50)), func.min(o.at))
        .join(o, o.subject_id == i.subject_id)
        .where(i.subject_id.in_(subjects), i.kind.in_(KINDS))
        .group_by(i.lookup, i.kind)
    )
    if all_marketing_only:
        rows = rows.where(o.purpose.is_(None), o.channel.is_(None))
    return _run(connection, _insert_ignoring(connection).from_select(_COLUMNS, rows))


def lookups_of(connection: Connection, subject_id: int) -> list[tuple[bytes, str]]:
    """The (lookup, kind) of a subject's email and phone identifiers."""
    i = t.Identifier
    rows = connection.execute(select(i.lookup, i.kind).where(i.subject_id == subject_id, i.kind.in_(KINDS)))
    return [(bytes(lookup), kind) for lookup, kind in rows]


def suppress(
    ledger: Ledger,
    who: int | Sequence[Target],
    reason: str,
    *,
    actor: Actor | None = None,
    at: datetime | None = None,
) -> int:
    """Put a person's email addresses and phone numbers on the suppression list; how many were new.

    `who` is a subject id, or identifiers: an email or phone given goes on the list whether the ledger
    knows it or not; any identifier that names a known person brings all of that person's email
    addresses and phone numbers. With `actor`, the change is written to the audit trail.
    """
    moment = at or datetime.now(UTC)
    region = ledger.settings.default_region
    with ledger.engine.begin() as connection:
        entries: dict[bytes, str] = {}
        subjects: set[int] = set()
        if isinstance(who, int):
            subjects.add(who)
        else:
            for target in who:
                lookup = ledger.index.lookup(target.kind.value, normalise(target.kind, target.value, region))
                if target.kind.value in KINDS:
                    entries[lookup] = target.kind.value
                subject = connection.scalar(
                    select(t.Identifier.subject_id).where(t.Identifier.lookup == lookup)
                )
                if subject is not None:
                    subjects.add(int(subject))
        for subject in sorted(subjects):
            entries.update(lookups_of(connection, subject))
        added = add(connection, list(entries.items()), reason, moment)
        if actor is not None:
            audited: list[int | None] = [*sorted(subjects)] or [None]
            for subject in audited:
                connection.execute(
                    insert(t.AuditEntry).values(
                        at=datetime.now(UTC),
                        actor=actor.name,
                        action="marketing.suppressed",
                        subject_id=subject,
                        reason=actor.reason or reason,
                    )
                )
    return added


def find(connection: Connection, lookups: Collection[bytes]) -> dict[bytes, Suppression]:
    """The entries of the list among `lookups`."""
    if not lookups:
        return {}
    s = t.Suppression
    rows = connection.execute(select(s.lookup, s.at, s.reason).where(s.lookup.in_(lookups)))
    return {bytes(row.lookup): Suppression(row.at, row.reason) for row in rows}


def is_suppressed(ledger: Ledger, kind: IdentifierKind, value: str) -> Suppression | None:
    """The list's entry for an email address or phone number (None: not on the list)."""
    lookup = ledger.index.lookup(kind.value, normalise(kind, value, ledger.settings.default_region))
    with ledger.engine.connect() as connection:
        return find(connection, [lookup]).get(lookup)
