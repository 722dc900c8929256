"""Status callbacks: queued when a case's OpenDSR status changes, delivered signed, retried with backoff.

`queue_changes` compares every open OpenDSR request with its case and queues one callback per
`status_callback_urls` entry where the status (or the deadline behind `expected_completion_time`) differs
from what was last told — whoever changed the case (API, console, CLI). `deliver` posts what is due:
signed (`X-OpenDSR-Signature`, see `signing`), oldest first, never a later callback to a URL before an
earlier one went through. A failed attempt is retried after 1, 2, 4, ... minutes (at most 6 hours apart);
after `opendsr_callback_attempts` attempts the callback is given up and reported (specification 8.5:
processors should monitor failed callbacks and tell the controller).

`auskunft opendsr deliver` runs both (from cron, every minute); the web app also makes the first attempt
right after a change it made itself.
"""

from __future__ import annotations

import http.client
import ssl
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import Connection, insert, select, update

from auskunft.domain.request_case import CaseState
from auskunft.errors import ConfigurationError
from auskunft.ledger import Ledger
from auskunft.store import conversation_tables as ct
from auskunft.store import opendsr_tables as ot
from auskunft.web.opendsr.mapping import RequestStatus, status_of
from auskunft.web.opendsr.service import expected_completion, rfc3339
from auskunft.web.opendsr.signing import DOMAIN_HEADER, SIGNATURE_HEADER, canonical, sign, signing_key

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)

Post = Callable[[str, bytes, dict[str, str], float], int]
"""Sends a body to a URL and returns the HTTP status; raises OSError when it cannot."""


def queue_changes(ledger: Ledger, connection: Connection, case_id: int | None = None) -> list[int]:
    """Queue callbacks for every open request whose case moved on; returns the ids of those requests."""
    query = (
        select(
            ot.OpenDsrRequest.id,
            ot.OpenDsrRequest.controller_id,
            ot.OpenDsrRequest.subject_request_id,
            ot.OpenDsrRequest.status_callback_urls,
            ot.OpenDsrRequest.reported_status,
            ot.OpenDsrRequest.reported_due,
            ct.RequestCase.state,
            ct.RequestCase.due_on,
        )
        .join(ct.RequestCase, ct.RequestCase.id == ot.OpenDsrRequest.case_id)
        .where(ot.OpenDsrRequest.reported_status.in_([RequestStatus.PENDING, RequestStatus.IN_PROGRESS]))
    )
    if case_id is not None:
        query = query.where(ot.OpenDsrRequest.case_id == case_id)
    changed = []
    now = datetime.now(UTC)
    for request in connection.execute(query):
        current = status_of(CaseState(request.state))
        due_on = request.due_on
        if current.value == request.reported_status and due_on == request.reported_due:
            continue
        connection.execute(
            update(ot.OpenDsrRequest)
            .where(ot.OpenDsrRequest.id == request.id)
            .values(reported_status=current.value, reported_due=due_on)
        )
        for url in request.status_callback_urls:
            body = {
                "controller_id": request.controller_id,
                "status_callback_url": url,
                "subject_request_id": request.subject_request_id,
                "request_status": current.value,
                "expected_completion_time": rfc3339(expected_completion(ledger.settings, due_on)),
            }
            connection.execute(
                insert(ot.OpenDsrCallback).values(
                    request_id=request.id,
                    url=url,
                    body=canonical(body).decode("ascii"),
                    state=PENDING,
                    created_at=now,
                    attempts=0,
                    next_attempt_at=now,
                    delivered_at=None,
                    last_error=None,
                )
            )
        changed.append(request.id)
    return changed


@dataclass
class Report:
    delivered: int = 0
    retrying: int = 0
    given_up: list[str] = field(default_factory=list)
    """subject_request_id of each callback given up in this run."""
    waiting: int = 0
    """Callbacks not yet due (backoff) or held behind an earlier one to the same URL."""


def post_json(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST `body` to `url` and return the status. No redirects are followed, no proxy is used."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            host, parts.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(host, parts.port, timeout=timeout)
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        response.read(65_536)
        return response.status
    finally:
        connection.close()


def deliver(
    ledger: Ledger,
    *,
    request_ids: list[int] | None = None,
    post: Post = post_json,
    now: datetime | None = None,
) -> Report:
    """Post every callback that is due (of `request_ids` only, when given)."""
    settings = ledger.settings
    key = signing_key(settings)
    now = now or datetime.now(UTC)
    report = Report()
    query = (
        select(
            ot.OpenDsrCallback.id,
            ot.OpenDsrCallback.request_id,
            ot.OpenDsrCallback.url,
            ot.OpenDsrCallback.body,
            ot.OpenDsrCallback.attempts,
            ot.OpenDsrCallback.next_attempt_at,
            ot.OpenDsrRequest.processor_domain,
            ot.OpenDsrRequest.subject_request_id,
        )
        .join(ot.OpenDsrRequest, ot.OpenDsrRequest.id == ot.OpenDsrCallback.request_id)
        .where(ot.OpenDsrCallback.state == PENDING)
        .order_by(ot.OpenDsrCallback.id)
    )
    if request_ids is not None:
        query = query.where(ot.OpenDsrCallback.request_id.in_(request_ids))
    with ledger.engine.connect() as connection:
        due = connection.execute(query).all()
    held: set[tuple[int, str]] = set()
    for callback in due:
        line = (callback.request_id, callback.url)
        if line in held or callback.next_attempt_at > now:
            held.add(line)
            report.waiting += 1
            continue
        body = callback.body.encode("ascii")
        headers = {
            "Content-Type": "application/json",
            DOMAIN_HEADER: callback.processor_domain,
            SIGNATURE_HEADER: sign(key, body),
        }
        try:
            status = post(callback.url, body, headers, settings.opendsr_callback_timeout)
            error = None if 200 <= status < 300 else f"HTTP {status}"
        except (OSError, http.client.HTTPException, ValueError) as exc:
            error = type(exc).__name__
        attempts = callback.attempts + 1
        values: dict[str, object] = {"attempts": attempts, "last_error": error}
        if error is None:
            values |= {"state": DELIVERED, "delivered_at": datetime.now(UTC)}
            report.delivered += 1
        elif attempts >= settings.opendsr_callback_attempts:
            values |= {"state": FAILED}
            report.given_up.append(callback.subject_request_id)
            held.add(line)
        else:
            wait = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)
            values |= {"next_attempt_at": now + wait}
            report.retrying += 1
            held.add(line)
        with ledger.engine.begin() as connection:
            connection.execute(
                update(ot.OpenDsrCallback).where(ot.OpenDsrCallback.id == callback.id).values(values)
            )
    return report


def run(ledger: Ledger, now: datetime | None = None, post: Post = post_json) -> Report:
    """Queue the callbacks of every change, then deliver what is due (`auskunft opendsr deliver`)."""
    with ledger.engine.begin() as connection:
        queue_changes(ledger, connection)
    return deliver(ledger, post=post, now=now)


def after_change(ledger: Ledger, case_id: int) -> list[int]:
    """Queue the callbacks of one case's change and make their first attempt (for the web app)."""
    with ledger.engine.begin() as connection:
        changed = queue_changes(ledger, connection, case_id)
    if changed:
        # without a signing key the callbacks wait for `auskunft opendsr deliver`, which says why
        with suppress(ConfigurationError):
            deliver(ledger, request_ids=changed)
    return changed
