"""API keys: created once with their secret shown, kept only as a hash, verified in constant time.

A key reads `ak_<prefix>_<secret>`: the prefix (eight characters) is stored in the clear to find the
key, to show it in listings and to revoke it; of the whole key only its SHA-256 is stored, and the
hash of a presented key is compared with `hmac.compare_digest`. A key grants its scopes and nothing
else; a revoked key grants nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from auskunft.errors import AuskunftError, Conflict, InvalidInput, NotFound
from auskunft.store import tables as t

PREFIX_LENGTH = 8
SECRET_LENGTH = 40
"""Characters of the secret part: 40 of 62 letters and digits, about 238 bits."""
_ALPHABET = string.ascii_letters + string.digits
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
_FORMAT = re.compile(rf"ak_([a-z0-9]{{{PREFIX_LENGTH}}})_[A-Za-z0-9]{{{SECRET_LENGTH}}}")


class Scope(StrEnum):
    """What a key may do; each route of the API requires one."""

    EVENTS_WRITE = "events:write"
    ANSWERS_READ = "answers:read"
    MARKETING_CHECK = "marketing:check"
    CONSENTS_WRITE = "consents:write"
    CONVERSATIONS = "conversations"
    """Agents' access to conversations (the live-chat agent socket); replaced by the console login."""
    CASES_READ = "cases:read"
    """List request cases and read one with its trail."""
    CASES_WRITE = "cases:write"
    """Open request cases and decide on them: verify, extend, refuse, close."""
    OPENDSR = "opendsr"
    """A controller submitting, reading and cancelling OpenDSR requests (docs/opendsr.md)."""


class Unauthenticated(AuskunftError):
    """No API key was given, or one that is unknown, malformed or revoked."""


class Forbidden(AuskunftError):
    """The API key is valid but lacks the scope the action requires."""


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A stored key, without its secret."""

    id: int
    name: str
    prefix: str
    scopes: frozenset[str]
    created_at: datetime
    revoked_at: datetime | None

    @property
    def actor(self) -> str:
        """The name of the caller in the audit trail."""
        return f"api:{self.name}"

    def require(self, scope: Scope) -> None:
        if scope.value not in self.scopes:
            raise Forbidden(f"this API key lacks the scope {scope.value}")


def _hash(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


_SELECT = select(
    t.ApiKey.id, t.ApiKey.name, t.ApiKey.prefix, t.ApiKey.scopes, t.ApiKey.created_at, t.ApiKey.revoked_at
)


def _from_row(row: Row[*tuple[Any, ...]]) -> ApiKey:
    return ApiKey(row.id, row.name, row.prefix, frozenset(row.scopes), row.created_at, row.revoked_at)


def scopes_of(values: Iterable[str]) -> list[Scope]:
    """The scopes named by `values`, in the order of `Scope`; InvalidInput for an unknown one."""
    given = set(values)
    unknown = sorted(given - {scope.value for scope in Scope})
    if unknown:
        known = ", ".join(scope.value for scope in Scope)
        raise InvalidInput(f"unknown scope {', '.join(unknown)} (known: {known})")
    return [scope for scope in Scope if scope.value in given]


def create(connection: Connection, name: str, scopes: Iterable[Scope]) -> tuple[ApiKey, str]:
    """A new key for `name` with `scopes`, and its secret: shown now, never again."""
    name = name.strip()
    if not name or len(name) > 100 or not name.isprintable():
        raise InvalidInput("the name of an API key must be 1 to 100 printable characters")
    granted = sorted({scope.value for scope in scopes})
    if not granted:
        raise InvalidInput("an API key needs at least one scope")
    while True:
        prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
        if connection.scalar(select(t.ApiKey.id).where(t.ApiKey.prefix == prefix)) is None:
            break
    key = f"ak_{prefix}_{''.join(secrets.choice(_ALPHABET) for _ in range(SECRET_LENGTH))}"
    now = datetime.now(UTC)
    result = connection.execute(
        insert(t.ApiKey).values(name=name, key_hash=_hash(key), prefix=prefix, scopes=granted, created_at=now)
    )
    (key_id,) = result.inserted_primary_key or (None,)
    assert isinstance(key_id, int)
    return ApiKey(key_id, name, prefix, frozenset(granted), now, None), key


def verify(connection: Connection, key: str) -> ApiKey:
    """The stored key `key` is, if it is valid and not revoked; Unauthenticated otherwise."""
    match = _FORMAT.fullmatch(key)
    if match is None:
        raise Unauthenticated("malformed API key (expected ak_<prefix>_<secret>)")
    presented = _hash(key)
    found: ApiKey | None = None
    rows = connection.execute(_SELECT.add_columns(t.ApiKey.key_hash).where(t.ApiKey.prefix == match[1]))
    for row in rows:
        if hmac.compare_digest(row.key_hash, presented):
            found = _from_row(row)
    if found is None:
        raise Unauthenticated("unknown API key")
    if found.revoked_at is not None:
        raise Unauthenticated("this API key has been revoked")
    return found


def keys(connection: Connection) -> list[ApiKey]:
    """Every key, revoked ones included, oldest first."""
    return [_from_row(row) for row in connection.execute(_SELECT.order_by(t.ApiKey.id))]


def revoke(connection: Connection, prefix: str) -> ApiKey:
    """Revoke the key with `prefix` (or the key itself): refused from now on. NotFound, or Conflict."""
    prefix = prefix.strip()
    if prefix.startswith("ak_"):
        prefix = prefix[3 : 3 + PREFIX_LENGTH]
    row = connection.execute(_SELECT.where(t.ApiKey.prefix == prefix)).first()
    if row is None:
        raise NotFound(f"no API key with prefix {prefix!r}")
    if row.revoked_at is not None:
        raise Conflict(
            f"the API key {row.prefix} was revoked already, at {row.revoked_at:%Y-%m-%d %H:%M} UTC"
        )
    now = datetime.now(UTC)
    connection.execute(update(t.ApiKey).where(t.ApiKey.id == row.id).values(revoked_at=now))
    return replace(_from_row(row), revoked_at=now)
