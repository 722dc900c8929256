"""Server-side sessions of the console.

The browser holds a random token in the cookie `__Host-auskunft_session` (Secure, HttpOnly,
SameSite=Strict, Path=/); the database holds only its SHA-256, the user, the times and the session's
CSRF secret. A session ends after `session_idle_minutes` without a request, `session_max_hours` after
login whatever its activity, at logout, and when its user is disabled or gets a new password.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, insert, or_, select, update

from auskunft.config import Settings
from auskunft.store import user_tables as ut
from auskunft.web.auth import users
from auskunft.web.auth.users import User

SECURE_COOKIE = "__Host-auskunft_session"
PLAIN_COOKIE = "auskunft_session"
TOUCH_SECONDS = 30
"""`last_seen_at` is written at most this often, not on every request."""


@dataclass(frozen=True, slots=True)
class Session:
    id: int
    user: User
    csrf_secret: str
    language: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


def cookie_name(settings: Settings) -> str:
    """Browsers accept a `__Host-` cookie only when it is Secure."""
    return SECURE_COOKIE if settings.cookie_secure else PLAIN_COOKIE


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def start(
    connection: Connection, user: User, settings: Settings, language: str, user_agent: str | None
) -> tuple[Session, str]:
    """A new session for `user` and its token (for the cookie; never stored)."""
    now = datetime.now(UTC)
    purge(connection, now, settings)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=settings.session_max_hours)
    (session_id,) = connection.execute(
        insert(ut.UserSession).values(
            token_hash=_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=expires,
            csrf_secret=csrf,
            language=language,
            user_agent=(user_agent or None) and user_agent[:200],
        )
    ).inserted_primary_key or (None,)
    assert isinstance(session_id, int)
    return Session(session_id, user, csrf, language, now, now, expires), token


def find(
    connection: Connection, token: str, settings: Settings, now: datetime | None = None
) -> Session | None:
    """The live session `token` opens, its last activity renewed; None when unknown or ended."""
    if not token or len(token) > 200:
        return None
    now = now or datetime.now(UTC)
    row = connection.execute(
        select(
            ut.UserSession.id,
            ut.UserSession.user_id,
            ut.UserSession.csrf_secret,
            ut.UserSession.language,
            ut.UserSession.created_at,
            ut.UserSession.last_seen_at,
            ut.UserSession.expires_at,
        ).where(ut.UserSession.token_hash == _hash(token))
    ).first()
    if row is None:
        return None
    idle = timedelta(minutes=settings.session_idle_minutes)
    user = users.by_id(connection, row.user_id)
    if now >= row.expires_at or now - row.last_seen_at >= idle or user is None or not user.active:
        connection.execute(delete(ut.UserSession).where(ut.UserSession.id == row.id))
        return None
    last_seen = row.last_seen_at
    if (now - last_seen).total_seconds() >= TOUCH_SECONDS:
        connection.execute(update(ut.UserSession).where(ut.UserSession.id == row.id).values(last_seen_at=now))
        last_seen = now
    return Session(row.id, user, row.csrf_secret, row.language, row.created_at, last_seen, row.expires_at)


def set_language(connection: Connection, session_id: int, language: str) -> None:
    connection.execute(
        update(ut.UserSession).where(ut.UserSession.id == session_id).values(language=language)
    )


def end(connection: Connection, token: str) -> None:
    connection.execute(delete(ut.UserSession).where(ut.UserSession.token_hash == _hash(token)))


def end_all(connection: Connection, user_id: int) -> None:
    connection.execute(delete(ut.UserSession).where(ut.UserSession.user_id == user_id))


def purge(connection: Connection, now: datetime, settings: Settings) -> int:
    """Delete the rows of sessions that have ended; returns how many."""
    idle_since = now - timedelta(minutes=settings.session_idle_minutes)
    result = connection.execute(
        delete(ut.UserSession).where(
            or_(ut.UserSession.expires_at <= now, ut.UserSession.last_seen_at <= idle_since)
        )
    )
    return int(result.rowcount or 0)
