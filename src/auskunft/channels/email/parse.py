"""One email, as bytes, becomes one `Inbound`: sender, recipient, subject, date, ids, text, attachments.

Nothing is ever refused. A message that cannot be read properly (defects found by the email package, no or an
invalid From, text in an unknown or wrong charset) is flagged `malformed`; one larger than
`email_max_message_bytes` is flagged `oversized`. Both keep the message exactly as received as a `raw`
attachment — whole, up to `email_max_raw_bytes`; beyond that hard cap only its first bytes, with the full size
and `raw_truncated` in `meta`. Attachments larger than `email_max_attachment_bytes`, or beyond
`email_max_message_bytes` in total, are not kept: their name, type, size and SHA-256 are listed in
`meta["dropped_attachments"]` and the message is flagged `attachment_dropped`.

Ids keep their angle brackets (`<id@host>`), the form `In-Reply-To` and `References` use. A message without a
Message-ID gets `sha256:<hex of the raw bytes>`: the same file imported twice is still stored once.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Any

from auskunft.channels.email import autoreply
from auskunft.channels.email.text import html_to_text, part_text
from auskunft.config import Settings
from auskunft.conversations.model import Attachment, Channel, Flag, Inbound
from auskunft.domain.identifiers import normalise_email
from auskunft.errors import InvalidIdentifier

HASH_PREFIX = "sha256:"
"""Prefix of the external id of a message that came without a Message-ID (or with an overlong one)."""
MAX_ID_LENGTH = 400
MAX_THREAD_REFS = 50
"""References beyond these (the oldest) are not used for threading: a long thread names its start late."""

_MSGID = re.compile(r"<[^<>\s]+>")
_WHITESPACE = re.compile(r"\s+")
_FUTURE_TOLERANCE = timedelta(days=1)


def _default(name: str) -> int:
    return int(Settings.model_fields[name].default)


@dataclass(frozen=True, slots=True)
class Limits:
    """The size limits (defaults: those of the settings)."""

    max_message_bytes: int = _default("email_max_message_bytes")
    max_attachment_bytes: int = _default("email_max_attachment_bytes")
    max_raw_bytes: int = _default("email_max_raw_bytes")

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            settings.email_max_message_bytes,
            settings.email_max_attachment_bytes,
            settings.email_max_raw_bytes,
        )


@dataclass
class _Collected:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    files: list[Message] = field(default_factory=list)
    undecodable: int = 0


def parse(
    raw: bytes, limits: Limits, *, arrived_at: datetime | None = None, size: int | None = None
) -> Inbound:
    """The `Inbound` for the email `raw`; `size`: its full size when `raw` holds only its first bytes."""
    arrived = arrived_at or datetime.now(UTC)
    size = max(size or 0, len(raw))
    problems: list[str] = []
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)

    address, name = _sender(message, problems)
    subject = _clean(_header(message, "Subject"))
    collected = _Collected()
    _collect(message, collected)
    body = _text("\n\n".join(collected.texts) or "\n\n".join(html_to_text(h) for h in collected.htmls))
    if collected.undecodable:
        problems.append("text in an unknown or wrong charset")
    defects = sorted({type(d).__name__ for part in _walk(message) for d in part.defects})
    if defects:
        problems.append("defects: " + ", ".join(defects))

    automatic, reasons = autoreply.classify(message, subject, address, name)
    flags = set(automatic)
    meta: dict[str, Any] = {
        "size": size,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "arrived_at": arrived.isoformat(),
    }
    if reasons:
        meta["automatic"] = reasons
    attachments, dropped = _attachments(collected.files, limits)
    if dropped:
        flags.add(Flag.ATTACHMENT_DROPPED)
        meta["dropped_attachments"] = dropped
    if problems:
        flags.add(Flag.MALFORMED)
        meta["problems"] = problems
    if size > limits.max_message_bytes:
        flags.add(Flag.OVERSIZED)
    if flags & {Flag.MALFORMED, Flag.OVERSIZED}:
        kept = raw[: limits.max_raw_bytes]
        if len(kept) < size:
            meta["raw_truncated"] = True
        attachments.insert(0, Attachment("message.eml", "message/rfc822", kept, kind="raw"))

    external_id = _first_id(_header(message, "Message-ID"))
    if external_id is None:  # line ends normalised: the same mail from a file and from IMAP (CRLF) is one
        external_id = HASH_PREFIX + hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest()
    return Inbound(
        channel=Channel.EMAIL,
        received_at=_date(_header(message, "Date"), arrived, meta),
        body=body,
        sender={"email": address} if address else {},
        sender_name=name,
        topic=subject,
        to=_recipient(message),
        external_id=external_id,
        thread_refs=_refs(message),
        flags=frozenset(flags),
        attachments=tuple(attachments),
        meta=meta,
    )


def _header(message: Message, name: str) -> str | None:
    """A header's value, RFC 2047-decoded; the unparsed value when the header cannot be parsed."""
    try:
        value = message.get(name)
    except Exception:  # the header parser gave up: fall back to the raw value
        value = next((v for k, v in message.raw_items() if k.lower() == name.lower()), None)
    return None if value is None else str(value)


def _clean(value: str | None) -> str | None:
    """One line of text, or None; NUL characters removed (PostgreSQL's text cannot hold them)."""
    return _WHITESPACE.sub(" ", value.replace("\x00", "")).strip() or None if value else None


