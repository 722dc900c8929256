"""Reading one line of the event format into a validated event, or a readable reason why not."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from auskunft.domain.identifiers import IdentifierKind, normalise
from auskunft.errors import InvalidEvent, InvalidIdentifier
from auskunft.ingest.schema import ConsentEvent, DisclosureEvent, Event, RecordEvent

_ADAPTER: TypeAdapter[RecordEvent | ConsentEvent | DisclosureEvent] = TypeAdapter(Event)
_SUBJECT_KEYS = ", ".join(kind.value for kind in IdentifierKind)


@dataclass(frozen=True, slots=True)
class ParsedEvent:
    event: RecordEvent | ConsentEvent | DisclosureEvent
    digest: bytes
    """SHA-256 of the event's canonical JSON: tells a repeated event from an event id reused."""
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
        return "unknown event type (expected record, consent or disclosure)"
    if kind == "union_tag_not_found":
        return "missing field 'type'"
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def parse_line(line: str, region: str = "DE") -> ParsedEvent:
    """The event on one line; InvalidEvent with a reason fit to show the operator (no personal data)."""
    try:
        event = _ADAPTER.validate_json(line)
    except ValidationError as exc:
        raise InvalidEvent(_reasons(exc)) from None
    return _complete(event, region)


def parse_object(raw: Any, region: str = "DE") -> ParsedEvent:
    """The event given as a decoded JSON object."""
    if not isinstance(raw, dict):
        raise InvalidEvent("an event must be a JSON object")
    try:
        event = _ADAPTER.validate_python(raw)
    except ValidationError as exc:
        raise InvalidEvent(_reasons(exc)) from None
    return _complete(event, region)


def _reasons(exc: ValidationError) -> str:
    return "; ".join(dict.fromkeys(_describe(error) for error in exc.errors(include_url=False)))


def _complete(event: RecordEvent | ConsentEvent | DisclosureEvent, region: str) -> ParsedEvent:
    identifiers = []
    for kind, value in event.subject.items():
        try:
            identifiers.append((kind, normalise(kind, value, region)))
        except InvalidIdentifier as exc:
            raise InvalidEvent(f"subject.{kind.value}: {exc}") from None
    # The digest covers the event as understood (fields of the format, instants in UTC), so that key
    # order, spacing, time-zone notation and fields of the producer's own do not make it differ.
    digest = hashlib.blake2b(_ADAPTER.dump_json(event), digest_size=32).digest()
    return ParsedEvent(event, digest, tuple(identifiers))
