"""The queries of an answer, built once at import as Core statements with a bound `subject_id`.

SQLAlchemy then finds their compiled form in its cache without building or hashing a new expression
tree on every call. `ANSWER_QUERIES` lists them all, so that tests can check their query plans.
"""

from __future__ import annotations

from sqlalchemy import Integer, Table, bindparam, exists, select

from auskunft.store import tables as t

EEA = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "IS",
        "LI",
        "NO",
    ]
)


# -- the queries -------------------------------------------------------------------------------
def _table(entity: type[t.Base]) -> Table:
    table = entity.__table__
    assert isinstance(table, Table)
    return table


_identifiers = _table(t.Identifier)
_sources = _table(t.Source)
_records = _table(t.Record)
_consents = _table(t.Consent)
_consent_events = _table(t.ConsentEvent)
_disclosures = _table(t.Disclosure)
_recipients = _table(t.Recipient)
_controller = _table(t.Controller)
_objections = _table(t.Objection)
_suppressions = _table(t.Suppression)

SOURCE_COLUMNS = (
    _sources.c.id.label("src_id"),
    _sources.c.kind.label("src_kind"),
    _sources.c.channel.label("src_channel"),
    _sources.c.name.label("src_name"),
    _sources.c.detail.label("src_detail"),
    _sources.c.received_at.label("src_received_at"),
    _sources.c.publicly_accessible.label("src_public"),
)
"""Selected last by every query of a section with sources: `_Build.source` takes `row[SOURCE_OFFSET:]`."""
SOURCE_OFFSET = -len(SOURCE_COLUMNS)

_SUBJECT = bindparam("subject_id", type_=Integer)

FIND_SUBJECT = select(_identifiers.c.subject_id).where(_identifiers.c.lookup == bindparam("lookup"))
"""Uses the unique index on `identifiers.lookup`."""

REGISTER_STAMP = select(_controller.c.loaded_at)
"""When the register was last loaded (one row): tells whether the cached register is still current."""

IDENTIFIERS = (
    select(
        _identifiers.c.kind,
        _identifiers.c.value,
        _identifiers.c.seen_at,
        exists().where(_objections.c.subject_id == _SUBJECT).label("objected"),
        *SOURCE_COLUMNS,
    )
    .select_from(_identifiers.outerjoin(_sources, _sources.c.id == _identifiers.c.source_id))
    .where(_identifiers.c.subject_id == _SUBJECT)
    .order_by(_identifiers.c.seen_at, _identifiers.c.id)
)
"""With whether the person objected to anything: the objections are read only for those who did."""

RECORDS = (
    select(
        _records.c.id,
        _records.c.category,
        _records.c.value,
        _records.c.collected_at,
        _records.c.collected_date_only,
        _records.c.purposes,
        _records.c.legal_basis,
        _records.c.retention_rule,
        _records.c.notice,
        *SOURCE_COLUMNS,
    )
    .select_from(_records.join(_sources, _sources.c.id == _records.c.source_id))
    .where(_records.c.subject_id == _SUBJECT)
    .order_by(_records.c.collected_at, _records.c.id)
)
"""Reads the index (subject_id, collected_at) in order: no sorting step, whatever the ledger's size."""

CONSENTS = (
    select(
        _consents.c.id.label("consent_id"),
        _consents.c.purpose,
        _consents.c.channel.label("consent_channel"),
        _consent_events.c.action,
        _consent_events.c.at,
        _consent_events.c.method,
        _consent_events.c.wording,
        _consent_events.c.wording_version,
        _consent_events.c.evidence,
        *SOURCE_COLUMNS,
    )
    .select_from(
        _consents.join(_consent_events, _consent_events.c.consent_id == _consents.c.id).outerjoin(
            _sources, _sources.c.id == _consent_events.c.source_id
        )
    )
    .where(_consents.c.subject_id == _SUBJECT)
    .order_by(_consents.c.purpose, _consents.c.channel, _consent_events.c.at, _consent_events.c.id)
)

DISCLOSURES = (
    select(
        _disclosures.c.at,
        _disclosures.c.categories,
        _disclosures.c.purpose,
        _disclosures.c.legal_basis,
        _disclosures.c.reference,
        _recipients.c.name,
        _recipients.c.role,
        _recipients.c.country,
        _recipients.c.safeguard,
    )
    .select_from(_disclosures.join(_recipients, _recipients.c.id == _disclosures.c.recipient_id))
    .where(_disclosures.c.subject_id == _SUBJECT)
    .order_by(_disclosures.c.at, _disclosures.c.id)
)

OBJECTIONS = (
    select(_objections.c.at, _objections.c.purpose, _objections.c.channel, _objections.c.via)
    .where(_objections.c.subject_id == _SUBJECT)
    .order_by(_objections.c.at, _objections.c.id)
)

SUPPRESSIONS = (
    select(_identifiers.c.kind, _suppressions.c.at, _suppressions.c.reason)
    .select_from(_identifiers.join(_suppressions, _suppressions.c.lookup == _identifiers.c.lookup))
    .where(_identifiers.c.subject_id == _SUBJECT)
    .order_by(_suppressions.c.at)
)
"""The person's identifiers on the suppression list; run only where the register has advertising purposes."""

ANSWER_QUERIES = (
    FIND_SUBJECT,
    REGISTER_STAMP,
    IDENTIFIERS,
    RECORDS,
    CONSENTS,
    DISCLOSURES,
    OBJECTIONS,
    SUPPRESSIONS,
)
"""Every query an answer runs (besides the audit entry), for checking their query plans."""
