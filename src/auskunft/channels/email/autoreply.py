"""Automatic mail: auto-replies (out of office, vacation, read receipts) and bounces (delivery reports).

Neither is ever answered automatically: answering an auto-reply starts a mail loop, answering a bounce writes
to someone who never wrote. A bounce never opens a request case. Recognised by, in this order of reliability:

- RFC 3834 `Auto-Submitted` (anything but `no`), the vendor headers `X-Autoreply`, `X-Autorespond`,
  `X-Autoresponder`, `X-Auto-Response-Suppress` (Exchange; the sender asks for no automatic answer, which is
  honoured in the same way), `Precedence: auto_reply | bulk | junk`;
- RFC 3464 delivery status notifications (`multipart/report; report-type=delivery-status`, or any
  `message/delivery-status` part), `X-Failed-Recipients`, senders such as `MAILER-DAEMON@…`, an empty
  `Return-Path: <>` (the null sender of RFC 5321, used by delivery reports and by well-behaved auto-replies);
  RFC 8098 read receipts (`report-type=disposition-notification`) count as auto-replies;
- typical subjects in German and English ("Out of Office", "Abwesenheitsnotiz", "Automatische Antwort",
  "Undelivered Mail Returned to Sender", "Unzustellbar", ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.message import Message

from auskunft.conversations.model import Flag

_AUTO_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Response-Suppress")
_AUTO_PRECEDENCE = {"auto_reply", "bulk", "junk"}
_DAEMONS = {"mailer-daemon", "mailerdaemon", "mail-daemon", "postmaster-daemon"}
_PREFIX = r"^\s*(?:(?:re|aw|wg|fw|fwd)\s*:\s*)*"
_AUTO_SUBJECT = re.compile(
    _PREFIX + r"(?:out of (?:the )?office|automatic reply|auto[- ]?reply|auto[- ]?response|autoresponder"
    r"|abwesenheitsnotiz|abwesenheitsmeldung|abwesenheit\s*:|automatische antwort|auto\s*:|urlaubsabwesenheit"
    r"|vacation reply|away from (?:the )?office|i am out of the office"
    r"|ich bin (?:zur zeit |derzeit |momentan )?nicht im büro"
    r"|read[- ]receipt|lesebestätigung|gelesen\s*:|read\s*:)",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT = re.compile(
    _PREFIX + r"(?:undelivered mail|undeliverable|unzustellbar|nicht zustellbar|delivery status notification"
    r"|delivery failure|mail delivery failed|failure notice|returned mail|delivery has failed"
    r"|message not delivered|nachricht nicht zugestellt|unzustellbare nachricht|zustellung fehlgeschlagen"
    r"|warning: could not send message)",
    re.IGNORECASE,
)


def classify(
    message: Message, subject: str | None, sender: str | None, sender_name: str | None = None
) -> tuple[frozenset[Flag], list[str]]:
    """The automatic-mail flag of `message` (bounce or auto-reply) and why (headers, never addresses)."""
    auto: list[str] = []
    bounce: list[str] = []
    submitted = _header(message, "Auto-Submitted")
    if submitted is not None and submitted.split(";")[0].strip().lower() not in ("", "no"):
        auto.append(f"Auto-Submitted: {submitted[:60]}")
    auto += [f"{name} header" for name in _AUTO_HEADERS if _header(message, name) is not None]
    precedence = (_header(message, "Precedence") or "").strip().lower()
    if precedence in _AUTO_PRECEDENCE:
        auto.append(f"Precedence: {precedence}")

    report_types = {_report_type(part) for part in _parts(message)} - {None}
    if "delivery-status" in report_types:
        bounce.append("multipart/report; report-type=delivery-status")
    elif any(part.get_content_type() == "message/delivery-status" for part in _parts(message)):
        bounce.append("message/delivery-status part")
    if "disposition-notification" in report_types:
        auto.append("multipart/report; report-type=disposition-notification")
    if _header(message, "X-Failed-Recipients") is not None:
        bounce.append("X-Failed-Recipients header")
    local = (sender or "").rpartition("@")[0].lower()
    if local in _DAEMONS or (sender_name or "").strip().lower() == "mail delivery subsystem":
        bounce.append("sender is a mailer daemon")
    if subject and _BOUNCE_SUBJECT.search(subject):
        bounce.append("bounce subject")
    if subject and _AUTO_SUBJECT.search(subject):
        auto.append("auto-reply subject")
    if (_header(message, "Return-Path") or "").replace(" ", "") == "<>" and not auto and not bounce:
        bounce.append("empty Return-Path")

    if bounce:  # a delivery report is automatic too, but the stronger finding: it names no writer at all
        return frozenset({Flag.BOUNCE}), auto + bounce
    return (frozenset({Flag.AUTO_REPLY}) if auto else frozenset()), auto


def answers_automatically(flags: Iterable[Flag]) -> bool:
    """May a message with these flags get an automatic answer (an acknowledgement)? Not automatic mail."""
    return not {Flag.AUTO_REPLY, Flag.BOUNCE} & set(flags)


def _header(message: Message, name: str) -> str | None:
    """A header's value, unparsed (a malformed header must not stop the recognition)."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return " ".join(str(value).split())
    return None


def _parts(message: Message) -> list[Message]:
    try:
        return list(message.walk())
    except Exception:  # a broken structure: judge by the top level alone
        return [message]


def _report_type(part: Message) -> str | None:
    if part.get_content_type() != "multipart/report":
        return None
    value = part.get_param("report-type")
    return value.strip().lower() if isinstance(value, str) else None
