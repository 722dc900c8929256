"""Signing in to "Meine Daten": an address typed in, a one-time code to an address on file, the code back.

Nothing here tells the visitor whether an address is known: whoever types an address gets the same page,
and whoever enters a code learns only that it was right or not (the same for an unknown address). A code
goes only to an email address already on file for the person (for a phone number: the person's email
address; there is no SMS gateway). Codes are 8 digits, valid `portal_code_minutes`, kept as keyed
hashes (`requests.identity`), void after 5 wrong tries; only the newest one of a person counts.

Rate limits, in memory only, keyed by the blind-index hash of the address (never the address itself) and by
the client's IP address, both forgotten when their window has passed: codes sent per address, wrong codes
per address and per client.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from auskunft.answer.builder import SubjectQuery, find_subject
from auskunft.config import Settings
from auskunft.conversations import outbox
from auskunft.conversations.service import audit
from auskunft.domain.identifiers import IdentifierKind, normalise
from auskunft.errors import AuskunftError, InvalidIdentifier, TokenRefused
from auskunft.i18n import translations
from auskunft.ledger import Actor, Ledger
from auskunft.requests import identity
from auskunft.web.auth.ratelimit import SlidingWindow

log = logging.getLogger(__name__)
PORTAL_ACTOR = Actor("portal:subject", "self-service access")
SIGN_IN_ACTOR = Actor("portal:sign-in")


@dataclass(frozen=True, slots=True)
class Address:
    """What the visitor typed, normalised."""

    kind: IdentifierKind
    value: str

    @classmethod
    def parse(cls, raw: str, region: str) -> Address:
        """An email address (when it holds an @) or a phone number; InvalidIdentifier otherwise."""
        raw = raw.strip()
        if not raw or len(raw) > 320:
            raise InvalidIdentifier("enter an email address or a phone number")
        kind = IdentifierKind.EMAIL if "@" in raw else IdentifierKind.PHONE
        return cls(kind, normalise(kind, raw, region))


@dataclass(frozen=True, slots=True)
class Delivery:
    subject_id: int
    to: str
    code: str


class Limits:
    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        window = settings.portal_window_minutes * 60.0
        self.sent = SlidingWindow(settings.portal_codes_per_address, window, clock)
        self.failed_address = SlidingWindow(settings.portal_failures_per_address, window, clock)
        self.failed_client = SlidingWindow(settings.portal_failures_per_ip, window, clock)

    def retry_after(self, address_key: str, client: str | None) -> int:
        waits = [self.failed_address.retry_after(address_key)]
        if client:
            waits.append(self.failed_client.retry_after(client))
        return max(waits)

    def failed(self, address_key: str, client: str | None) -> None:
        self.failed_address.hit(address_key)
        if client:
            self.failed_client.hit(client)


def address_key(ledger: Ledger, address: Address) -> str:
    """How the rate limits name an address: its blind-index hash, never the address."""
    return ledger.index.lookup(address.kind.value, address.value).hex()


def prepare_code(ledger: Ledger, address: Address, valid: timedelta) -> Delivery | None:
    """A new sign-in code for the person `address` names, to go to their email address on file; None when
    nobody is known by it or the person has no email address on file (nothing is sent then)."""
    with ledger.engine.begin() as connection:
        subject_id = find_subject(
            connection,
            ledger.index,
            SubjectQuery(address.kind, address.value),
            ledger.settings.default_region,
        )
        if subject_id is None:
            return None
        preferred = address.value if address.kind is IdentifierKind.EMAIL else None
        to = identity.address_on_file(connection, subject_id, preferred)
        if to is None:
            audit(connection, SIGN_IN_ACTOR, "portal.no_address", subject_id, "sign-in code not sent")
            return None
        code = identity.issue(ledger, connection, identity.PORTAL, subject_id, to, valid=valid)
        audit(connection, SIGN_IN_ACTOR, "portal.code_issued", subject_id, f"by {address.kind.value}")
    return Delivery(subject_id, to, code)


def send_code(
    ledger: Ledger, mailer: outbox.Mailer | None, delivery: Delivery, minutes: int, lang: str
) -> bool:
    """Mail the code (automatic, plain text, no advertising); False when it could not be sent."""
    with ledger.engine.connect() as connection:
        controller = ledger.register(connection).controller
    company = controller.name if controller else "auskunft"
    tr = translations(lang).gettext
    body = "\n".join(
        [
            tr("Hello,"),
            "",
            tr('your sign-in code for "My data" at {company} is:').format(company=company),
            "",
            f"    {delivery.code}",
            "",
            tr("It is valid for {minutes} minutes and can be used once.").format(minutes=minutes),
            tr(
                "If you did not ask for it, please ignore this message: without the code nobody sees "
                "your data."
            ),
            "",
            company,
        ]
    )
    message = outbox.compose(
        sender=outbox.sender_address(ledger.settings, controller),
        to=delivery.to,
        subject=tr('Your sign-in code for "My data"'),
        body=body + "\n",
        lang=lang,
        automatic=True,
    )
    sent = False
    if mailer is None:
        log.warning("no SMTP server is configured: a portal sign-in code was not sent")
    else:
        try:
            mailer.send(message)
            sent = True
        except AuskunftError as exc:
            log.warning("sending a portal sign-in code failed: %s", type(exc).__name__)
    with ledger.engine.begin() as connection:
        action = "portal.code_sent" if sent else "portal.code_not_sent"
        audit(connection, SIGN_IN_ACTOR, action, delivery.subject_id, "sign-in code")
    return sent


def redeem(ledger: Ledger, address: Address, code: str) -> tuple[int, str] | None:
    """The person and the address their code went to, when `code` is right; None otherwise (also for an
    address nobody is known by). Every try is written to the audit trail of a known person."""
    with ledger.engine.connect() as connection:
        subject_id = find_subject(
            connection,
            ledger.index,
            SubjectQuery(address.kind, address.value),
            ledger.settings.default_region,
        )
    if subject_id is None:
        return None
    digits = "".join(ch for ch in code if ch.isdigit())
    try:
        if len(digits) != 8:
            raise TokenRefused("wrong", "a code has 8 digits")
        to = identity.redeem_portal(ledger, subject_id, digits, datetime.now(UTC))
    except TokenRefused as refused:
        with ledger.engine.begin() as connection:
            audit(connection, SIGN_IN_ACTOR, "portal.code_refused", subject_id, refused.reason)
        return None
    with ledger.engine.begin() as connection:
        audit(connection, SIGN_IN_ACTOR, "portal.signed_in", subject_id, "sign-in code")
    return subject_id, to
