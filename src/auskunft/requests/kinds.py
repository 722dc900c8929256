"""The kinds of data-subject request auskunft recognises and tracks."""

from __future__ import annotations

from enum import StrEnum


class RequestKind(StrEnum):
    ACCESS = "access"
    """Art. 15 GDPR."""
    ERASURE = "erasure"
    """Art. 17 GDPR."""
    RECTIFICATION = "rectification"
    """Art. 16 GDPR."""
    RESTRICTION = "restriction"
    """Art. 18 GDPR."""
    PORTABILITY = "portability"
    """Art. 20 GDPR."""
    OBJECTION = "objection"
    """Art. 21 GDPR, including objection to direct marketing (21(2))."""
    WITHDRAWAL = "withdrawal"
    """Withdrawal of consent, Art. 7(3) GDPR."""
    REMINDER = "reminder"
    """A reminder about an earlier request (it is attached to that case)."""
    COMPLAINT = "complaint"
    """An announced complaint to the supervisory authority (Art. 77 GDPR)."""

    @property
    def article(self) -> str | None:
        return _ARTICLES.get(self)


_ARTICLES = {
    RequestKind.ACCESS: "Art. 15 DSGVO",
    RequestKind.ERASURE: "Art. 17 DSGVO",
    RequestKind.RECTIFICATION: "Art. 16 DSGVO",
    RequestKind.RESTRICTION: "Art. 18 DSGVO",
    RequestKind.PORTABILITY: "Art. 20 DSGVO",
    RequestKind.OBJECTION: "Art. 21 DSGVO",
    RequestKind.WITHDRAWAL: "Art. 7 Abs. 3 DSGVO",
    RequestKind.COMPLAINT: "Art. 77 DSGVO",
}
