"""Subject, text and arrival day of a message file: an e-mail (.eml) or plain text.

For an e-mail the Subject header and the text/plain body are used (the text of the HTML body when there is
no plain one); a body without a declared charset is read as UTF-8, else as Latin-1. A file is read as an
e-mail when its name ends in .eml or it starts with a typical header line (Subject:, From:, Received:, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

import lxml.html

from auskunft.errors import InvalidInput

_HEADER_START = re.compile(
    rb"^(subject|from|return-path|received|message-id|mime-version|delivered-to|x-[\w-]+):", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class MessageText:
    subject: str | None
    text: str
    received: date | None


def _decode(payload: bytes, charset: str | None) -> str:
    for candidate in (charset, "utf-8"):
        if candidate:
            try:
                return payload.decode(candidate)
            except (LookupError, UnicodeDecodeError):
                continue
    return payload.decode("latin-1")


def looks_like_email(name: str, raw: bytes) -> bool:
    return name.lower().endswith(".eml") or bool(_HEADER_START.match(raw.lstrip()[:200]))


def from_email(raw: bytes) -> MessageText:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        payload = body.get_payload(decode=True)
        if isinstance(payload, bytes):
            text = _decode(payload, body.get_content_charset())
        if body.get_content_type() == "text/html" and text.strip():
            parts = lxml.html.document_fromstring(text).itertext()
            text = "".join(part if isinstance(part, str) else part.decode() for part in parts)
    received = None
    if message["Date"]:
        try:
            received = parsedate_to_datetime(str(message["Date"])).date()
        except (TypeError, ValueError):
            received = None
    subject = str(message["Subject"]) if message["Subject"] is not None else None
    return MessageText(subject, text, received)


def from_file(name: str, raw: bytes) -> MessageText:
    """The message in `raw` (the bytes of the file called `name`). InvalidInput if it is not text."""
    if looks_like_email(name, raw):
        return from_email(raw)
    try:
        return MessageText(None, raw.decode("utf-8-sig"), None)
    except UnicodeDecodeError:
        raise InvalidInput(f"{name} is neither an e-mail nor UTF-8 text") from None
