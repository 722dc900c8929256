"""The contact form as a working part: configuration, spam guard, and what a valid submission sets off.

`FormChannel.submit` is the whole behaviour behind the POST route: the route only reads the request and
renders the result. A valid submission goes to the conversation service (`receive`) as an `Inbound` with
the form's URL as source; a ticked marketing box starts a double opt-in whose confirmation is sent by the
`Mailer` (by default the email channel's SMTP sender, when one is configured). The sender's IP address is
used for the rate limit (in memory, hashed, for the window only) and, only when the marketing box is
ticked, kept as proof of the consent request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from auskunft.channels.form import submission as sub
from auskunft.channels.form.config import FormConfig
from auskunft.channels.form.guard import Clock, FormToken, RateLimit, SpamCounter, Verdict
from auskunft.consent import doi
from auskunft.conversations import outbox, service
from auskunft.conversations.model import Inbound, Received
from auskunft.conversations.outbox import Mailer
from auskunft.errors import AuskunftError
from auskunft.ledger import Ledger

log = logging.getLogger(__name__)

PATH = "/kontakt"


@dataclass(frozen=True, slots=True)
class Client:
    """What the request tells about the sender: used, never stored with the submission."""

    ip: str | None
    user_agent: str | None


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str
    """`sent`, `invalid` (show the form again), `spam` (neutral page), `limited` (too many)."""
    submission: sub.Submission | None = None
    received: Received | None = None
    consent_requested: bool = False
    confirmation_sent: bool = False


class FormChannel:
    def __init__(
        self,
        ledger: Ledger | Callable[[], Ledger],
        config: FormConfig,
        *,
        mailer: Mailer | None = None,
        clock: Clock = time.time,
        rate_limit: RateLimit | None = None,
    ) -> None:
        self._ledger = ledger
        self.config = config
        self._mailer = mailer
        self._clock = clock
        self._token: FormToken | None = None
        spam = config.spam
        if rate_limit is None:
            rate_limit = RateLimit(spam.per_ip, spam.window_minutes * 60.0)
        self.rate_limit = rate_limit
        self.spam = SpamCounter()

    @property
    def ledger(self) -> Ledger:
        """The ledger (given, or the application's, opened at start-up)."""
        return self._ledger if isinstance(self._ledger, Ledger) else self._ledger()

    @property
    def mailer(self) -> Mailer | None:
        """The mailer given, else the email channel's SMTP sender when one is configured."""
        if self._mailer is None:
            self._mailer = outbox.smtp_mailer(self.ledger.settings)
        return self._mailer

    @property
    def token(self) -> FormToken:
        if self._token is None:
            self._token = FormToken(self.ledger.index.subkey("contact-form-token"), self._clock)
        return self._token

    def public_url(self) -> str:
        if self.config.public_url:
            return self.config.public_url
        with self.ledger.engine.connect() as connection:
            controller = self.ledger.register(connection).controller
        website = controller.website if controller else None
        return f"{website.rstrip('/')}{PATH}" if website else PATH

    def submit(self, posted: Mapping[str, str], client: Client, lang: str) -> Outcome:
        if posted.get("website"):
            return self._spam("honeypot")
        check = self.token.check(
            str(posted.get("form_token", "")),
            self.config.spam.min_seconds,
            self.config.spam.max_age_minutes * 60.0,
        )
        if check.verdict in (Verdict.FORGED, Verdict.TOO_FAST):
            return self._spam(check.verdict.value)
        if not self.rate_limit.hit(client.ip or "unknown"):
            self.spam.count("rate_limit")
            return Outcome("limited")
        submission = sub.read(self.config, posted, lang, self.ledger.settings.default_region)
        if check.verdict is Verdict.EXPIRED:
            return Outcome("expired", submission)
        if not submission.valid:
            return Outcome("invalid", submission)
        url = self.public_url()
        inbound = sub.inbound(
            self.config,
            submission,
            url=url,
            external_id=sub.submission_id(check.nonce, submission),
            at=datetime.now(UTC),
            lang=lang,
        )
        received = service.receive(self.ledger, inbound, self.mailer)
        requested = sent = False
        if submission.consent and not received.duplicate:
            requested, sent = self._double_opt_in(inbound, client, url, lang)
        return Outcome("sent", submission, received, requested, sent)

    def _spam(self, reason: str) -> Outcome:
        self.spam.count(reason)
        log.info("contact form: submission turned away (%s)", reason)
        return Outcome("spam")

    def _double_opt_in(self, inbound: Inbound, client: Client, url: str, lang: str) -> tuple[bool, bool]:
        consent = self.config.marketing_consent
        email = inbound.sender.get("email")
        if consent is None or not email:
            return False, False
        evidence = {"ip": client.ip, "user_agent": client.user_agent, "form_url": url}
        try:
            pending = doi.request(
                self.ledger,
                {"email": email},
                consent.purpose,
                consent.channel,
                consent.wording.get(lang),
                consent.version,
                {key: value for key, value in evidence.items() if value},
                {"kind": "channel", "channel": inbound.channel.value, "detail": url},
                lang=lang,
            )
        except AuskunftError as exc:
            log.warning("contact form: double opt-in not started: %s", exc)
            return False, False
        if self.mailer is None:
            log.warning("contact form: no mailer configured, the double opt-in confirmation was not sent")
            return True, False
        try:
            self.mailer.send(pending.message)
        except (OSError, AuskunftError) as exc:
            log.warning("contact form: the confirmation could not be sent: %s", type(exc).__name__)
            return True, False
        return True, True
