"""Writing one batch of validated events inside one transaction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Insert, insert, select

from auskunft.ingest.identity import IdentityResolver
from auskunft.ingest.parse import ParsedEvent
from auskunft.ingest.report import IngestReport, LineError
from auskunft.ingest.schema import ConsentEvent, RecipientRef, RecordEvent, SourceRef
from auskunft.store import sequences
from auskunft.store import tables as t
from auskunft.store.blind_index import BlindIndex
from auskunft.store.bulk import BulkWriter


@dataclass(frozen=True, slots=True)
class Numbered:
    line: int
    parsed: ParsedEvent


@dataclass(slots=True)
class Outcome:
    stored: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    errors: list[LineError] = field(default_factory=list)
    created: int = 0
    merged: int = 0

    def add_to(self, report: IngestReport) -> None:
        report.stored.update(self.stored)
        report.duplicates += self.duplicates
        report.errors.extend(self.errors)
        report.subjects_created += self.created
        report.subjects_merged += self.merged


def _value_text(value: Any) -> str:
    return value if isinstance(value, str) else BulkWriter.json(value)


def source_fingerprint(source: SourceRef) -> bytes:
    parts = [source.kind, source.channel, source.name, source.detail, source.received_at, source.contract]
    text = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.blake2b(text.encode(), digest_size=32).digest()


class BatchWriter:
    """Writes one batch inside the given transaction."""

    def __init__(self, connection: Connection, index: BlindIndex) -> None:
        self._c = connection
        self._index = index
        self._bulk = BulkWriter(connection)
        self._identity = IdentityResolver(connection, self._bulk)
        self._sources: dict[bytes, int] = {}
        self._fingerprints: dict[SourceRef, bytes] = {}
        self._recipients: dict[str, int] = {}
        self._consents: dict[tuple[int, str, str], int] = {}

    def write(self, batch: list[Numbered]) -> Outcome:
        outcome = Outcome()
        fresh = self._drop_repeats(batch, outcome)
        if not fresh:
            return outcome
        lookups = [
            [self._index.lookup(kind.value, value) for kind, value in item.parsed.identifiers]
            for item in fresh
        ]
        self._identity.prefetch([lookup for per_event in lookups for lookup in per_event])
        self._prefetch_sources(fresh)
        event_ids = self._store_events(fresh)
        to_db = self._bulk.datetime
        records: list[list[Any]] = []
        consent_events: list[list[Any]] = []
        disclosures: list[list[Any]] = []
        for item, event_pk, event_lookups in zip(fresh, event_ids, lookups, strict=True):
            event = item.parsed.event
            identifiers = item.parsed.identifiers
            if isinstance(event, RecordEvent):
                source_id = self._source_id(event.source)
                at = event.collected_at.at
                subject = self._identity.resolve(identifiers, event_lookups, at, source_id)
                records.append(
                    [
                        subject,
                        event.category,
                        _value_text(event.value),
                        source_id,
                        to_db(at),
                        event.collected_at.date_only,
                        self._bulk.json(event.purposes),
                        event.legal_basis,
                        event.retention,
                        event_pk,
                    ]
                )
            elif isinstance(event, ConsentEvent):
                source_id = self._source_id(event.source) if event.source else None
                subject = self._identity.resolve(identifiers, event_lookups, event.at.at, source_id)
                consent_events.append(
                    [
                        self._consent_id(subject, event.purpose, event.channel),
                        event.action.value,
                        to_db(event.at.at),
                        event.method,
                        event.wording,
                        event.wording_version,
                        self._bulk.json(event.evidence),
                        source_id,
                        event_pk,
                    ]
                )
            else:
                subject = self._identity.resolve(identifiers, event_lookups, event.at.at, None)
                disclosures.append(
                    [
                        subject,
                        self._recipient_id(event.recipient),
                        to_db(event.at.at),
                        self._bulk.json(event.categories),
                        event.purpose,
                        event.legal_basis,
                        event.reference,
                        event_pk,
                    ]
                )
            outcome.stored[event.type] = outcome.stored.get(event.type, 0) + 1
        self._identity.flush(self._bulk)
        if self._identity.merged:
            self._redirect(records, disclosures, consent_events)
        self._bulk.insert(
            t.Record.__table__,
            (
                "subject_id",
                "category",
                "value",
                "source_id",
                "collected_at",
                "collected_date_only",
                "purposes",
                "legal_basis",
                "retention_rule",
                "event_id",
            ),
            [tuple(row) for row in records],
        )
        self._bulk.insert(
            t.ConsentEvent.__table__,
            (
                "consent_id",
                "action",
                "at",
                "method",
                "wording",
                "wording_version",
                "evidence",
                "source_id",
                "event_id",
            ),
            [tuple(row) for row in consent_events],
        )
        self._bulk.insert(
            t.Disclosure.__table__,
            (
                "subject_id",
                "recipient_id",
                "at",
                "categories",
                "purpose",
                "legal_basis",
                "reference",
                "event_id",
            ),
            [tuple(row) for row in disclosures],
        )
        outcome.created, outcome.merged = self._identity.created, self._identity.merged
        return outcome

    def _redirect(
        self, records: list[list[Any]], disclosures: list[list[Any]], consents: list[list[Any]]
    ) -> None:
        """Point rows collected before a merge in this batch at the surviving subject and consent."""
        subjects, merged_consents = self._identity.subject_redirect, self._identity.consent_redirect
        for row in (*records, *disclosures):
            row[0] = subjects.get(row[0], row[0])
        for row in consents:
            row[0] = merged_consents.get(row[0], row[0])

    def _drop_repeats(self, batch: list[Numbered], outcome: Outcome) -> list[Numbered]:
        keys = list({item.parsed.event.event_id for item in batch})
        stored: dict[str, bytes] = {}
        for start in range(0, len(keys), 5000):
            rows = self._c.execute(
                select(t.IngestEvent.event_key, t.IngestEvent.digest).where(
                    t.IngestEvent.event_key.in_(keys[start : start + 5000])
                )
            )
            stored.update({key: digest for key, digest in rows})
        fresh: list[Numbered] = []
        for item in batch:
            event_id, digest = item.parsed.event.event_id, item.parsed.digest
            if event_id not in stored:
                stored[event_id] = digest
                fresh.append(item)
            elif stored[event_id] == digest:
                outcome.duplicates += 1
            else:
                reason = "event_id already used for an event with different content (conflict, not stored)"
                outcome.errors.append(LineError(item.line, event_id, reason))
        return fresh

    def _store_events(self, fresh: list[Numbered]) -> list[int]:
        ids = list(sequences.take(self._c, "ingest_events", len(fresh)))
        now = self._bulk.datetime(datetime.now(UTC))
        self._bulk.insert(
            t.IngestEvent.__table__,
            ("id", "event_key", "type", "digest", "ingested_at"),
            [
                (pk, item.parsed.event.event_id, item.parsed.event.type, item.parsed.digest, now)
                for pk, item in zip(ids, fresh, strict=True)
            ],
        )
        return ids

    def _fingerprint(self, source: SourceRef) -> bytes:
        fingerprint = self._fingerprints.get(source)
        if fingerprint is None:
            fingerprint = self._fingerprints[source] = source_fingerprint(source)
        return fingerprint

    def _prefetch_sources(self, fresh: list[Numbered]) -> None:
        wanted = {
            self._fingerprint(source)
            for item in fresh
            if (source := getattr(item.parsed.event, "source", None)) is not None
        }
        if wanted:
            rows = self._c.execute(
                select(t.Source.fingerprint, t.Source.id).where(t.Source.fingerprint.in_(list(wanted)))
            )
            self._sources.update({fingerprint: pk for fingerprint, pk in rows})

    def _source_id(self, source: SourceRef) -> int:
        fingerprint = self._fingerprint(source)
        pk = self._sources.get(fingerprint)
        if pk is None:
            values = source.model_dump(
                include={
                    "kind",
                    "channel",
                    "name",
                    "detail",
                    "received_at",
                    "publicly_accessible",
                    "contract",
                }
            )
            pk = self._insert_id(insert(t.Source).values(fingerprint=fingerprint, **values), t.Source.id)
            self._sources[fingerprint] = pk
        return pk

    def _insert_id(self, statement: Insert, column: Any) -> int:
        return int(self._c.execute(statement.returning(column)).scalar_one())

    def _recipient_id(self, recipient: RecipientRef) -> int:
        pk = self._recipients.get(recipient.name)
        if pk is None:
            found = self._c.scalar(select(t.Recipient.id).where(t.Recipient.name == recipient.name))
            if found is None:
                values = recipient.model_dump(include={"name", "role", "country", "safeguard"})
                found = self._insert_id(insert(t.Recipient).values(**values), t.Recipient.id)
            pk = self._recipients[recipient.name] = int(found)
        return pk

    def _consent_id(self, subject: int, purpose: str, channel: str) -> int:
        if self._identity.merged:
            self._consents.clear()
        key = (subject, purpose, channel)
        pk = self._consents.get(key)
        if pk is None:
            found = self._c.scalar(
                select(t.Consent.id).where(
                    t.Consent.subject_id == subject,
                    t.Consent.purpose == purpose,
                    t.Consent.channel == channel,
                )
            )
            if found is None:
                self._identity.flush(self._bulk)
                found = self._insert_id(
                    insert(t.Consent).values(subject_id=subject, purpose=purpose, channel=channel),
                    t.Consent.id,
                )
            pk = self._consents[key] = int(found)
        return pk
