"""Finding the person a consent belongs to, and writing one event through the ingest path."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, case, select

from auskunft.domain.consent import ConsentAction, ConsentStep
from auskunft.domain.identifiers import IdentifierKind, normalise
from auskunft.errors import Conflict, InvalidEvent, InvalidInput
from auskunft.ledger import Ledger
from auskunft.store import tables as t
from auskunft.store.blind_index import BlindIndex


def utc(moment: datetime | None) -> datetime:
    """`moment` in UTC (now when None); naive datetimes are refused."""
    if moment is None:
        return datetime.now(UTC)
    if moment.tzinfo is None:
        raise InvalidInput("times must carry a time zone")
    return moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def kinds(identifiers: Mapping[str, str]) -> list[tuple[IdentifierKind, str]]:
    """The identifiers as (kind, value); an unknown key is refused."""
    result = []
    for key, value in identifiers.items():
        try:
            kind = IdentifierKind(key)
        except ValueError:
            raise InvalidInput(f"unknown identifier {key!r}") from None
        result.append((kind, value))
    if not result:
        raise InvalidInput("give at least one identifier of the person")
    return result


def find_subject(
    connection: Connection, index: BlindIndex, identifiers: Mapping[str, str], region: str = "DE"
) -> int | None:
    """The person all the given identifiers point at; None if none is known, InvalidInput if two people."""
    found: set[int] = set()
    for kind, value in kinds(identifiers):
        lookup = index.lookup(kind.value, normalise(kind, value, region))
        subject = connection.scalar(select(t.Identifier.subject_id).where(t.Identifier.lookup == lookup))
        if subject is not None:
            found.add(int(subject))
    if len(found) > 1:
        raise InvalidInput("the identifiers given belong to different people")
    return found.pop() if found else None


def subject_by_lookup(connection: Connection, lookup: bytes) -> int | None:
    found = connection.scalar(select(t.Identifier.subject_id).where(t.Identifier.lookup == lookup))
    return int(found) if found is not None else None


def subject_ref(connection: Connection, subject_id: int) -> dict[str, str]:
    """One stored identifier of the person (an email address if there is one), to name them in an event.

    Naming a person by what the ledger already holds never links or merges anyone new.
    """
    row = connection.execute(
        select(t.Identifier.kind, t.Identifier.value)
        .where(t.Identifier.subject_id == subject_id)
        .order_by(case((t.Identifier.kind == IdentifierKind.EMAIL.value, 0), else_=1), t.Identifier.id)
        .limit(1)
    ).first()
    if row is None:
        raise InvalidInput("the person holds no identifier any more (erased?)")
    return {row.kind: row.value}


def consent_id(connection: Connection, subject_id: int, purpose: str, channel: str) -> int | None:
    found = connection.scalar(
        select(t.Consent.id).where(
            t.Consent.subject_id == subject_id, t.Consent.purpose == purpose, t.Consent.channel == channel
        )
    )
    return int(found) if found is not None else None


def steps(connection: Connection, consent: int) -> list[ConsentStep]:
    """The steps of one consent so far, for `domain.consent.status`."""
    rows = connection.execute(
        select(t.ConsentEvent.action, t.ConsentEvent.at).where(t.ConsentEvent.consent_id == consent)
    )
    return [ConsentStep(ConsentAction(action), when) for action, when in rows]


def ingest(ledger: Ledger, events: list[dict[str, Any]]) -> None:
    """Write events through the ingest path; raises if the ingestor refused any of them."""
    report = ledger.ingest_objects(events)
    if report.errors:
        reasons = "; ".join(str(error) for error in report.errors)
        if any("(conflict" in error.reason for error in report.errors):
            raise Conflict(reasons)
        raise InvalidEvent(reasons)
