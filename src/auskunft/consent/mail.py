"""The double opt-in confirmation email: the request to confirm, and nothing else.

It carries no advertising of any kind (no offers, no product names, no images, no tracking pixels;
OLG München 29 U 1682/12 held a confirmation mail with advertising content to be advertising itself):
only who asks, for what, the declaration the person is asked to confirm (verbatim), the link, and until
when it is valid. Plain text only, so that nothing is loaded from a server when it is opened (§ 25 TDDDG).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from auskunft.i18n import translations
from auskunft.register.model import ControllerInfo

REDACTED = "[token]"
"""Stands for the token in the copy of the message kept as evidence: the ledger never holds the token."""


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What the confirmation message says, in the person's language."""

    to: str
    controller: ControllerInfo | None
    purpose_label: str
    channel_label: str
    wording: str
    wording_version: str
    expires_at: datetime
    lang: str
    timezone: str = "Europe/Berlin"


def subject_line(c: Confirmation) -> str:
    tr = translations(c.lang).gettext
    return tr("Please confirm: {purpose}").format(purpose=c.purpose_label)


def body(c: Confirmation, link: str) -> str:
    tr = translations(c.lang).gettext
    expires = format_datetime(
        c.expires_at,
        format="dd.MM.yyyy, HH:mm" if c.lang == "de" else "d MMM yyyy, HH:mm",
        tzinfo=ZoneInfo(c.timezone),
        locale=c.lang,
    )
    who = c.controller.name if c.controller else tr("we")
    lines = [
        tr("Hello,"),
        "",
        tr(
            "{company} received a request to send {purpose} by {channel} to this email address. "
            "We will do so only after you have confirmed that the request came from you."
        ).format(company=who, purpose=c.purpose_label, channel=c.channel_label),
        "",
        tr("You are asked to confirm this declaration (version {version}):").format(
            version=c.wording_version
        ),
        "",
        f"    „{c.wording}“",
        "",
        tr("To confirm, please open this link:"),
        "",
        f"    {link}",
        "",
        tr("The link can be used once and is valid until {expires} ({zone}).").format(
            expires=expires, zone=c.timezone
        ),
        "",
        tr(
            "If you did not ask for this, please ignore this message: without your confirmation we will "
            "not use your address for this purpose, and we will not write to you about it again."
        ),
        "",
        tr(
            "You can withdraw your consent at any time, with effect for the future and as easily as you "
            "gave it, e.g. by the unsubscribe link in every message or by writing to us."
        ),
    ]
    if c.controller:
        lines += ["", "--", c.controller.name, c.controller.address, c.controller.email]
    return "\n".join(lines) + "\n"


def message(c: Confirmation, link: str) -> EmailMessage:
    """The confirmation email, ready to send (plain text, UTF-8)."""
    msg = EmailMessage()
    msg["Subject"] = subject_line(c)
    msg["To"] = c.to
    if c.controller:
        msg["From"] = f"{c.controller.name} <{c.controller.email}>"
        msg["Message-ID"] = make_msgid(domain=c.controller.email.rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"
    msg["Content-Language"] = c.lang
    msg.set_content(body(c, link), charset="utf-8")
    return msg


def evidence_copy(c: Confirmation, link: str) -> dict[str, str]:
    """The message as sent, for the proof, with the token left out of the link."""
    redacted = link.rsplit("=", 1)[0] + "=" + REDACTED
    return {"subject": subject_line(c), "text": body(c, redacted), "language": c.lang}
