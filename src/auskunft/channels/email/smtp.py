"""Replies by email: building them (threading headers, "Re:" subject, plain UTF-8 text) and sending them.

Automatic messages (acknowledgements) carry `Auto-Submitted: auto-replied` (RFC 3834) and
`X-Auto-Response-Suppress: All`, so that out-of-office robots do not answer them. They never carry
advertising: `reply_message` takes nothing but the text it is given — no footer, no HTML, no attachment — so
there is no way to append a marketing block to it.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Sequence
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr

from auskunft.config import Settings
from auskunft.domain.identifiers import normalise_email
from auskunft.errors import AuskunftError, ConfigurationError
from auskunft.i18n import Language, translations

TIMEOUT_SECONDS = 60
_REPLY_PREFIX = re.compile(r"^\s*(re|aw|antw|sv|vs|odp)\s*:", re.IGNORECASE)
_MSGID = re.compile(r"^<[^<>\s]+>$")
_MAX_REFERENCES = 20


class SendFailed(AuskunftError):
    """The SMTP server could not be reached, or it refused the login, the sender or the recipients."""


def reply_message(
    *,
    to: str,
    body: str,
    sender: str,
    subject: str | None = None,
    to_name: str | None = None,
    sender_name: str | None = None,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    automatic: bool = False,
    lang: Language = "de",
) -> EmailMessage:
    """A reply to `to` from `sender` (the queue's or the company's address), as plain UTF-8 text.

    `in_reply_to`: the Message-ID answered; `references`: the ids of the thread before it (oldest first).
    Ids not of the form `<id@host>` (such as the `sha256:` ids of messages without one) are left out.
    `automatic`: an acknowledgement or other message no person wrote (marked per RFC 3834).
    """
    normalise_email(to)  # InvalidIdentifier for an address no server would take
    normalise_email(sender)
    message = EmailMessage()
    message["From"] = Address(_line(sender_name) or "", addr_spec=sender.strip())
    message["To"] = Address(_line(to_name) or "", addr_spec=to.strip())
    message["Subject"] = _reply_subject(subject, lang)
    parent = in_reply_to if in_reply_to and _MSGID.match(in_reply_to) else None
    thread = [ref for ref in references if _MSGID.match(ref) and ref != parent]
    if parent:
        message["In-Reply-To"] = parent
        thread.append(parent)
    if thread:
        message["References"] = " ".join(list(dict.fromkeys(thread))[-_MAX_REFERENCES:])
    if automatic:
        message["Auto-Submitted"] = "auto-replied"
        message["X-Auto-Response-Suppress"] = "All"
    message.set_content(body, subtype="plain", charset="utf-8")
    return message


def send(settings: Settings, message: EmailMessage) -> str:
    """Send `message` over SMTP and return its Message-ID (Message-ID, Date and From are set if missing)."""
    if not settings.smtp_host:
        raise ConfigurationError("AUSKUNFT_SMTP_HOST is not set")
    if message["From"] is None:
        if not settings.mail_from:
            raise ConfigurationError("the message has no From and AUSKUNFT_MAIL_FROM is not set")
        message["From"] = settings.mail_from
    if message["Date"] is None:
        message["Date"] = datetime.now(UTC)
    if message["Message-ID"] is None:
        domain = parseaddr(str(message["From"]))[1].rpartition("@")[2] or None
        message["Message-ID"] = make_msgid(domain=domain)
    host, port = settings.smtp_host, _port(settings)
    context = ssl.create_default_context()
    where = f"{host}:{port}"
    try:
        client = (
            smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=context)
            if settings.smtp_ssl
            else smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
        )
        with client:
            if settings.smtp_starttls and not settings.smtp_ssl:
                client.starttls(context=context)
            if settings.smtp_user:
                password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
                client.login(settings.smtp_user, password)
            refused = client.send_message(message)
    except smtplib.SMTPNotSupportedError:
        raise SendFailed(f"the SMTP server {where} offers no STARTTLS; not sending in plain text") from None
    except smtplib.SMTPAuthenticationError as exc:
        raise SendFailed(f"the SMTP server {where} refused the login (code {exc.smtp_code})") from None
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({str(code) for code, _text in exc.recipients.values()})
        raise SendFailed(f"the SMTP server {where} refused the recipient (code {', '.join(codes)})") from None
    except smtplib.SMTPResponseException as exc:  # sender refused, data refused, ...
        raise SendFailed(f"the SMTP server {where} refused the message (code {exc.smtp_code})") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SendFailed(f"cannot send through the SMTP server {where}: {type(exc).__name__}") from None
    if refused:
        raise SendFailed(
            f"the SMTP server {where} refused {len(refused)} of the recipients; sent to the others"
        )
    return str(message["Message-ID"]).strip()


def _port(settings: Settings) -> int:
    if settings.smtp_port:
        return settings.smtp_port
    return 465 if settings.smtp_ssl else 587 if settings.smtp_starttls else 25


def _line(value: str | None) -> str | None:
    return " ".join(value.split()) or None if value else None


def _reply_subject(subject: str | None, lang: Language) -> str:
    tr = translations(lang).gettext
    subject = _line(subject) or tr("Your message")
    return subject if _REPLY_PREFIX.match(subject) else f"Re: {subject}"
