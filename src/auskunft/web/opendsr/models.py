"""The JSON objects of OpenDSR 2.0 (specification sections 5-9), with the specification's field names."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from auskunft.web.opendsr.mapping import (
    IdentityFormat,
    IdentityType,
    Regulation,
    RequestStatus,
    SubjectRequestType,
)


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode (no lone surrogates)") from None
    return value


Clean = Annotated[str, AfterValidator(_storable)]
"""Text that every database can store (PostgreSQL refuses NUL characters, UTF-8 lone surrogates)."""
UUID4_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
SubjectRequestId = Annotated[
    str,
    Field(
        pattern=UUID4_PATTERN,
        max_length=36,
        description="UUID v4, lower-case, made by the controller.",
        examples=["a7551968-d5d6-44b2-9831-815ac9017798"],
    ),
]
Rfc3339 = Annotated[str, Field(json_schema_extra={"format": "date-time"}, examples=["2026-11-01T22:59:59Z"])]
MAX_CALLBACK_URLS = 10
MAX_IDENTITIES = 50


class Identity(BaseModel):
    """Section 5.3."""

    identity_type: IdentityType
    identity_value: Clean = Field(min_length=1, max_length=320)
    identity_format: IdentityFormat


class SubmittedRequest(BaseModel):
    """The body of `POST /requests` (section 7.1). Unknown members are ignored."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "regulation": "gdpr",
                    "subject_request_id": "a7551968-d5d6-44b2-9831-815ac9017798",
                    "subject_request_type": "erasure",
                    "submitted_time": "2026-10-02T15:00:00Z",
                    "subject_identities": [
                        {
                            "identity_type": "email",
                            "identity_value": "erika.muster@example.de",
                            "identity_format": "raw",
                        }
                    ],
                    "api_version": "2.0",
                    "status_callback_urls": ["https://controller.example.de/opendsr/callbacks"],
                }
            ]
        }
    )

    regulation: Regulation
    subject_request_id: SubjectRequestId
    subject_request_type: SubjectRequestType
    submitted_time: AwareDatetime = Field(description="RFC 3339: when the person made the request.")
    subject_identities: list[Identity] = Field(default_factory=list, max_length=MAX_IDENTITIES)
    api_version: Clean | None = Field(None, max_length=20)
    status_callback_urls: list[Annotated[Clean, Field(min_length=1, max_length=2000)]] = Field(
        default_factory=list, max_length=MAX_CALLBACK_URLS
    )
    extensions: dict[str, dict[str, Any]] | None = Field(
        None, description="Keyed by processor domain; auskunft implements no extension and ignores them."
    )


class RequestCreated(BaseModel):
    """The 201 answer to `POST /requests` (section 7.3)."""

    controller_id: str
    expected_completion_time: Rfc3339
    received_time: Rfc3339
    encoded_request: str = Field(description="Base64 of the request body (controllers must not store it).")
    subject_request_id: SubjectRequestId
    processor_signature: str = Field(
        description="Base64 HMAC-SHA256 of the canonical JSON of this body without processor_signature."
    )


class StatusResponse(BaseModel):
    """The answer to `GET /requests/{subject_request_id}` (section 8.3)."""

    controller_id: str
    expected_completion_time: Rfc3339
    subject_request_id: SubjectRequestId
    request_status: RequestStatus
    api_version: str


class Callback(BaseModel):
    """The body of a status callback (section 8.6)."""

    controller_id: str
    status_callback_url: str
    subject_request_id: SubjectRequestId
    request_status: RequestStatus
    expected_completion_time: Rfc3339


class CancellationResponse(BaseModel):
    """The 202 answer to `DELETE /requests/{subject_request_id}` (section 9.2)."""

    controller_id: str
    received_time: Rfc3339
    subject_request_id: SubjectRequestId
    processor_signature: str
    api_version: str


class SupportedIdentity(BaseModel):
    identity_type: IdentityType
    identity_format: IdentityFormat


class Discovery(BaseModel):
    """The answer to `GET /discovery` (section 6.3)."""

    api_version: str
    supported_identities: list[SupportedIdentity]
    supported_subject_request_types: list[SubjectRequestType]
    processor_certificate: str = Field(json_schema_extra={"format": "uri"})


class ErrorDetail(BaseModel):
    domain: str
    reason: str
    message: str


class ErrorObject(BaseModel):
    code: int = Field(description="The HTTP status.")
    message: str
    errors: list[ErrorDetail]


class ErrorResponse(BaseModel):
    """Section 7.6: never with personal data."""

    error: ErrorObject
