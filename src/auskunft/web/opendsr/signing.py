"""Signatures of OpenDSR responses and callbacks: HMAC-SHA256 under a secret shared with the controllers.

The specification asks for an RSA/ECDSA signature (FIPS 186-4) by an X.509 certificate a CA issued to the
processor's domain. auskunft has no X.509 library among its dependencies, so it signs with HMAC-SHA256
under `AUSKUNFT_OPENDSR_SIGNING_KEY`, handed to each controller out of band (docs/opendsr.md says what
follows from that). Placement and encoding are the specification's: `X-OpenDSR-Signature` carries the
Base64 signature of the raw body, `X-OpenDSR-Processor-Domain` the processor's domain.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from auskunft.config import Settings
from auskunft.errors import ConfigurationError

SIGNATURE_HEADER = "X-OpenDSR-Signature"
DOMAIN_HEADER = "X-OpenDSR-Processor-Domain"


def signing_key(settings: Settings) -> bytes:
    """The configured signing secret; ConfigurationError when none is set."""
    if settings.opendsr_signing_key is None:
        raise ConfigurationError("OpenDSR is not configured: set AUSKUNFT_OPENDSR_SIGNING_KEY")
    return settings.opendsr_signing_key.get_secret_value().encode()


def sign(key: bytes, body: bytes) -> str:
    """Base64 of HMAC-SHA256(key, body)."""
    return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode("ascii")


def verify(key: bytes, body: bytes, signature: str) -> bool:
    """Is `signature` the signature of exactly these bytes? (Constant-time comparison.)"""
    return hmac.compare_digest(sign(key, body), signature.strip())


def canonical(data: dict[str, Any]) -> bytes:
    """The JSON bytes auskunft sends: keys sorted, no spaces, ASCII only — reproducible by a verifier."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def with_processor_signature(key: bytes, data: dict[str, Any]) -> dict[str, Any]:
    """`data` plus `processor_signature`: the signature of `canonical(data)`, i.e. of the body without it.

    The signature cannot sign the body that contains it; a verifier removes the member and checks the
    canonical JSON of the rest (the header signature covers the body as sent).
    """
    return data | {"processor_signature": sign(key, canonical(data))}
