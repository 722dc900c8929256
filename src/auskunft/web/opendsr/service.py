"""OpenDSR requests as request cases: submit (idempotent by subject_request_id), read the status, cancel.

A request opens a case of the mapped kind (`mapping.KINDS`) on the channel `opendsr`, received on the day
the person made the request (`submitted_time`, in the configured time zone), so that its deadline is the
one the controller owes under Art. 12(3) GDPR. The controller has checked the person's identity before
submitting (specification, section 3.2), so no acknowledgement or identity code goes to the person from
here: the identities are kept on the case as claimed identity lines, and the case waits for an agent.

A controller sees only the requests it submitted: the controller is the name of the API key (its
`controller_id`); another controller's request is "not found".
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from auskunft.config import Settings
from auskunft.domain.identifiers import normalise
from auskunft.domain.request_case import CaseState
from auskunft.errors import Conflict, InvalidInput, NotFound
from auskunft.ledger import Actor, Ledger
from auskunft.requests import cases
from auskunft.store import conversation_tables as ct
from auskunft.store import opendsr_tables as ot
from auskunft.store import tables as t
from auskunft.web.opendsr import mapping
from auskunft.web.opendsr.mapping import CHANNEL, RequestStatus, status_of
from auskunft.web.opendsr.models import Identity, SubmittedRequest
from auskunft.web.opendsr.signing import canonical

CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a submitted_time may lie (the controller's clock may run ahead)."""


@dataclass(frozen=True, slots=True)
class Stored:
    """An OpenDSR request as auskunft holds it, with the state of its case."""

    id: int
    subject_request_id: str
    case_id: int
    controller_id: str
    processor_domain: str
    received_time: datetime
    status_callback_urls: list[str]
    due_on: date
    status: RequestStatus
    outcome: str | None


def rfc3339(moment: datetime) -> str:
    """`2026-11-01T22:59:59Z`: UTC, whole seconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def expected_completion(settings: Settings, due_on: date) -> datetime:
    """The end of the deadline's last day in the configured time zone."""
    zone = ZoneInfo(settings.timezone)
    return datetime.combine(due_on, time(23, 59, 59), zone).astimezone(UTC)


def identifiers_of(identities: list[Identity], region: str) -> tuple[dict[str, str], int]:
    """The identifiers auskunft can use (first of each kind), and how many identities it cannot use."""
    found: dict[str, str] = {}
    unusable = 0
    for number, item in enumerate(identities):
        kind = mapping.SUPPORTED_IDENTITIES.get((item.identity_type, item.identity_format))
        if kind is None:
            unusable += 1
            continue
        try:
            normalise(kind, item.identity_value, region)
        except InvalidInput:
            raise InvalidInput(
                f"subject_identities[{number}]: not a valid {item.identity_type.value} value"
            ) from None
        found.setdefault(kind.value, item.identity_value.strip())
    if not found:
        supported = ", ".join(f"{t.value}/{f.value}" for t, f in mapping.SUPPORTED_IDENTITIES)
        raise InvalidInput(f"subject_identities: give at least one identity auskunft supports ({supported})")
    return found, unusable


def check_callback_urls(urls: list[str], allow_http: bool) -> None:
    schemes = ("https", "http") if allow_http else ("https",)
    for number, url in enumerate(urls):
        try:
            parts = urlsplit(url)
            valid = parts.scheme in schemes and bool(parts.hostname) and parts.port != 0
        except ValueError:
            valid = False
        if not valid or any(ch.isspace() for ch in url):
            raise InvalidInput(f"status_callback_urls[{number}]: not an absolute {' or '.join(schemes)} URL")


def _hash(ledger: Ledger, request: SubmittedRequest) -> bytes:
    data = request.model_dump(mode="json")
    return hmac.new(ledger.index.subkey("opendsr-request"), canonical(data), hashlib.sha256).digest()


def _select() -> Any:
    return select(
        ot.OpenDsrRequest.id,
        ot.OpenDsrRequest.subject_request_id,
        ot.OpenDsrRequest.case_id,
        ot.OpenDsrRequest.controller_id,
        ot.OpenDsrRequest.processor_domain,
        ot.OpenDsrRequest.received_time,
        ot.OpenDsrRequest.status_callback_urls,
        ot.OpenDsrRequest.request_hash,
        ct.RequestCase.due_on,
        ct.RequestCase.state,
        ct.RequestCase.outcome,
    ).join(ct.RequestCase, ct.RequestCase.id == ot.OpenDsrRequest.case_id)


def _stored(row: Any) -> Stored:
    return Stored(
        row.id,
        row.subject_request_id,
        row.case_id,
        row.controller_id,
        row.processor_domain,
        row.received_time,
        list(row.status_callback_urls),
        row.due_on,
        status_of(CaseState(row.state)),
        row.outcome,
    )


def find(connection: Connection, subject_request_id: str, controller_id: str) -> Stored:
    """The controller's request; NotFound for an unknown id and for another controller's request alike."""
    row = connection.execute(
        _select().where(ot.OpenDsrRequest.subject_request_id == subject_request_id)
    ).first()
    if row is None or not hmac.compare_digest(row.controller_id, controller_id):
        raise NotFound("no OpenDSR request with this subject_request_id")
    return _stored(row)


