"""The ingestor: validates events, then writes them in batches, one transaction per batch.

Idempotent by `event_id`: an event already stored with the same content is skipped; the same id
with different content is refused as a conflict. A line that cannot be read is reported with its
number and reason, and every valid line is stored all the same. If a batch fails in the database,
its events are retried one by one so that one bad event cannot take its neighbours down with it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Insert, insert, select
from sqlalchemy.exc import SQLAlchemyError

from auskunft.errors import InvalidEvent
from auskunft.ingest.identity import IdentityResolver
from auskunft.ingest.parse import ParsedEvent, parse_line, parse_object
from auskunft.ingest.report import IngestReport, LineError
from auskunft.ingest.schema import ConsentEvent, RecipientRef, RecordEvent, SourceRef
from auskunft.store import tables as t
from auskunft.store.blind_index import BlindIndex


@dataclass(frozen=True, slots=True)
class _Numbered:
    line: int
    parsed: ParsedEvent


def _value_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _source_fingerprint(source: SourceRef) -> bytes:
    parts = [source.kind, source.channel, source.name, source.detail, source.received_at, source.contract]
    return hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode()).digest()


class Ingestor:
    def __init__(self, engine: Engine, index: BlindIndex, region: str = "DE", batch_size: int = 2000) -> None:
        self._engine = engine
        self._index = index
        self._region = region
        self._batch_size = batch_size

    def ingest_lines(self, lines: Iterable[str]) -> IngestReport:
        """Ingest JSON Lines; blank lines are skipped, line numbers start at 1."""
        report = IngestReport()

        def parsed() -> Iterator[_Numbered]:
            for number, line in enumerate(lines, start=1):
                report.lines = number
                if not line.strip():
                    continue
                try:
                    yield _Numbered(number, parse_line(line, self._region))
                except InvalidEvent as exc:
                    report.errors.append(LineError(number, _event_id_of(line), str(exc)))

        self._run(parsed(), report)
        return report

    def ingest_objects(self, objects: Iterable[dict[str, Any]]) -> IngestReport:
        """Ingest events given as dicts (the demo generator, the API); numbered from 1 like lines."""
        report = IngestReport()

        def parsed() -> Iterator[_Numbered]:
            for number, raw in enumerate(objects, start=1):
                report.lines = number
                try:
                    yield _Numbered(number, parse_object(raw, self._region))
                except InvalidEvent as exc:
                    event_id = raw.get("event_id") if isinstance(raw, dict) else None
                    report.errors.append(LineError(number, str(event_id) if event_id else None, str(exc)))

        self._run(parsed(), report)
        return report

    def _run(self, events: Iterator[_Numbered], report: IngestReport) -> None:
        batch: list[_Numbered] = []
        for item in events:
            batch.append(item)
            if len(batch) >= self._batch_size:
                self._write_batch(batch, report)
                batch = []
        if batch:
            self._write_batch(batch, report)
        report.errors.sort(key=lambda error: error.line)

    def _write_batch(self, batch: list[_Numbered], report: IngestReport) -> None:
        try:
            with self._engine.begin() as connection:
                outcome = _BatchWriter(connection, self._index).write(batch)
        except SQLAlchemyError:
            if len(batch) == 1:
                item = batch[0]
                reason = "the database refused this event (constraint or storage error)"
                report.errors.append(LineError(item.line, item.parsed.event.event_id, reason))
                return
            for item in batch:
                self._write_batch([item], report)
            return
        outcome.add_to(report)


@dataclass(slots=True)
class _Outcome:
    stored: dict[str, int]
    duplicates: int
    errors: list[LineError]
    created: int
    merged: int

    def add_to(self, report: IngestReport) -> None:
        report.stored.update(self.stored)
        report.duplicates += self.duplicates
        report.errors.extend(self.errors)
        report.subjects_created += self.created
        report.subjects_merged += self.merged


class _BatchWriter:
    """Writes one batch inside one transaction."""

    def __init__(self, connection: Connection, index: BlindIndex) -> None:
        self._c = connection
        self._identity = IdentityResolver(connection, index)
        self._sources: dict[bytes, int] = {}
        self._recipients: dict[str, int] = {}
        self._consents: dict[tuple[int, str, str], int] = {}
        self._now = datetime.now(UTC)

    def write(self, batch: list[_Numbered]) -> _Outcome:
        outcome = _Outcome({}, 0, [], 0, 0)
        fresh = self._drop_repeats(batch, outcome)
        if not fresh:
            return outcome
        self._identity.prefetch(
            [lk for item in fresh for lk in self._identity.lookups(item.parsed.identifiers)]
        )
        self._prefetch_sources(fresh)
        event_ids = self._store_events(fresh)
        records: list[dict[str, Any]] = []
        consent_events: list[dict[str, Any]] = []
        disclosures: list[dict[str, Any]] = []
        for item, event_pk in zip(fresh, event_ids, strict=True):
            event = item.parsed.event
            if isinstance(event, RecordEvent):
                source_id = self._source_id(event.source)
                subject = self._identity.resolve(item.parsed.identifiers, event.collected_at.at, source_id)
                records.append(
                    {
                        "subject_id": subject,
                        "category": event.category,
                        "value": _value_text(event.value),
                        "source_id": source_id,
                        "collected_at": event.collected_at.at,
                        "collected_date_only": event.collected_at.date_only,
                        "purposes": list(event.purposes),
                        "legal_basis": event.legal_basis,
                        "retention_rule": event.retention,
                        "event_id": event_pk,
                    }
                )
            elif isinstance(event, ConsentEvent):
                source_id = self._source_id(event.source) if event.source else None
                subject = self._identity.resolve(item.parsed.identifiers, event.at.at, source_id)
                consent_events.append(
                    {
                        "consent_id": self._consent_id(subject, event.purpose, event.channel),
                        "action": event.action.value,
                        "at": event.at.at,
                        "method": event.method,
                        "wording": event.wording,
                        "wording_version": event.wording_version,
                        "evidence": event.evidence,
                        "source_id": source_id,
                        "event_id": event_pk,
                    }
                )
            else:
                subject = self._identity.resolve(item.parsed.identifiers, event.at.at, None)
                disclosures.append(
                    {
                        "subject_id": subject,
                        "recipient_id": self._recipient_id(event.recipient),
                        "at": event.at.at,
                        "categories": list(event.categories),
                        "purpose": event.purpose,
                        "legal_basis": event.legal_basis,
                        "reference": event.reference,
                        "event_id": event_pk,
                    }
                )
            outcome.stored[event.type] = outcome.stored.get(event.type, 0) + 1
        if self._identity.merged:
            self._redirect(records, disclosures, consent_events)
        for table, rows in (
            (t.Record, records),
            (t.ConsentEvent, consent_events),
            (t.Disclosure, disclosures),
        ):
            if rows:
                self._c.execute(insert(table), rows)
        outcome.created, outcome.merged = self._identity.created, self._identity.merged
        return outcome

    def _redirect(self, *row_lists: list[dict[str, Any]]) -> None:
        """Point rows collected before a merge in this batch at the surviving subject and consent."""
        subjects, consents = self._identity.subject_redirect, self._identity.consent_redirect
        for rows in row_lists:
            for row in rows:
                if "subject_id" in row:
                    row["subject_id"] = subjects.get(row["subject_id"], row["subject_id"])
                if "consent_id" in row:
                    row["consent_id"] = consents.get(row["consent_id"], row["consent_id"])

    def _drop_repeats(self, batch: list[_Numbered], outcome: _Outcome) -> list[_Numbered]:
        keys = list({item.parsed.event.event_id for item in batch})
        stored: dict[str, bytes] = {}
        for start in range(0, len(keys), 5000):
            rows = self._c.execute(
                select(t.IngestEvent.event_key, t.IngestEvent.digest).where(
                    t.IngestEvent.event_key.in_(keys[start : start + 5000])
                )
            )
            stored.update({key: digest for key, digest in rows})
        fresh: list[_Numbered] = []
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

    def _store_events(self, fresh: list[_Numbered]) -> list[int]:
        rows = [
            {
                "event_key": item.parsed.event.event_id,
                "type": item.parsed.event.type,
                "digest": item.parsed.digest,
                "ingested_at": self._now,
            }
            for item in fresh
        ]
        result = self._c.execute(
            insert(t.IngestEvent).returning(t.IngestEvent.id, sort_by_parameter_order=True), rows
        )
        return [row[0] for row in result]

    def _prefetch_sources(self, fresh: list[_Numbered]) -> None:
        wanted = {
            _source_fingerprint(source)
            for item in fresh
            if (source := getattr(item.parsed.event, "source", None)) is not None
        }
        if wanted:
            rows = self._c.execute(
                select(t.Source.fingerprint, t.Source.id).where(t.Source.fingerprint.in_(list(wanted)))
            )
            self._sources.update({fingerprint: pk for fingerprint, pk in rows})

    def _source_id(self, source: SourceRef) -> int:
        fingerprint = _source_fingerprint(source)
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
            pk = self._c.scalar(select(t.Recipient.id).where(t.Recipient.name == recipient.name))
            if pk is None:
                values = recipient.model_dump(include={"name", "role", "country", "safeguard"})
                pk = self._insert_id(insert(t.Recipient).values(**values), t.Recipient.id)
            self._recipients[recipient.name] = int(pk)
        return self._recipients[recipient.name]

    def _consent_id(self, subject: int, purpose: str, channel: str) -> int:
        if self._identity.merged:
            self._consents.clear()
        key = (subject, purpose, channel)
        pk = self._consents.get(key)
        if pk is None:
            pk = self._c.scalar(
                select(t.Consent.id).where(
                    t.Consent.subject_id == subject,
                    t.Consent.purpose == purpose,
                    t.Consent.channel == channel,
                )
            )
            if pk is None:
                pk = self._insert_id(
                    insert(t.Consent).values(subject_id=subject, purpose=purpose, channel=channel), t.Consent.id
                )
            self._consents[key] = int(pk)
        return self._consents[key]


def _event_id_of(line: str) -> str | None:
    """The event id of a line that failed validation, where it can still be read."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError:
        return None
    event_id = raw.get("event_id") if isinstance(raw, dict) else None
    return str(event_id)[:200] if event_id is not None else None
