"""The blind index: identifiers are looked up by a keyed hash, never by their value.

A leaked copy of the lookup column cannot be reversed by hashing candidate emails or phone numbers
without the key, which lives outside the database (environment or key file).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from auskunft.config import Settings
from auskunft.errors import ConfigurationError


class BlindIndex:
    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ConfigurationError("the blind-index key must be at least 16 bytes (32 hex characters)")
        self._key = key

    def __repr__(self) -> str:
        return "BlindIndex(key=***)"

    def lookup(self, kind: str, normalised: str) -> bytes:
        """The stored lookup hash of one normalised identifier: keyed BLAKE2b, 32 bytes."""
        return hashlib.blake2b(
            f"{kind}\x1f{normalised}".encode(), key=self._key[:64], digest_size=32
        ).digest()

    def subkey(self, label: str) -> bytes:
        """A key for another use (e.g. signing unsubscribe links), derived from the index key by HMAC."""
        return hmac.new(self._key, f"auskunft subkey\x1f{label}".encode(), hashlib.sha256).digest()


def load_key(settings: Settings) -> bytes:
    """The index key from the environment, or from the key file (created on first use)."""
    if settings.index_key is not None:
        try:
            return bytes.fromhex(settings.index_key.get_secret_value())
        except ValueError:
            raise ConfigurationError("AUSKUNFT_INDEX_KEY must be hexadecimal") from None
    path: Path = settings.index_key_file
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    try:
        return bytes.fromhex(path.read_text().strip())
    except ValueError:
        raise ConfigurationError(f"the key file {path} does not hold a hexadecimal key") from None
