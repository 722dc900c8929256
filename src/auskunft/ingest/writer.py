"""Writing one batch of prepared events (parse.Prepared) inside one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Insert, insert, select

from auskunft.ingest.identity import IdentityResolver
from auskunft.ingest.parse import (
    CONSENT,
    OBJECTION,
    RECORD,
    Prepared,
    RecipientRow,
    SourceRow,
)
from auskunft.ingest.report import IngestReport, LineError
from auskunft.marketing import suppression
from auskunft.store import sequences
from auskunft.store import tables as t
from auskunft.store.bulk import BulkWriter

_RECORD_COLUMNS = (
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
    "notice",
)
_OBJECTION_COLUMNS = ("subject_id", "at", "purpose", "channel", "via", "reference", "event_id")
_CONSENT_EVENT_COLUMNS = (
    "consent_id",
    "action",
    "at",
    "method",
    "wording",
    "wording_version",
    "evidence",
    "source_id",
    "event_id",
)
_DISCLOSURE_COLUMNS = (
    "subject_id",
    "recipient_id",
    "at",
    "categories",
    "purpose",
    "legal_basis",
    "reference",
    "event_id",
)
_SOURCE_COLUMNS = (
    "kind",
    "channel",
    "name",
    "detail",
    "received_at",
    "publicly_accessible",
    "contract",
)


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


class BatchWriter:
    """Writes one batch inside the given transaction."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._bulk = BulkWriter(connection)
        self._identity = IdentityResolver(connection, self._bulk)
        self._identity.before_merge = self._before_merge
        self._sources: dict[bytes, int] = {}
        self._recipients: dict[str, int] = {}
        self._consents: dict[tuple[int, str, str], int] = {}
        """(subject, purpose, channel) -> consent id; ids < 0 stand for consents not inserted yet."""
        self._consents_known: set[int] = set()
        """Subjects all of whose consents are in `_consents`."""
        self._new_consents: list[tuple[int, str, str]] = []
        self._new_consent_ids: list[int] = []

    def write(self, batch: list[Prepared]) -> Outcome:
        outcome = Outcome()
        fresh = self._drop_repeats(batch, outcome)
        if not fresh:
            return outcome
        identity = self._identity
        identity.prefetch([lookup for item in fresh for _, _, lookup in item[4]])
        self._prefetch_sources(fresh)
        self._prefetch_consents(fresh)
        event_ids = self._store_events(fresh)
        records: list[tuple[Any, ...]] = []
        consent_events: list[list[Any]] = []
        disclosures: list[list[Any]] = []
        objections: list[list[Any]] = []
        stored = outcome.stored
        sources = self._sources
        for (_, _, kind, _, identifiers, at, body), event_pk in zip(fresh, event_ids, strict=True):
            stored[kind] = stored.get(kind, 0) + 1
            if kind == RECORD:
                category, value, source, date_only, purposes, basis, retention, notice = body
                source_id = sources.get(source[0])
                if source_id is None:
                    source_id = self._source_id(source)
                subject = identity.resolve(identifiers, at, source_id)
                records.append(
                    (
                        subject,
                        category,
                        value,
                        source_id,
                        at,
                        date_only,
                        purposes,
                        basis,
                        retention,
                        event_pk,
                        notice,
                    )
                )
            elif kind == CONSENT:
                purpose, channel, action, method, wording, version, evidence, consent_source = body
                source_id = self._source_id(consent_source) if consent_source is not None else None
                subject = identity.resolve(identifiers, at, source_id)
                consent_events.append(
                    [
                        self._consent_id(subject, purpose, channel),
                        action,
                        at,
                        method,
                        wording,
                        version,
                        evidence,
                        source_id,
                        event_pk,
                    ]
                )
            elif kind == OBJECTION:
                purpose, channel, via, reference = body
                subject = identity.resolve(identifiers, at, None)
                objections.append([subject, at, purpose, channel, via, reference, event_pk])
            else:
                recipient, categories, why, basis, reference = body
                subject = identity.resolve(identifiers, at, None)
                recipient_id = self._recipient_id(recipient)
                disclosures.append([subject, recipient_id, at, categories, why, basis, reference, event_pk])
        identity.flush(self._bulk)
        self._flush_consents()
        if identity.merged:  # point rows collected before a merge at the surviving subject
            subjects = identity.subject_redirect
            records = [(subjects.get(row[0], row[0]), *row[1:]) for row in records]
            for row in (*disclosures, *objections):
                row[0] = subjects.get(row[0], row[0])
        self._bulk.insert(t.Record.__tablename__, _RECORD_COLUMNS, records)
        if consent_events:
            new_ids = self._new_consent_ids
            for row in consent_events:
                if row[0] < 0:
                    row[0] = new_ids[-row[0] - 1]
            if identity.merged:
                merged = identity.consent_redirect
                for row in consent_events:
                    while row[0] in merged:
                        row[0] = merged[row[0]]
        self._bulk.insert(
            t.ConsentEvent.__tablename__, _CONSENT_EVENT_COLUMNS, [tuple(row) for row in consent_events]
        )
        disclosure_rows = [tuple(row) for row in disclosures]
        self._bulk.insert(t.Disclosure.__tablename__, _DISCLOSURE_COLUMNS, disclosure_rows)
        if objections:
            self._bulk.insert(
                t.Objection.__tablename__, _OBJECTION_COLUMNS, [tuple(row) for row in objections]
            )
            # An objection to all direct marketing puts the person's addresses on the suppression list.
            objectors = {row[0] for row in objections if row[2] is None and row[3] is None}
            suppression.add_objectors(self._c, objectors, all_marketing_only=True)
        outcome.created, outcome.merged = identity.created, identity.merged
        return outcome

    def _drop_repeats(self, batch: list[Prepared], outcome: Outcome) -> list[Prepared]:
        keys = list({item[1] for item in batch})
        sql = "SELECT event_key, digest FROM ingest_events WHERE event_key IN ({})"
        rows = self._bulk.select_in(sql, keys)
        stored = {key: bytes(digest) for key, digest in rows}
        fresh: list[Prepared] = []
        for item in batch:
            event_id, digest = item[1], item[3]
            known = stored.get(event_id)
            if known is None:
                stored[event_id] = digest
                fresh.append(item)
            elif known == digest:
                outcome.duplicates += 1
            else:
                reason = "event_id already used for an event with different content (conflict, not stored)"
                outcome.errors.append(LineError(item[0], event_id, reason))
        return fresh

    def _store_events(self, fresh: list[Prepared]) -> range:
        ids = sequences.take(self._c, "ingest_events", len(fresh))
        now = self._bulk.datetime(datetime.now(UTC))
        self._bulk.insert(
            t.IngestEvent.__tablename__,
            ("id", "event_key", "type", "digest", "ingested_at"),
            [(pk, item[1], item[2], item[3], now) for pk, item in zip(ids, fresh, strict=True)],
        )
        return ids

    def _prefetch_sources(self, fresh: list[Prepared]) -> None:
        wanted = {item[6][2][0] for item in fresh if item[2] == RECORD}
        wanted.update(item[6][7][0] for item in fresh if item[2] == CONSENT and item[6][7] is not None)
        sql = "SELECT fingerprint, id FROM sources WHERE fingerprint IN ({})"
        rows = self._bulk.select_in(sql, list(wanted))
        self._sources.update((bytes(fingerprint), pk) for fingerprint, pk in rows)

    def _source_id(self, source: SourceRow) -> int:
        fingerprint = source[0]
        pk = self._sources.get(fingerprint)
        if pk is None:
            values = dict(zip(_SOURCE_COLUMNS, source[1:], strict=True))
            pk = self._insert_id(insert(t.Source).values(fingerprint=fingerprint, **values), t.Source.id)
            self._sources[fingerprint] = pk
        return pk

    def _insert_id(self, statement: Insert, column: Any) -> int:
        return int(self._c.execute(statement.returning(column)).scalar_one())

    def _recipient_id(self, recipient: RecipientRow) -> int:
        name = recipient[0]
        pk = self._recipients.get(name)
        if pk is None:
            found = self._c.scalar(select(t.Recipient.id).where(t.Recipient.name == name))
            if found is None:
                values = dict(zip(("name", "role", "country", "safeguard"), recipient, strict=True))
                found = self._insert_id(insert(t.Recipient).values(**values), t.Recipient.id)
            pk = self._recipients[name] = int(found)
        return pk

    def _prefetch_consents(self, fresh: list[Prepared]) -> None:
        """Read the consents of the subjects the batch's consent events name, in one go."""
        known = self._identity.known
        subjects = {
            subject
            for item in fresh
            if item[2] == CONSENT
            for _, _, lookup in item[4]
            if (subject := known(lookup)) is not None
        }
        subjects -= self._consents_known
        rows = self._bulk.select_in(
            "SELECT subject_id, purpose, channel, id FROM consents WHERE subject_id IN ({})", list(subjects)
        )
        self._consents.update(((subject, purpose, channel), pk) for subject, purpose, channel, pk in rows)
        self._consents_known |= subjects

    def _consent_id(self, subject: int, purpose: str, channel: str) -> int:
        """The consent's id; a negative placeholder for one inserted by `_flush_consents`."""
        key = (subject, purpose, channel)
        pk = self._consents.get(key)
        if pk is not None:
            return pk
        # Consents not cached exist only for subjects not prefetched; after a merge, for any subject.
        if subject not in self._consents_known and (
            self._identity.merged or subject not in self._identity.created_ids
        ):
            found = self._c.scalar(
                select(t.Consent.id).where(
                    t.Consent.subject_id == subject,
                    t.Consent.purpose == purpose,
                    t.Consent.channel == channel,
                )
            )
            if found is not None:
                pk = self._consents[key] = int(found)
                return pk
        self._new_consents.append(key)
        pk = self._consents[key] = -len(self._new_consents) - len(self._new_consent_ids)
        return pk

    def _flush_consents(self) -> None:
        """Insert the consents handed out as placeholders (after the subjects they belong to)."""
        if self._new_consents:
            self._identity.flush(self._bulk)
            pending = self._new_consents
            columns = ("subject_id", "purpose", "channel")
            self._bulk.insert(t.Consent.__tablename__, columns, pending)
            # Read the ids back by the unique (subject, purpose, channel): one query, not one
            # INSERT ... RETURNING per consent.
            sql = "SELECT subject_id, purpose, channel, id FROM consents WHERE subject_id IN ({})"
            rows = self._bulk.select_in(sql, list({subject for subject, _, _ in pending}))
            ids = {(subject, purpose, channel): pk for subject, purpose, channel, pk in rows}
            self._new_consent_ids.extend(int(ids[key]) for key in pending)
            self._new_consents = []

    def _before_merge(self) -> None:
        """A merge moves and folds consents in the database: write ours first, then forget the cache."""
        self._flush_consents()
        self._consents = {}
        self._consents_known = set()