def _text(value: str) -> str:
    """Body text with Unix line ends, no trailing spaces, no NUL characters."""
    lines = value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _sender(message: EmailMessage, problems: list[str]) -> tuple[str | None, str | None]:
    """The From address (validated) and display name."""
    address: str | None = None
    name: str | None = None
    try:
        header = message.get("From")
        found = list(getattr(header, "addresses", ()))
        if found:
            address, name = found[0].addr_spec, found[0].display_name
    except Exception:  # broken header: the simple parser below reads what it can
        header = _header(message, "From")
    if address is None and header is not None:
        name, address = parseaddr(str(header))
    if not address:
        problems.append("no From address")
        return None, _clean(name)
    try:
        normalise_email(address)
    except InvalidIdentifier:
        problems.append("invalid From address")
        return None, _clean(name)
    return address.strip(), _clean(name)


def _recipient(message: Message) -> str | None:
    """Where it arrived: Delivered-To, X-Original-To, else the first To or Cc address (lower-cased)."""
    for name in ("Delivered-To", "X-Original-To", "To", "Cc"):
        value = _header(message, name)
        if value:
            for _display, address in getaddresses([value]):
                if "@" in address:
                    return address.strip().lower()
    return None


def _first_id(value: str | None) -> str | None:
    if not value:
        return None
    match = _MSGID.search(value)
    if match:
        return _bounded(match.group())
    token = value.strip().strip("<>").split()
    return _bounded(f"<{token[0]}>") if token else None


def _bounded(msgid: str) -> str:
    """An id short enough to store and look up; a longer one by its hash (the same in every reference)."""
    if len(msgid) <= MAX_ID_LENGTH:
        return msgid
    return HASH_PREFIX + hashlib.sha256(msgid.encode("utf-8", "replace")).hexdigest()


def _refs(message: Message) -> tuple[str, ...]:
    """In-Reply-To first, then References (the newest ones), each once."""
    parents = [_bounded(i) for value in _all(message, "In-Reply-To") for i in _MSGID.findall(value)]
    thread = [_bounded(i) for value in _all(message, "References") for i in _MSGID.findall(value)]
    return tuple(dict.fromkeys(parents + thread[-MAX_THREAD_REFS:]))


def _all(message: Message, name: str) -> list[str]:
    return [str(v) for k, v in message.raw_items() if k.lower() == name.lower()]


def _date(value: str | None, arrived: datetime, meta: dict[str, Any]) -> datetime:
    """The Date header, time-zone aware; the arrival time when it is missing, unreadable or in the future."""
    if value:
        try:
            sent = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            meta["date_unreadable"] = True
        else:
            sent = sent if sent.tzinfo else sent.replace(tzinfo=UTC)
            if sent <= arrived + _FUTURE_TOLERANCE:
                return sent
            meta["date_in_future"] = True
    return arrived


def _walk(message: Message) -> list[Message]:
    try:
        return list(message.walk())
    except Exception:  # a structure the package cannot walk: judge the top level only
        return [message]


def _collect(part: Message, into: _Collected) -> None:
    """Sort the parts into body text, HTML and files; of alternatives the plain (else the richest) one."""
    maintype = part.get_content_maintype()
    if maintype == "multipart" and part.is_multipart():
        children = [child for child in part.get_payload() if isinstance(child, Message)]
        if part.get_content_subtype() == "alternative" and children:
            plain = [c for c in children if c.get_content_type() == "text/plain" and not _is_file(c)]
            children = plain[:1] or children[-1:]
        for child in children:
            _collect(child, into)
        return
    ctype = part.get_content_type()
    if ctype in ("text/plain", "text/html") and not _is_file(part):
        text, clean = part_text(part)
        into.undecodable += not clean
        (into.texts if ctype == "text/plain" else into.htmls).append(text)
        return
    into.files.append(part)


def _is_file(part: Message) -> bool:
    try:
        return part.get_content_disposition() == "attachment" or part.get_filename() is not None
    except Exception:  # an unreadable filename parameter: still a file
        return True


def _attachments(parts: list[Message], limits: Limits) -> tuple[list[Attachment], list[dict[str, Any]]]:
    kept: list[Attachment] = []
    dropped: list[dict[str, Any]] = []
    total = 0
    for number, part in enumerate(parts, 1):
        ctype = part.get_content_type()
        data = _content(part)
        try:
            filename = _clean(part.get_filename())
        except Exception:  # unreadable RFC 2231 parameter
            filename = None
        filename = filename or f"attachment-{number}{_extension(ctype)}"
        if len(data) > limits.max_attachment_bytes or total + len(data) > limits.max_message_bytes:
            reason = "attachment_limit" if len(data) > limits.max_attachment_bytes else "message_limit"
            dropped.append(
                {
                    "filename": filename,
                    "content_type": ctype,
                    "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "reason": reason,
                }
            )
            continue
        total += len(data)
        kept.append(Attachment(filename, ctype, data))
    return kept, dropped


def _content(part: Message) -> bytes:
    """The decoded bytes of a leaf part; of an embedded message (message/*) the message as sent."""
    if part.get_content_maintype() == "message":
        try:
            return part.as_bytes().partition(b"\n\n")[2]
        except Exception:  # an embedded message the generator cannot write back
            payload = part.get_payload()
            return str(payload).encode("utf-8", "replace")
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _extension(ctype: str) -> str:
    if ctype == "message/rfc822":
        return ".eml"
    if ctype.startswith(("message/", "text/")):
        return mimetypes.guess_extension(ctype) or ".txt"
    return mimetypes.guess_extension(ctype) or ".bin"
