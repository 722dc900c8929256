"""The login rate limit: failed attempts per login name and per client address, in a sliding window.

Held in memory only (per process): a client address is forgotten when its window has passed and is
never written anywhere. A successful login clears the failures of its name, not of its address.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    """At most `limit` events per key within `window` seconds."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float] | None:
        events = self._events.get(key)
        if events is None:
            return None
        while events and events[0] <= now - self.window:
            events.popleft()
        if not events:
            del self._events[key]
            return None
        return events

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again; 0 when it may now."""
        with self._lock:
            now = self.clock()
            events = self._prune(key, now)
            if events is None or len(events) < self.limit:
                return 0
            return max(1, math.ceil(events[len(events) - self.limit] + self.window - now))

    def hit(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            self._prune(key, now)
            self._events.setdefault(key, deque()).append(now)
            if len(self._events) > 10_000:  # forget whatever has expired (an address per failed attempt)
                for stale in list(self._events):
                    self._prune(stale, now)

    def clear(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)


class LoginLimiter:
    """Failures by login name and by client address; a login is refused while either is over its limit."""

    def __init__(
        self, per_name: int, per_ip: int, window_minutes: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.names = SlidingWindow(per_name, window_minutes * 60.0, clock)
        self.addresses = SlidingWindow(per_ip, window_minutes * 60.0, clock)

    def retry_after(self, login: str, address: str | None) -> int:
        waits = [self.names.retry_after(login)]
        if address:
            waits.append(self.addresses.retry_after(address))
        return max(waits)

    def failed(self, login: str, address: str | None) -> None:
        self.names.hit(login)
        if address:
            self.addresses.hit(address)

    def succeeded(self, login: str) -> None:
        self.names.clear(login)
