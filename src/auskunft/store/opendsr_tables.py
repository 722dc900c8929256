"""OpenDSR requests (the processor side) mapped onto request cases, and their status callbacks.

An OpenDSR request is a request case (`request_cases`) plus the row here that ties it to the
controller's `subject_request_id`. The identities the controller sent live in the case (`claimed`),
not here: this table holds no personal data, only a keyed hash of the whole request (to tell a repeated
submission from a different one under the same id). See docs/opendsr.md.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from auskunft.store.tables import Base


class OpenDsrRequest(Base):
    """One OpenDSR request a controller submitted, and the status last reported for it."""

    __tablename__ = "opendsr_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_request_id: Mapped[str] = mapped_column(String(36), unique=True)
    """The controller's UUID v4 (lower-case)."""
    case_id: Mapped[int] = mapped_column(ForeignKey("request_cases.id"), index=True)
    controller_id: Mapped[str] = mapped_column(String(100))
    """The controller in auskunft: the name of the API key that submitted the request."""
    request_type: Mapped[str] = mapped_column(String(20))
    regulation: Mapped[str] = mapped_column(String(10))
    api_version: Mapped[str | None] = mapped_column(String(20))
    processor_domain: Mapped[str] = mapped_column(String(253))
    """The domain the request was received on: sent as X-OpenDSR-Processor-Domain with its callbacks."""
    submitted_time: Mapped[datetime]
    received_time: Mapped[datetime]
    request_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    """HMAC-SHA256 (blind-index subkey) of the request's canonical JSON: same id, same request?"""
    status_callback_urls: Mapped[list[str]]
    reported_status: Mapped[str] = mapped_column(String(20), index=True)
    """The OpenDSR status last told to the controller (callbacks are queued when the case's differs)."""
    reported_due: Mapped[date] = mapped_column(Date)
    """The deadline behind the expected_completion_time last told."""


class OpenDsrCallback(Base):
    """One status callback to one URL, with its delivery attempts (`auskunft opendsr deliver`)."""

    __tablename__ = "opendsr_callbacks"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("opendsr_requests.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    """The JSON body, exactly as it is sent (and signed, at sending time)."""
    state: Mapped[str] = mapped_column(String(20), index=True)
    """pending, delivered, or failed (given up after the configured number of attempts)."""
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
    """Why the last attempt failed: an HTTP status or an exception type, never a response body."""
