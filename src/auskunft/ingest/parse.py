"""Reading one line of the event format into a validated event, or a readable reason why not.

`Preparer` goes one step further for the ingestor: it turns a validated event into a `Prepared`
tuple of plain values, ready for the database (identifiers normalised and blind-indexed, times in
the form the database stores, JSON columns as text). Plain tuples are cheap to hand from the worker
process to the writer (see worker.py) and cost the garbage collector next to nothing while a batch
waits to be written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from auskunft.domain.identifiers import IdentifierKind, normalise
from auskunft.errors import InvalidEvent, InvalidIdentifier
from auskunft.ingest.schema import (
    UNKNOWN_CATEGORY,
    UNKNOWN_LEGAL_BASIS,
    AnyEvent,
    ConsentEvent,
    Event,
    ObjectionEvent,
    RecordEvent,
    SourceRef,
)
from auskunft.store.blind_index import BlindIndex

_ADAPTER: TypeAdapter[AnyEvent] = TypeAdapter(Event)
# The adapter's core validator, called directly: TypeAdapter's own methods cost more per call than
# validating a whole event does.
_VALIDATOR = _ADAPTER.validator
_SUBJECT_KEYS = ", ".join(kind.value for kind in IdentifierKind)
_KEYED_LITERALS = {"category": UNKNOWN_CATEGORY, "legal_basis": UNKNOWN_LEGAL_BASIS}


@dataclass(frozen=True, slots=True)
class ParsedEvent:
    event: AnyEvent
    digest: bytes
    """BLAKE2b of the event's canonical JSON: tells a repeated event from an event id reused."""
    identifiers: tuple[tuple[IdentifierKind, str], ...]
    """The subject's identifiers, normalised."""


def _describe(error: ErrorDetails) -> str:
    loc = [str(part) for part in error["loc"]]
    # Drop the discriminator tag pydantic puts in front ("record.category" -> "category").
    if loc and loc[0] in ("record", "consent", "disclosure"):
        loc = loc[1:]
    where = ".".join(loc)
    kind = error["type"]
    if kind == "json_invalid":
        return f"invalid JSON: {error.get('ctx', {}).get('error', 'cannot be read')}"
    if not loc and kind in ("model_attributes_type", "dict_type", "model_type"):
        return "an event must be a JSON object"
    if kind == "extra_forbidden" and loc[:1] == ["subject"]:
        return f"unknown subject key {loc[-1]!r} (known: {_SUBJECT_KEYS})"
    if kind == "missing" and where == "source":
        return "record without a source is refused: provenance is required, it is never guessed"
    if kind == "missing":
        return f"missing field {where!r}"
    if kind == "union_tag_invalid":
        return "unknown event type (expected record, consent, disclosure or objection)"
    if kind == "union_tag_not_found":
        return "missing field 'type'"
    if kind == "literal_error" and where in _KEYED_LITERALS:
        return f"{where}: {_KEYED_LITERALS[where].format(error['input'])}"
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _validate_line(line: str | bytes) -> AnyEvent:
    try:
        event: AnyEvent = _VALIDATOR.validate_json(line)
    except ValidationError as exc:
        raise InvalidEvent(_reasons(exc)) from None
    return event


def _validate_object(raw: Any) -> AnyEvent:
    if not isinstance(raw, dict):
        raise InvalidEvent("an event must be a JSON object")
    try:
        event: AnyEvent = _VALIDATOR.validate_python(raw)
    except ValidationError as exc:
        raise InvalidEvent(_reasons(exc)) from None
    return event


def parse_line(line: str, region: str = "DE") -> ParsedEvent:
    """The event on one line; InvalidEvent with a reason fit to show the operator (no personal data)."""
    return _complete(_validate_line(line), region)


def parse_object(raw: Any, region: str = "DE") -> ParsedEvent:
    """The event given as a decoded JSON object."""
    return _complete(_validate_object(raw), region)