def submit(
    ledger: Ledger, request: SubmittedRequest, controller_id: str, domain: str, actor: Actor
) -> tuple[Stored, bool]:
    """The stored request and whether it is new. A repeated submission (same id, same content, same
    controller) returns the stored one; the same id with anything else is a Conflict."""
    settings = ledger.settings
    now = datetime.now(UTC)
    if request.regulation is not mapping.Regulation.GDPR:
        raise InvalidInput("regulation: this processor handles GDPR requests only (gdpr)")
    if request.submitted_time > now + CLOCK_SKEW:
        raise InvalidInput("submitted_time: lies in the future")
    identifiers, unusable = identifiers_of(request.subject_identities, settings.default_region)
    check_callback_urls(request.status_callback_urls, settings.opendsr_callback_allow_http)
    digest = _hash(ledger, request)
    for _ in range(2):
        try:
            return _submit(ledger, request, controller_id, domain, actor, digest, identifiers, unusable, now)
        except IntegrityError:
            continue  # submitted twice at the same moment: the other one won; answer with it
    raise Conflict("the request could not be stored; try again")  # pragma: no cover - needs a race twice


def _submit(
    ledger: Ledger,
    request: SubmittedRequest,
    controller_id: str,
    domain: str,
    actor: Actor,
    digest: bytes,
    identifiers: dict[str, str],
    unusable: int,
    now: datetime,
) -> tuple[Stored, bool]:
    zone = ZoneInfo(ledger.settings.timezone)
    with ledger.engine.begin() as connection:
        row = connection.execute(
            _select().where(ot.OpenDsrRequest.subject_request_id == request.subject_request_id)
        ).first()
        if row is not None:
            same = hmac.compare_digest(row.request_hash, digest) and row.controller_id == controller_id
            if not same:
                raise Conflict("subject_request_id is already used for another request")
            return _stored(row), False
        received_on = request.submitted_time.astimezone(zone).date()
        case_id = cases.open_from_message(
            connection,
            cases.Claim(
                mapping.KINDS[request.subject_request_type],
                ledger.settings.language,
                request.subject_request_id,
                identifiers,
            ),
            channel=CHANNEL,
            received_on=received_on,
            conversation_id=None,
            message_id=None,
            sender={},
            sender_known_subject=None,
            sender_subject=None,
        )
        cases.event(
            connection,
            case_id,
            actor,
            "opendsr.received",
            subject_request_id=request.subject_request_id,
            regulation=request.regulation.value,
            identities=len(identifiers),
            unusable_identities=unusable,
        )
        due_on = connection.scalar(select(ct.RequestCase.due_on).where(ct.RequestCase.id == case_id))
        connection.execute(
            insert(ot.OpenDsrRequest).values(
                subject_request_id=request.subject_request_id,
                case_id=case_id,
                controller_id=controller_id,
                request_type=request.subject_request_type.value,
                regulation=request.regulation.value,
                api_version=request.api_version,
                processor_domain=domain,
                submitted_time=request.submitted_time,
                received_time=now,
                request_hash=digest,
                status_callback_urls=list(request.status_callback_urls),
                reported_status=RequestStatus.PENDING.value,
                reported_due=due_on,
            )
        )
        stored = find(connection, request.subject_request_id, controller_id)
    return stored, True


def status(ledger: Ledger, subject_request_id: str, controller_id: str, actor: Actor) -> Stored:
    """The request's status, read from its case; the read is written to the audit trail."""
    with ledger.engine.begin() as connection:
        stored = find(connection, subject_request_id, controller_id)
        _audit(connection, actor, "opendsr.status_read", stored.case_id)
    return stored


def cancel(ledger: Ledger, subject_request_id: str, controller_id: str, actor: Actor) -> Stored:
    """Cancel a pending request: its case is refused with the reason "cancelled by controller".

    Cancelling again is answered like the first time; a request no longer pending is a Conflict
    (specification, section 9: cancellation only while pending).
    """
    with ledger.engine.connect() as connection:
        stored = find(connection, subject_request_id, controller_id)
    if stored.status is RequestStatus.CANCELLED and stored.outcome == mapping.CANCEL_REASON:
        return stored
    if stored.status is not RequestStatus.PENDING:
        raise Conflict(f"only a pending request can be cancelled; this one is {stored.status.value}")
    cases.transition(ledger, stored.case_id, CaseState.REFUSED, actor, mapping.CANCEL_REASON)
    with ledger.engine.connect() as connection:
        return find(connection, subject_request_id, controller_id)


def _audit(connection: Connection, actor: Actor, action: str, case_id: int) -> None:
    subject_id = connection.scalar(select(ct.RequestCase.subject_id).where(ct.RequestCase.id == case_id))
    connection.execute(
        insert(t.AuditEntry).values(
            at=datetime.now(UTC),
            actor=actor.name,
            action=action,
            subject_id=subject_id,
            reason=f"case {case_id}" + (f"; {actor.reason}" if actor.reason else ""),
        )
    )
