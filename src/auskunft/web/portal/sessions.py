"""Sessions of the customer portal: held in this process's memory, named by a random token in a cookie.

The browser holds a random token in the cookie `__Host-auskunft_portal` (Secure, HttpOnly,
SameSite=Strict, Path=/; `auskunft_portal` when `cookie_secure` is off). The process keeps only the
token's HMAC-SHA256 under a key derived from the index key (`subkey("portal-session")`), with the person
signed in, the address their code went to, the session's CSRF secret and its times. A session ends after
`portal_idle_minutes` without a request, `portal_session_max_minutes` after sign-in, at sign-out, and when
the process restarts. One process only: several worker processes would not share their sessions.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from auskunft.config import Settings

SECURE_COOKIE = "__Host-auskunft_portal"
PLAIN_COOKIE = "auskunft_portal"
MAX_SESSIONS = 50_000
"""Beyond this many live sessions the oldest is ended: memory stays bounded whatever happens."""


def cookie_name(settings: Settings) -> str:
    """Browsers accept a `__Host-` cookie only when it is Secure."""
    return SECURE_COOKIE if settings.cookie_secure else PLAIN_COOKIE


@dataclass(slots=True)
class PortalSession:
    subject_id: int
    address: str
    """The address on file the sign-in code went to: it names the person in what they do here."""
    csrf: str
    started: float
    seen: float


class Sessions:
    def __init__(
        self,
        key: bytes,
        idle_seconds: float,
        max_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._key = key
        self.idle = idle_seconds
        self.max = max_seconds
        self.clock = clock
        self._live: dict[bytes, PortalSession] = {}
        self._lock = threading.Lock()

    @classmethod
    def of(cls, key: bytes, settings: Settings, clock: Callable[[], float] = time.monotonic) -> Sessions:
        return cls(
            key, settings.portal_idle_minutes * 60.0, settings.portal_session_max_minutes * 60.0, clock
        )

    def _digest(self, token: str) -> bytes:
        return hmac.new(self._key, token.encode(), hashlib.sha256).digest()

    def _ended(self, session: PortalSession, now: float) -> bool:
        return now - session.seen > self.idle or now - session.started > self.max

    def start(self, subject_id: int, address: str) -> tuple[PortalSession, str]:
        """A new session and its token (for the cookie; only its HMAC is kept)."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        session = PortalSession(subject_id, address, secrets.token_urlsafe(32), now, now)
        with self._lock:
            self._purge(now)
            while len(self._live) >= MAX_SESSIONS:
                self._live.pop(next(iter(self._live)))
            self._live[self._digest(token)] = session
        return session, token

    def find(self, token: str | None) -> PortalSession | None:
        """The live session `token` names, its last activity renewed; None when unknown or ended."""
        if not token or len(token) > 100:
            return None
        digest = self._digest(token)
        now = self.clock()
        with self._lock:
            session = self._live.get(digest)
            if session is None:
                return None
            if self._ended(session, now):
                del self._live[digest]
                return None
            session.seen = now
            return session

    def end(self, token: str | None) -> None:
        if token and len(token) <= 100:
            with self._lock:
                self._live.pop(self._digest(token), None)

    def end_subject(self, subject_id: int) -> None:
        """End every session of one person (after their data were erased, say)."""
        with self._lock:
            for digest in [d for d, s in self._live.items() if s.subject_id == subject_id]:
                del self._live[digest]

    def _purge(self, now: float) -> None:
        for digest in [d for d, s in self._live.items() if self._ended(s, now)]:
            del self._live[digest]

    def __len__(self) -> int:
        return len(self._live)
