"""Withdrawal from every direction: unsubscribe link (RFC 8058 one-click), portal, reply, letter, phone.

Withdrawing must be as easy as consenting (Art. 7(3) GDPR) and takes effect at once. Every route ends in
the same `withdrawn` consent event. Where the ledger holds no consent for the purpose and channel (the
messages went out on another basis, e.g. § 7(3) UWG), the same request is an objection to that advertising
(Art. 21(2) GDPR, § 7(3) Nr. 3 UWG) and is recorded as one — an unsubscribe is never lost.

Unsubscribe tokens are stateless: the blind-index hash of the address, purpose and channel, signed with
HMAC-SHA256 under a key derived from the index key. They hold no readable address and need no table.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from auskunft.consent.subjects import (
    consent_id,
    find_subject,
    ingest,
    iso,
    subject_by_lookup,
    subject_ref,
    utc,
)
from auskunft.domain.consent import ConsentAction
from auskunft.domain.identifiers import IdentifierKind, normalise
from auskunft.errors import InvalidInput, NotFound, TokenRefused
from auskunft.ledger import Ledger

ROUTES = ("unsubscribe_link", "portal", "email_reply", "letter", "phone_agent")
"""How a withdrawal can reach us; the event's `method`."""
UNSUBSCRIBE_PATH = "/consent/unsubscribe"
_VERSION = "1"
_KEY_LABEL = "unsubscribe-v1"
_SEP = "\x1f"


@dataclass(frozen=True, slots=True)
class Withdrawal:
    subject_id: int
    purpose: str
    channel: str
    via: str
    at: datetime
    event_id: str
    recorded_as: Literal["withdrawn", "objection"]


@dataclass(frozen=True, slots=True)
class UnsubscribeRequest:
    """What a valid unsubscribe token stands for."""

    lookup: bytes
    purpose: str
    channel: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(ledger: Ledger, payload: bytes) -> bytes:
    return hmac.new(ledger.index.subkey(_KEY_LABEL), payload, hashlib.sha256).digest()


def unsubscribe_token(ledger: Ledger, email: str, purpose: str, channel: str = "email") -> str:
    """A token for the unsubscribe link of messages about `purpose` on `channel` sent to `email`."""
    lookup = ledger.index.lookup(
        IdentifierKind.EMAIL.value, normalise(IdentifierKind.EMAIL, email, ledger.settings.default_region)
    )
    if _SEP in purpose or _SEP in channel:
        raise InvalidInput("purpose and channel keys must not hold control characters")
    payload = _SEP.join((_VERSION, _b64(lookup), purpose, channel)).encode()
    return f"{_b64(payload)}.{_b64(_signature(ledger, payload))}"


def read_token(ledger: Ledger, token: str) -> UnsubscribeRequest:
    """What the token stands for; TokenRefused if it was not made by us or was changed."""
    refused = TokenRefused("forged", "invalid unsubscribe link (changed or not ours)")
    body, dot, signature = token.strip().partition(".")
    if not dot or len(token) > 1000:
        raise refused
    try:
        payload, mac = _unb64(body), _unb64(signature)
    except (binascii.Error, ValueError):
        raise refused from None
    if not hmac.compare_digest(mac, _signature(ledger, payload)):
        raise refused
    version, lookup, purpose, channel = payload.decode().split(_SEP)
    if version != _VERSION:
        raise refused
    return UnsubscribeRequest(_unb64(lookup), purpose, channel)


def unsubscribe_url(base_url: str, token: str) -> str:
    parts = urlsplit(base_url)
    if parts.scheme != "https" or not parts.netloc:
        raise InvalidInput("RFC 8058 needs an https URL for one-click unsubscribe")
    return f"{base_url.rstrip('/')}{UNSUBSCRIBE_PATH}?token={quote(token, safe='')}"


def list_unsubscribe_headers(base_url: str, token: str, mailto: str | None = None) -> dict[str, str]:
    """The RFC 8058 one-click headers (and RFC 2369 mailto) for a message with this token.

    The mail must be DKIM-signed over both headers (RFC 8058 section 4); the https URL must accept a POST
    with the body `List-Unsubscribe=One-Click` and withdraw without any further step.
    """
    targets = [f"<{unsubscribe_url(base_url, token)}>"]
    if mailto:
        targets.append(f"<mailto:{mailto}?subject={quote('unsubscribe ' + token)}>")
    return {"List-Unsubscribe": ", ".join(targets), "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def withdraw(
    ledger: Ledger,
    identifiers: Mapping[str, str],
    purpose: str,
    channel: str,
    via: str,
    at: datetime | None = None,
    evidence: Mapping[str, Any] | None = None,
) -> Withdrawal:
    """Record that the person withdrew consent to `purpose` on `channel`, effective at `at` (default now).

    NotFound if the ledger does not know the person: a withdrawal creates nobody.
    """
    with ledger.engine.connect() as connection:
        subject = find_subject(connection, ledger.index, identifiers, ledger.settings.default_region)
    if subject is None:
        raise NotFound("no person with these identifiers is in the ledger")
    return _withdraw_subject(ledger, subject, purpose, channel, via, at, evidence or {})


def withdraw_by_token(
    ledger: Ledger,
    token: str,
    via: str = "unsubscribe_link",
    at: datetime | None = None,
    evidence: Mapping[str, Any] | None = None,
) -> Withdrawal:
    """Withdraw what an unsubscribe token stands for (one-click POST, or a reply quoting the token)."""
    wanted = read_token(ledger, token)
    with ledger.engine.connect() as connection:
        subject = subject_by_lookup(connection, wanted.lookup)
    if subject is None:
        raise NotFound("the address of this unsubscribe link is no longer in the ledger")
    proof = {**(evidence or {}), "authenticated_by": "unsubscribe_token"}
    return _withdraw_subject(ledger, subject, wanted.purpose, wanted.channel, via, at, proof)


def _withdraw_subject(
    ledger: Ledger,
    subject: int,
    purpose: str,
    channel: str,
    via: str,
    at: datetime | None,
    evidence: Mapping[str, Any],
) -> Withdrawal:
    if via not in ROUTES:
        raise InvalidInput(f"unknown withdrawal route {via!r} (use {', '.join(ROUTES)})")
    moment = utc(at)
    with ledger.engine.connect() as connection:
        ref = subject_ref(connection, subject)
        held = consent_id(connection, subject, purpose, channel) is not None
    event_id = f"withdraw-{uuid.uuid4().hex}"
    common: dict[str, Any] = {
        "event_id": event_id,
        "subject": ref,
        "at": iso(moment),
        "purpose": purpose,
        "channel": channel,
    }
    event: dict[str, Any]
    if held:
        event = {
            **common,
            "type": "consent",
            "action": ConsentAction.WITHDRAWN.value,
            "method": via,
            "evidence": dict(evidence),
        }
    else:
        reference = json.dumps(dict(evidence), ensure_ascii=False, sort_keys=True) if evidence else None
        event = {**common, "type": "objection", "via": via, "reference": reference}
    ingest(ledger, [event])
    return Withdrawal(subject, purpose, channel, via, moment, event_id, "withdrawn" if held else "objection")