def _reasons(exc: ValidationError) -> str:
    return "; ".join(dict.fromkeys(_describe(error) for error in exc.errors(include_url=False)))


def _complete(event: AnyEvent, region: str) -> ParsedEvent:
    identifiers = []
    for kind, value in event.subject.items():
        try:
            identifiers.append((kind, normalise(kind, value, region)))
        except InvalidIdentifier as exc:
            raise InvalidEvent(f"subject.{kind.value}: {exc}") from None
    return ParsedEvent(event, digest(event), tuple(identifiers))


def digest(event: AnyEvent) -> bytes:
    """The digest stored with an event.

    It covers the event as understood (fields of the format, instants in UTC), so that key order,
    spacing, time-zone notation and fields of the producer's own do not make it differ. Stored in
    every ledger: changing how it is computed would turn every repeated event into a conflict.
    """
    # The event's own model serialises it exactly as the union does (the digests of ledgers written
    # through the union stay valid), without trying the union's members first.
    return hashlib.blake2b(type(event).__pydantic_serializer__.to_json(event), digest_size=32).digest()


# --- Prepared events: what the writer needs, as plain values --------------------------------------

Ident = tuple[str, str, bytes]
"""An identifier: kind, normalised value, blind-index lookup."""
SourceRow = tuple[bytes, str, str | None, str | None, str | None, date | None, bool, str | None]
"""A source: fingerprint, kind, channel, name, detail, received_at, publicly_accessible, contract."""
RecipientRow = tuple[str, str, str | None, str | None]
"""A recipient: name, role, country, safeguard."""
RecordBody = tuple[str, str, SourceRow, bool, str, str | None, str | None, str | None]
"""category, value (as stored), source, date_only, purposes (JSON), legal_basis, retention, notice (JSON)."""
ConsentBody = tuple[str, str, str, str | None, str | None, str | None, str, SourceRow | None]
"""purpose, channel, action, method, wording, wording_version, evidence (JSON), source."""
DisclosureBody = tuple[RecipientRow, str, str | None, str | None, str | None]
"""recipient, categories (JSON), purpose, legal_basis, reference."""
ObjectionBody = tuple[str | None, str | None, str | None, str | None]
"""purpose, channel, via, reference."""
Prepared = tuple[int, str, str, bytes, tuple[Ident, ...], Any, tuple[Any, ...]]
"""line, event_id, type, digest, identifiers, time (as the database stores it), and the body of the
type: RecordBody, ConsentBody or DisclosureBody (typed loosely, so that the writer unpacks it without
a cast per event)."""
LineFailure = tuple[int, str | None, str]
"""line, event id (where it can be read), reason."""

RECORD: Final = "record"
CONSENT: Final = "consent"
DISCLOSURE: Final = "disclosure"
OBJECTION: Final = "objection"
_CACHE_LIMIT = 100_000


