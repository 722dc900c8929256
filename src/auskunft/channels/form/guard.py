"""Spam and forgery protection without third parties: a signed timestamp and a per-address rate limit.

The form carries a token `<issued ms>.<nonce>.<HMAC>`, signed with a subkey of the ledger's index key.
It proves that the form was shown by us (a cross-site post cannot forge it), and how long ago: a form sent
within seconds was filled in by a program. The rate limit counts submissions per IP address in a sliding
window, in memory; the address is kept only as a keyed hash, and only until the window has passed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

Clock = Callable[[], float]


class Verdict(StrEnum):
    OK = "ok"
    FORGED = "forged"
    """Missing, malformed or not signed by us."""
    TOO_FAST = "too_fast"
    EXPIRED = "expired"
    """Signed by us, but the form was open too long: shown again with a fresh token."""


@dataclass(frozen=True, slots=True)
class TokenCheck:
    verdict: Verdict
    nonce: str = ""


class FormToken:
    def __init__(self, key: bytes, clock: Clock = time.time) -> None:
        self._key = key
        self._clock = clock

    def issue(self) -> str:
        payload = f"{int(self._clock() * 1000)}.{secrets.token_hex(8)}"
        return f"{payload}.{self._sign(payload)}"

    def check(self, token: str, min_seconds: float, max_seconds: float) -> TokenCheck:
        parts = token.split(".")
        if len(parts) != 3 or not parts[0].isdigit() or len(token) > 200:
            return TokenCheck(Verdict.FORGED)
        payload = f"{parts[0]}.{parts[1]}"
        if not hmac.compare_digest(parts[2], self._sign(payload)):
            return TokenCheck(Verdict.FORGED)
        age = self._clock() - int(parts[0]) / 1000
        if age < min_seconds:
            return TokenCheck(Verdict.TOO_FAST, parts[1])
        if age > max_seconds:
            return TokenCheck(Verdict.EXPIRED, parts[1])
        return TokenCheck(Verdict.OK, parts[1])

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, f"form\x1f{payload}".encode(), hashlib.sha256).hexdigest()[:32]


class RateLimit:
    """At most `limit` hits per key within `window` seconds (sliding window), in memory.

    Keys are hashed with a random per-process salt; a key's entry is dropped once its window has passed.
    """

    def __init__(self, limit: int, window: float, clock: Clock = time.monotonic, max_keys: int = 100_000):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_keys = max_keys
        self._salt = secrets.token_bytes(16)
        self._hits: dict[bytes, deque[float]] = {}

    def hit(self, key: str) -> bool:
        """Count one hit for `key`; False if it is over the limit (then it is not counted)."""
        now = self._clock()
        if len(self._hits) >= self._max_keys:
            self.sweep()
        hashed = hashlib.blake2b(key.encode(), key=self._salt, digest_size=16).digest()
        hits = self._hits.setdefault(hashed, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True

    def sweep(self) -> None:
        """Forget every key whose window has passed."""
        edge = self._clock() - self.window
        for key in [key for key, hits in self._hits.items() if not hits or hits[-1] <= edge]:
            del self._hits[key]

    def __len__(self) -> int:
        return len(self._hits)


class SpamCounter:
    """How many submissions were turned away, by reason; only counts, nothing about the sender."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def count(self, reason: str) -> None:
        self.counts[reason] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())
