"""Double opt-in: request, confirm, expire.

`request` writes a `requested` consent event (through the ingest path) and a single-use token of which
only the SHA-256 hash is stored; the token goes into the link of the confirmation email. `confirm` takes
the token back, marks it used and writes a `confirmed` event: only then is the consent granted
(domain/consent.py). `expire` turns requests never confirmed into `expired` events.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote, urlsplit

from sqlalchemy import exists, insert, select, update

from auskunft.answer import labels
from auskunft.consent import mail
from auskunft.consent.subjects import consent_id, find_subject, ingest, iso, steps, subject_ref, utc
from auskunft.domain.consent import ConsentAction, ConsentStatus, ConsentStep, status
from auskunft.errors import InvalidInput, TokenRefused
from auskunft.i18n import language, translations
from auskunft.ledger import Ledger
from auskunft.store import tables as t

DEFAULT_TTL = timedelta(days=7)
METHOD = "double_opt_in"
CONFIRM_PATH = "/consent/confirm"


@dataclass(frozen=True, slots=True)
class Pending:
    """A request waiting for its confirmation: send `message`; `token` is in its link and nowhere else."""

    token: str
    link: str
    token_id: int
    consent_id: int
    event_id: str
    requested_at: datetime
    expires_at: datetime
    message: EmailMessage


@dataclass(frozen=True, slots=True)
class Confirmed:
    consent_id: int
    token_id: int
    event_id: str
    confirmed_at: datetime
    purpose: str
    channel: str


TOKEN_PREFIX = "doi_"  # noqa: S105 - a public prefix, not a secret
"""Double opt-in tokens look like `doi_<43 URL-safe characters>` (only their hash is stored)."""


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def confirm_link(base_url: str, token: str) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise InvalidInput("the base URL must be an http(s) URL, e.g. https://www.example.de")
    return f"{base_url.rstrip('/')}{CONFIRM_PATH}?token={quote(token, safe='')}"


def request(
    ledger: Ledger,
    identifiers: Mapping[str, str],
    purpose: str,
    channel: str,
    wording: str,
    wording_version: str,
    evidence: Mapping[str, Any],
    source: Mapping[str, Any] | None = None,
    ttl: timedelta = DEFAULT_TTL,
    *,
    base_url: str | None = None,
    lang: str = "de",
    at: datetime | None = None,
) -> Pending:
    """Ask the person to confirm `wording` for `purpose` on `channel`; nothing is granted yet.

    `identifiers` must hold the email address the confirmation goes to. `base_url` defaults to the
    controller's website from the register. The message is German unless `lang` is "en".
    """
    email = identifiers.get("email")
    if not email:
        raise InvalidInput("double opt-in needs the email address the confirmation is sent to")
    if not wording.strip() or not wording_version.strip():
        raise InvalidInput("the wording shown to the person and its version are needed as proof")
    if ttl <= timedelta(0):
        raise InvalidInput("the confirmation link must be valid for some time")
    lang = language(lang)
    moment = utc(at)
    expires = moment + ttl
    with ledger.engine.connect() as connection:
        register = ledger.register(connection)
    base = base_url or (register.controller.website if register.controller else None)
    if not base:
        raise InvalidInput("give the base URL of the confirmation link (no website in the register)")
    # A fixed prefix: the token never starts with "-", which a command line would take for an option.
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    link = confirm_link(base, token)
    tr = translations(lang).gettext
    activity = register.activities.get(purpose)
    text = mail.Confirmation(
        to=email,
        controller=register.controller,
        purpose_label=activity.name.get(lang) if activity else purpose,
        channel_label=labels.label(labels.CHANNELS, channel, tr),
        wording=wording,
        wording_version=wording_version,
        expires_at=expires,
        lang=lang,
        timezone=ledger.settings.timezone,
    )
    event_id = f"doi-{uuid.uuid4().hex}"
    event: dict[str, Any] = {
        "event_id": event_id,
        "type": "consent",
        "subject": dict(identifiers),
        "purpose": purpose,
        "channel": channel,
        "action": ConsentAction.REQUESTED.value,
        "at": iso(moment),
        "method": METHOD,
        "wording": wording,
        "wording_version": wording_version,
        "evidence": {
            **evidence,
            "confirmation_expires_at": iso(expires),
            "confirmation_message": mail.evidence_copy(text, link),
        },
    }
    if source is not None:
        event["source"] = dict(source)
    ingest(ledger, [event])
    with ledger.engine.begin() as connection:
        subject = find_subject(connection, ledger.index, {"email": email}, ledger.settings.default_region)
        consent = consent_id(connection, subject, purpose, channel) if subject is not None else None
        assert consent is not None, "the requested event was stored"
        token_id = connection.scalar(
            insert(t.ConsentToken)
            .values(token_hash=token_hash(token), consent_id=consent, created_at=moment, expires_at=expires)
            .returning(t.ConsentToken.id)
        )
    assert token_id is not None
    return Pending(token, link, int(token_id), consent, event_id, moment, expires, mail.message(text, link))


def confirm(
    ledger: Ledger, token: str, evidence: Mapping[str, Any], *, at: datetime | None = None
) -> Confirmed:
    """The person clicked the link: a valid token is used up and the consent confirmed.

    Unknown (or guessed), used and expired tokens are refused with TokenRefused, and so is a token whose
    request was ended since (withdrawn, refused, expired): a stale link never revives a consent.
    """
    moment = utc(at)
    c = t.ConsentToken
    with ledger.engine.begin() as connection:
        row = connection.execute(
            select(c.id, c.consent_id, c.created_at, c.expires_at, c.used_at, t.Consent.subject_id)
            .add_columns(t.Consent.purpose, t.Consent.channel)
            .join(t.Consent, t.Consent.id == c.consent_id)
            .where(c.token_hash == token_hash(token))
        ).first()
        if row is None:
            raise TokenRefused("unknown", "unknown confirmation link (mistyped, or not ours)")
        if row.used_at is not None:
            raise TokenRefused("used", f"this confirmation link was already used on {row.used_at:%Y-%m-%d}")
        if moment >= row.expires_at:
            raise TokenRefused("expired", f"this confirmation link expired on {row.expires_at:%Y-%m-%d}")
        if (
            status([*steps(connection, row.consent_id), ConsentStep(ConsentAction.CONFIRMED, moment)])
            is not ConsentStatus.GRANTED
        ):
            raise TokenRefused("closed", "the request was withdrawn, refused or has lapsed since")
        claimed = connection.execute(
            update(c).where(c.id == row.id, c.used_at.is_(None)).values(used_at=moment)
        )
        if claimed.rowcount != 1:
            raise TokenRefused("used", "this confirmation link was already used")
        ref = subject_ref(connection, row.subject_id)
    event_id = f"doi-confirmed-{row.id}"
    event = {
        "event_id": event_id,
        "type": "consent",
        "subject": ref,
        "purpose": row.purpose,
        "channel": row.channel,
        "action": ConsentAction.CONFIRMED.value,
        "at": iso(moment),
        "method": METHOD,
        "evidence": {**evidence, "token_id": row.id, "requested_at": iso(row.created_at)},
    }
    try:
        ingest(ledger, [event])
    except BaseException:
        with ledger.engine.begin() as connection:  # give the link back: nothing was confirmed
            connection.execute(update(c).where(c.id == row.id).values(used_at=None))
        raise
    return Confirmed(row.consent_id, row.id, event_id, moment, row.purpose, row.channel)


def expire(ledger: Ledger, now: datetime | None = None) -> list[int]:
    """Write `expired` events for requests whose link lapsed unconfirmed; the ids of their tokens.

    Only a request still open is expired: one confirmed, withdrawn or followed by a newer request is left
    alone, and so is a new request for a consent already granted (it never ended that consent). The event
    is dated at the link's expiry. Running it again writes nothing new.
    """
    moment = utc(now)
    c, e = t.ConsentToken, t.ConsentEvent
    later = exists().where(e.consent_id == c.consent_id, e.at > c.created_at)
    with ledger.engine.connect() as connection:
        rows = connection.execute(
            select(c.id, c.consent_id, c.created_at, c.expires_at, t.Consent.subject_id)
            .add_columns(t.Consent.purpose, t.Consent.channel)
            .join(t.Consent, t.Consent.id == c.consent_id)
            .where(c.used_at.is_(None), c.expires_at <= moment, ~later)
            .order_by(c.id)
        ).all()
        events: list[dict[str, Any]] = []
        for row in rows:
            if status(steps(connection, row.consent_id)) is not ConsentStatus.PENDING:
                continue
            events.append(
                {
                    "event_id": f"doi-expired-{row.id}",
                    "type": "consent",
                    "subject": subject_ref(connection, row.subject_id),
                    "purpose": row.purpose,
                    "channel": row.channel,
                    "action": ConsentAction.EXPIRED.value,
                    "at": iso(row.expires_at),
                    "method": METHOD,
                    "evidence": {
                        "token_id": row.id,
                        "requested_at": iso(row.created_at),
                        "reason": "double opt-in not confirmed before the link expired",
                    },
                }
            )
    if events:
        ingest(ledger, events)
    return [int(event["evidence"]["token_id"]) for event in events]
