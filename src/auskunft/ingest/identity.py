"""Finding the subject an event is about: by its identifiers, creating or merging subjects as needed.

Identifiers given together in one event belong to one person. When they point at two subjects
already in the ledger, the two were the same person all along: the younger subject is merged into
the older (its identifiers, records, consents and disclosures move) and keeps a pointer to it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, delete, insert, select, update

from auskunft.domain.identifiers import IdentifierKind
from auskunft.store import tables as t
from auskunft.store.blind_index import BlindIndex


class IdentityResolver:
    """Resolves subjects for one transaction; call `prefetch` with the batch's lookups first."""

    def __init__(self, connection: Connection, index: BlindIndex) -> None:
        self._connection = connection
        self._index = index
        self._subject_of: dict[bytes, int] = {}
        self.created = 0
        self.merged = 0
        self.subject_redirect: dict[int, int] = {}
        """Subjects merged away in this transaction -> the subject they now are."""
        self.consent_redirect: dict[int, int] = {}
        """Consents folded into another consent of the same purpose and channel by a merge."""

    def lookups(self, identifiers: tuple[tuple[IdentifierKind, str], ...]) -> list[bytes]:
        return [self._index.lookup(kind.value, value) for kind, value in identifiers]

    def prefetch(self, lookups: list[bytes]) -> None:
        wanted = [lookup for lookup in set(lookups) if lookup not in self._subject_of]
        for start in range(0, len(wanted), 5000):
            rows = self._connection.execute(
                select(t.Identifier.lookup, t.Identifier.subject_id).where(
                    t.Identifier.lookup.in_(wanted[start : start + 5000])
                )
            )
            self._subject_of.update({lookup: subject for lookup, subject in rows})

    def resolve(
        self,
        identifiers: tuple[tuple[IdentifierKind, str], ...],
        seen_at: datetime,
        source_id: int | None,
    ) -> int:
        """The subject these identifiers name; new identifiers are stored for it."""
        lookups = self.lookups(identifiers)
        found = sorted({self._subject_of[lookup] for lookup in lookups if lookup in self._subject_of})
        if not found:
            subject_id = self._create_subject()
        else:
            subject_id = found[0]
            for other in found[1:]:
                self._merge(other, into=subject_id)
        new = [
            {
                "subject_id": subject_id,
                "kind": kind.value,
                "value": value,
                "lookup": lookup,
                "seen_at": seen_at,
                "source_id": source_id,
            }
            for (kind, value), lookup in zip(identifiers, lookups, strict=True)
            if lookup not in self._subject_of
        ]
        if new:
            self._connection.execute(insert(t.Identifier), new)
            for row in new:
                self._subject_of[row["lookup"]] = subject_id
        return subject_id

    def _create_subject(self) -> int:
        result = self._connection.execute(insert(t.Subject).values(created_at=datetime.now(UTC)))
        self.created += 1
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def _merge(self, other: int, into: int) -> None:
        c = self._connection
        for table in (t.Identifier, t.Record, t.Disclosure):
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
