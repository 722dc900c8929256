"""Finding the subject an event is about: by its identifiers, creating or merging subjects as needed.

Identifiers given together in one event belong to one person. When they point at two subjects
already in the ledger, the two were the same person all along: the younger subject is merged into
the older (its identifiers, records, consents and disclosures move) and keeps a pointer to it.

New subjects and identifiers are collected in memory and written by `flush` in bulk; their ids
come from the id allocator, so no row has to be read back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from auskunft.ingest.parse import Ident
from auskunft.store import tables as t
from auskunft.store.bulk import BulkWriter
from auskunft.store.sequences import Allocator


class IdentityResolver:
    """Resolves subjects within one transaction; call `prefetch` with the batch's lookups first."""

    def __init__(self, connection: Connection, bulk: BulkWriter) -> None:
        self._connection = connection
        self._bulk = bulk
        self._subject_of: dict[bytes, int] = {}
        self._ids = Allocator(connection, "subjects")
        self._new_subjects: list[int] = []
        self._new_identifiers: list[tuple[int, str, str, bytes, Any, int | None]] = []
        self.created_ids: set[int] = set()
        """Subjects created in this transaction (they have no consents in the database yet)."""
        self.before_merge: Callable[[], None] = lambda: None
        """Called before a merge moves rows in the database: pending rows must be there by then."""
        self.created = 0
        self.merged = 0
        self.subject_redirect: dict[int, int] = {}
        """Subjects merged away in this transaction -> the subject they now are."""
        self.consent_redirect: dict[int, int] = {}
        """Consents folded into another consent of the same purpose and channel by a merge."""

    def prefetch(self, lookups: list[bytes]) -> None:
        wanted = [lookup for lookup in set(lookups) if lookup not in self._subject_of]
        rows = self._bulk.select_in("SELECT lookup, subject_id FROM identifiers WHERE lookup IN ({})", wanted)
        self._subject_of.update((bytes(lookup), subject) for lookup, subject in rows)

    def known(self, lookup: bytes) -> int | None:
        """The subject an identifier points at so far."""
        return self._subject_of.get(lookup)

    def resolve(self, identifiers: tuple[Ident, ...], seen_at: Any, source_id: int | None) -> int:
        """The subject these identifiers name; identifiers not yet known are added to it.

        `seen_at` is the event's time as the database stores it (see BulkWriter.datetime).
        """
        subject_of = self._subject_of
        if len(identifiers) == 1:  # the common case, without building a set
            subject = subject_of.get(identifiers[0][2])
            found = [] if subject is None else [subject]
        else:
            found = sorted({subject_of[lookup] for _, _, lookup in identifiers if lookup in subject_of})
        if not found:
            subject_id = self._ids.next()
            self._new_subjects.append(subject_id)
            self.created_ids.add(subject_id)
            self.created += 1
        else:
            subject_id = found[0]
            for other in found[1:]:
                self._merge(other, into=subject_id)
        for kind, value, lookup in identifiers:
            if lookup not in subject_of:
                subject_of[lookup] = subject_id
                self._new_identifiers.append((subject_id, kind, value, lookup, seen_at, source_id))
        return subject_id

    def flush(self, bulk: BulkWriter) -> None:
        """Write the subjects and identifiers collected so far."""
        if self._new_subjects:
            now = bulk.datetime(datetime.now(UTC))
            subjects = [(pk, now) for pk in self._new_subjects]
            bulk.insert(t.Subject.__tablename__, ("id", "created_at"), subjects)
            self._new_subjects = []
        if self._new_identifiers:
            redirect = self.subject_redirect
            rows = [
                (redirect.get(subject, subject), kind, value, lookup, seen_at, source_id)
                for subject, kind, value, lookup, seen_at, source_id in self._new_identifiers
            ]
            bulk.insert(
                t.Identifier.__tablename__,
                ("subject_id", "kind", "value", "lookup", "seen_at", "source_id"),
                rows,
            )
            self._new_identifiers = []

    def _merge(self, other: int, into: int) -> None:
        self.flush(self._bulk)
        self.before_merge()
        c = self._connection
        for table in (t.Identifier, t.Record, t.Disclosure, t.Objection):
            c.execute(update(table).where(table.subject_id == other).values(subject_id=into))
        kept = {
            (purpose, channel): consent_id
            for consent_id, purpose, channel in c.execute(
                select(t.Consent.id, t.Consent.purpose, t.Consent.channel).where(t.Consent.subject_id == into)
            )
        }
        for consent_id, purpose, channel in c.execute(
            select(t.Consent.id, t.Consent.purpose, t.Consent.channel).where(t.Consent.subject_id == other)
        ).all():
            target = kept.get((purpose, channel))
            if target is None:
                c.execute(update(t.Consent).where(t.Consent.id == consent_id).values(subject_id=into))
            else:
                c.execute(
                    update(t.ConsentEvent)
                    .where(t.ConsentEvent.consent_id == consent_id)
                    .values(consent_id=target)
                )
                c.execute(
                    update(t.ConsentToken)
                    .where(t.ConsentToken.consent_id == consent_id)
                    .values(consent_id=target)
                )
                c.execute(delete(t.Consent).where(t.Consent.id == consent_id))
                self.consent_redirect[consent_id] = target
        c.execute(update(t.AuditEntry).where(t.AuditEntry.subject_id == other).values(subject_id=into))
        c.execute(update(t.Subject).where(t.Subject.id == other).values(merged_into_id=into))
        for lookup, subject in self._subject_of.items():
            if subject == other:
                self._subject_of[lookup] = into
        for merged, target in self.subject_redirect.items():
            if target == other:
                self.subject_redirect[merged] = into
        self.subject_redirect[other] = into
        self.merged += 1
