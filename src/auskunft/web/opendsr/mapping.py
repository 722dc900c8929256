"""How OpenDSR's request types, identities and statuses map onto auskunft's request cases.

| OpenDSR `subject_request_type` | auskunft `RequestKind` |
|---|---|
| `access` | `access` (Art. 15) |
| `portability` | `portability` (Art. 20) |
| `erasure` | `erasure` (Art. 17) |

| case state | OpenDSR `request_status` |
|---|---|
| `received`, `identity_check` | `pending` |
| `in_progress` | `in_progress` |
| `answered` | `completed` |
| `refused` (also "cancelled by controller") | `cancelled` |

OpenDSR knows no "refused": a refusal is reported as `cancelled`, the one end that is not a fulfilment.
"""

from __future__ import annotations

from enum import StrEnum

from auskunft.domain.identifiers import IdentifierKind
from auskunft.domain.request_case import CaseState
from auskunft.requests.kinds import RequestKind

API_VERSION = "2.0"
CHANNEL = "opendsr"
"""The channel of a request case opened through OpenDSR."""
CANCEL_REASON = "cancelled by controller"


class SubjectRequestType(StrEnum):
    ACCESS = "access"
    PORTABILITY = "portability"
    ERASURE = "erasure"


class RequestStatus(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        return self in (RequestStatus.COMPLETED, RequestStatus.CANCELLED)


class IdentityType(StrEnum):
    CONTROLLER_CUSTOMER_ID = "controller_customer_id"
    ANDROID_ADVERTISING_ID = "android_advertising_id"
    ANDROID_ID = "android_id"
    EMAIL = "email"
    FIRE_ADVERTISING_ID = "fire_advertising_id"
    IOS_ADVERTISING_ID = "ios_advertising_id"
    IOS_VENDOR_ID = "ios_vendor_id"
    MICROSOFT_ADVERTISING_ID = "microsoft_advertising_id"
    MICROSOFT_PUBLISHER_ID = "microsoft_publisher_id"
    ROKU_PUBLISHER_ID = "roku_publisher_id"
    ROKU_ADVERTISING_ID = "roku_advertising_id"


class IdentityFormat(StrEnum):
    RAW = "raw"
    SHA1 = "sha1"
    MD5 = "md5"
    SHA256 = "sha256"


class Regulation(StrEnum):
    GDPR = "gdpr"
    CCPA = "ccpa"


KINDS = {
    SubjectRequestType.ACCESS: RequestKind.ACCESS,
    SubjectRequestType.PORTABILITY: RequestKind.PORTABILITY,
    SubjectRequestType.ERASURE: RequestKind.ERASURE,
}

SUPPORTED_IDENTITIES = {
    (IdentityType.EMAIL, IdentityFormat.RAW): IdentifierKind.EMAIL,
    (IdentityType.CONTROLLER_CUSTOMER_ID, IdentityFormat.RAW): IdentifierKind.CUSTOMER_NUMBER,
}
"""Identities auskunft can look a person up by. Hashed ones cannot be: the ledger finds identifiers only
through its own keyed blind index, never through a plain SHA-256 or MD5 of them."""

_STATUS = {
    CaseState.RECEIVED: RequestStatus.PENDING,
    CaseState.IDENTITY_CHECK: RequestStatus.PENDING,
    CaseState.IN_PROGRESS: RequestStatus.IN_PROGRESS,
    CaseState.ANSWERED: RequestStatus.COMPLETED,
    CaseState.REFUSED: RequestStatus.CANCELLED,
}


def status_of(state: CaseState) -> RequestStatus:
    return _STATUS[state]
