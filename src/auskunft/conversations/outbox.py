"""Mail we send from a conversation: agents' replies and the automatic messages of request cases.

Every message sent is also kept as an outbound message of its conversation (with one-time codes blanked
out), so the correspondence is complete in the person's answer. Automatic messages carry
`Auto-Submitted: auto-replied` (RFC 3834) and never any advertising: `compose` has no way to add any.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from auskunft.config import Settings
from auskunft.register.model import ControllerInfo


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Send `message`; returns its Message-ID. Raises an AuskunftError when it cannot be sent."""
        ...


def sender_address(settings: Settings, controller: ControllerInfo | None) -> str:
    configured = getattr(settings, "mail_from", None)
    if configured:
        return str(configured)
    if controller is not None:
        return f"{controller.name} <{controller.email}>"
    return "auskunft <noreply@localhost>"


def compose(
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    lang: str,
    automatic: bool,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
) -> EmailMessage:
    """A plain-text UTF-8 message, threaded onto `in_reply_to` when given."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    domain = sender.rpartition("@")[2].rstrip(">").strip() or None
    message["Message-ID"] = make_msgid(domain=domain)
    # Not a stand-in id ("sha256:...") of a message that came without a Message-ID.
    if in_reply_to and in_reply_to.startswith("<"):
        message["In-Reply-To"] = in_reply_to
        message["References"] = " ".join([*(r for r in references if r.startswith("<")), in_reply_to])
    if automatic:
        message["Auto-Submitted"] = "auto-replied"
        message["X-Auto-Response-Suppress"] = "All"
    message["Content-Language"] = lang
    message.set_content(body, charset="utf-8")
    return message


def smtp_mailer(settings: Settings) -> Mailer | None:
    """The SMTP mailer of the email channel, when an SMTP server is configured."""
    if not getattr(settings, "smtp_host", None):
        return None
    from auskunft.channels.email import smtp

    class _Smtp:
        def send(self, message: EmailMessage) -> str:
            return smtp.send(settings, message)

    return _Smtp()
