"""What a signed-in customer can do in the portal: withdraw a consent, object to advertising, ask for erasure
or correction. Each acts only on the person the session belongs to and is recorded like any other route
(consent events and objections through the ingest path; request cases with their trail).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from auskunft.answer.model import Answer
from auskunft.consent import unsubscribe
from auskunft.consent.subjects import iso, subject_ref
from auskunft.errors import InvalidInput
from auskunft.ingest.report import IngestReport
from auskunft.ledger import Actor, Ledger
from auskunft.requests import cases
from auskunft.requests.kinds import RequestKind

VIA = "portal"
ACTIVE = ("granted", "pending")
"""Consent states a customer can withdraw (a pending one: the double opt-in is not confirmed yet)."""
REQUEST_KINDS = {"erasure": RequestKind.ERASURE, "rectification": RequestKind.RECTIFICATION}
MAX_DETAILS = 5000


def withdraw(
    ledger: Ledger, answer: Answer, subject_id: int, purpose: str, channel: str
) -> unsubscribe.Withdrawal:
    """Withdraw one of the person's active consents (as shown in `answer`), effective now."""
    if not any(c.purpose == purpose and c.channel == channel and c.status in ACTIVE for c in answer.consents):
        raise InvalidInput("no such active consent")
    with ledger.engine.connect() as connection:
        ref = subject_ref(connection, subject_id)
    return unsubscribe.withdraw(
        ledger, ref, purpose, channel, VIA, evidence={"authenticated_by": "portal_code"}
    )


def object_to_advertising(ledger: Ledger, subject_id: int) -> IngestReport:
    """An objection to all direct marketing on every channel (Art. 21(2), (3) GDPR), effective now."""
    with ledger.engine.connect() as connection:
        ref = subject_ref(connection, subject_id)
    event = {
        "event_id": f"portal-objection-{uuid.uuid4().hex}",
        "type": "objection",
        "subject": ref,
        "at": iso(datetime.now(UTC)),
        "via": VIA,
    }
    report = ledger.ingest_objects([event])
    if not report.ok:
        raise InvalidInput("the objection could not be recorded")
    return report


def open_request(
    ledger: Ledger, subject_id: int, address: str, kind: str, details: str, lang: str
) -> cases.Case:
    """A request for erasure or rectification, opened as a verified case (the person signed in with a code
    sent to an address on file) and tied to them."""
    wanted = REQUEST_KINDS.get(kind)
    if wanted is None:
        raise InvalidInput("choose erasure or rectification")
    details = details.strip()
    if wanted is RequestKind.RECTIFICATION and not details:
        raise InvalidInput("say what is to be corrected")
    if len(details) > MAX_DETAILS:
        raise InvalidInput(f"at most {MAX_DETAILS} characters")
    case_id = cases.open_verified(
        ledger,
        wanted,
        cases.today(ledger),
        subject_id,
        {"email": address},
        Actor("portal:subject", "request in the portal"),
        channel=VIA,
        language=lang,
        details=details or None,
    )
    with ledger.engine.connect() as connection:
        return cases.get(connection, case_id)