def json_text(value: Any) -> str:
    """JSON as the ingestor stores it in text and JSON columns."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def source_fingerprint(source: SourceRef) -> bytes:
    parts = (source.kind, source.channel, source.name, source.detail, source.received_at, source.contract)
    text = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.blake2b(text.encode(), digest_size=32).digest()


class Preparer:
    """Validates events and prepares them for the writer; holds caches, so keep one per run.

    Picklable state is not needed: the worker process gets its preparer by fork.
    """

    def __init__(self, index: BlindIndex, region: str, to_db: Callable[[datetime], Any]) -> None:
        self._index = index
        self._region = region
        self._to_db = to_db
        self._subjects: dict[tuple[str | None, ...], tuple[Ident, ...]] = {}
        self._sources: dict[tuple[Any, ...], SourceRow] = {}
        self._json: dict[tuple[str, ...], str] = {}

    def chunk(self, first: int, items: list[Any], lines: bool) -> tuple[list[Prepared], list[LineFailure]]:
        """The items numbered from `first` on, prepared; blank strings are skipped."""
        prepared: list[Prepared] = []
        failures: list[LineFailure] = []
        validate = _validate_line if lines else _validate_object
        for number, item in enumerate(items, start=first):
            if isinstance(item, str) and not item.strip():
                continue
            try:
                prepared.append(self.prepare(number, validate(item)))
            except InvalidEvent as exc:
                failures.append((number, event_id_of(item, lines), str(exc)))
        return prepared, failures

    def prepare(self, line: int, event: AnyEvent) -> Prepared:
        idents = self._identifiers(event)
        hashed = digest(event)
        if isinstance(event, RecordEvent):
            at = event.collected_at
            record: RecordBody = (
                event.category,
                event.value if isinstance(event.value, str) else json_text(event.value),
                self._source(event.source),
                at.date_only,
                self._json_list(event.purposes),
                event.legal_basis,
                event.retention,
                json_text(event.notice.model_dump(mode="json")) if event.notice is not None else None,
            )
            return (line, event.event_id, RECORD, hashed, idents, self._to_db(at.at), record)
        if isinstance(event, ConsentEvent):
            consent: ConsentBody = (
                event.purpose,
                event.channel,
                event.action.value,
                event.method,
                event.wording,
                event.wording_version,
                json_text(event.evidence),
                self._source(event.source) if event.source is not None else None,
            )
            return (line, event.event_id, CONSENT, hashed, idents, self._to_db(event.at.at), consent)
        if isinstance(event, ObjectionEvent):
            objection: ObjectionBody = (event.purpose, event.channel, event.via, event.reference)
            return (line, event.event_id, OBJECTION, hashed, idents, self._to_db(event.at.at), objection)
        recipient = event.recipient
        disclosure: DisclosureBody = (
            (recipient.name, recipient.role, recipient.country, recipient.safeguard),
            self._json_list(event.categories),
            event.purpose,
            event.legal_basis,
            event.reference,
        )
        return (line, event.event_id, DISCLOSURE, hashed, idents, self._to_db(event.at.at), disclosure)

    def _identifiers(self, event: AnyEvent) -> tuple[Ident, ...]:
        subject = event.subject
        # An export repeats a person's subject on each of their lines: cached by its values (the
        # model's fields, in their order; the subject allows no others).
        key = tuple(subject.__dict__.values())
        idents = self._subjects.get(key)
        if idents is None:
            if len(self._subjects) >= _CACHE_LIMIT:
                self._subjects.clear()
            idents = tuple(self._identifier(kind, value) for kind, value in subject.items())
            self._subjects[key] = idents
        return idents

    def _identifier(self, kind: IdentifierKind, value: str) -> Ident:
        try:
            normalised = normalise(kind, value, self._region)
        except InvalidIdentifier as exc:
            raise InvalidEvent(f"subject.{kind.value}: {exc}") from None
        return (kind.value, normalised, self._index.lookup(kind.value, normalised))

    def _source(self, source: SourceRef) -> SourceRow:
        key = (
            source.kind,
            source.channel,
            source.name,
            source.detail,
            source.received_at,
            source.publicly_accessible,
            source.contract,
        )
        row = self._sources.get(key)
        if row is None:
            if len(self._sources) >= _CACHE_LIMIT:
                self._sources.clear()
            row = self._sources[key] = (source_fingerprint(source), *key)
        return row

    def _json_list(self, values: list[str]) -> str:
        key = tuple(values)
        text = self._json.get(key)
        if text is None:
            if len(self._json) >= _CACHE_LIMIT:
                self._json.clear()
            text = self._json[key] = json_text(values)
        return text


def event_id_of(item: Any, line: bool) -> str | None:
    """The event id of an item that failed validation, where it can still be read."""
    if line:
        try:
            item = json.loads(item)
        except ValueError:
            return None
    event_id = item.get("event_id") if isinstance(item, dict) else None
    return str(event_id)[:200] if event_id is not None else None
