"""The exceptions auskunft raises.

Every error the domain, store or ingest layers raise on purpose derives from `AuskunftError`, so that a
caller (CLI, web layer) can catch one type and print its message. Messages are safe to show to the
operator: they never contain personal data (values of identifiers or records), only keys, line numbers
and reasons. HTTP status codes belong to the web layer, never here.

    AuskunftError
    ├── ConfigurationError      settings missing or inconsistent (database URL, index key)
    ├── InvalidInput            input rejected at the boundary
    │   ├── InvalidIdentifier   an email, phone number, ... that cannot be normalised
    │   ├── InvalidEvent        an ingest event that breaks the event format
    │   ├── InvalidRegister     a register (Art. 30) file that breaks its format
    │   ├── TokenRefused        a consent or unsubscribe token that is unknown, used, expired or forged
    │   ├── TooLarge, UnsupportedMediaType   request bodies refused by the web layer (web/errors.py)
    ├── NotFound                something asked for does not exist
    ├── Conflict                input contradicts what is stored (event id reused with other content)
    ├── ErasureIncomplete       an erasure found rows left after deleting; rolled back (erasure.py)
    └── Unauthenticated, Forbidden   API key missing/invalid, or without the scope (web/apikeys.py)

Modules keep the errors that only they raise next to them; all of them derive from this tree.
"""

from __future__ import annotations


class AuskunftError(Exception):
    """Root of all deliberate auskunft errors."""


class ConfigurationError(AuskunftError):
    """A setting is missing or inconsistent."""


class InvalidInput(AuskunftError):
    """Input was rejected at the boundary; nothing of it was stored."""


class InvalidIdentifier(InvalidInput):
    """An identifier (email, phone, customer number, address) cannot be normalised."""


class InvalidEvent(InvalidInput):
    """An ingest event breaks the event format."""


class InvalidRegister(InvalidInput):
    """A register file (Art. 30 GDPR) breaks its format."""


class TokenRefused(InvalidInput):
    """A double opt-in or unsubscribe token was refused; `reason` says why (unknown, used, expired, ...)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class NotFound(AuskunftError):
    """Something asked for does not exist."""


class Conflict(AuskunftError):
    """Input contradicts what is already stored."""
