"""Replies are built with the right threading headers and sent through a real (local aiosmtpd) SMTP server."""

from __future__ import annotations

import inspect
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from auskunft.channels.email.smtp import SendFailed, reply_message, send
from auskunft.config import Settings
from auskunft.errors import ConfigurationError, InvalidIdentifier
from tests import email_servers
from tests.email_servers import SmtpServer, free_port, with_values

smtp_server = email_servers.smtp_server  # the fixture

SERVICE = "service@beispiel-versand.de"
ERIKA = "erika.muster@example.de"


def reply(**more: object) -> EmailMessage:
    values: dict[str, object] = {
        "to": ERIKA,
        "to_name": "Erika Müster",
        "sender": SERVICE,
        "sender_name": "Beispiel Versand Kundenservice",
        "subject": "Frage zur Größe",
        "body": "Guten Tag Frau Müster,\n\nSie können die Jacke umtauschen.\n",
        "in_reply_to": "<m2@example.de>",
        "references": ["<m1@example.de>", "<r1@beispiel-versand.de>"],
    }
    return reply_message(**(values | more))  # type: ignore[arg-type]


def test_reply_threads_onto_the_message_it_answers() -> None:
    message = reply()
    assert message["In-Reply-To"] == "<m2@example.de>"
    assert message["References"] == "<m1@example.de> <r1@beispiel-versand.de> <m2@example.de>"
    assert message["Subject"] == "Re: Frage zur Größe"
    assert message["From"].addresses[0].addr_spec == SERVICE
    assert message["To"].addresses[0].display_name == "Erika Müster"


def test_reply_keeps_an_existing_reply_prefix() -> None:
    assert reply(subject="AW: Lieferung")["Subject"] == "AW: Lieferung"
    assert reply(subject="Re: Lieferung")["Subject"] == "Re: Lieferung"


def test_reply_without_subject_gets_one_in_the_language() -> None:
    assert reply(subject=None)["Subject"] == "Re: Ihre Nachricht"
    assert reply(subject=None, lang="en")["Subject"] == "Re: Your message"


def test_reply_to_a_message_without_message_id_leaves_the_hash_id_out() -> None:
    message = reply(in_reply_to="sha256:" + "ab" * 32, references=["sha256:" + "cd" * 32])
    assert message["In-Reply-To"] is None
    assert message["References"] is None


def test_reply_is_plain_utf8_text_only() -> None:
    message = reply()
    assert not message.is_multipart()
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content() == "Guten Tag Frau Müster,\n\nSie können die Jacke umtauschen.\n"


def test_automatic_message_is_marked_and_agent_reply_is_not() -> None:
    automatic = reply(automatic=True)
    assert automatic["Auto-Submitted"] == "auto-replied"
    assert automatic["X-Auto-Response-Suppress"] == "All"
    assert reply()["Auto-Submitted"] is None


def test_automatic_message_builder_has_no_way_to_add_advertising() -> None:
    parameters = set(inspect.signature(reply_message).parameters)
    assert parameters == {
        "to", "body", "sender", "subject", "to_name", "sender_name", "in_reply_to", "references", "automatic",
        "lang",
    }  # fmt: skip
    assert reply(automatic=True).get_content() == reply().get_content()


def test_header_injection_through_names_and_subject_is_impossible() -> None:
    message = reply(subject="Hallo\r\nBcc: victim@example.org", to_name="Eve\nBcc: x@example.org")
    written = message_from_bytes(bytes(message), policy=policy.default)
    assert "Bcc" not in written
    assert written["Subject"] == "Re: Hallo Bcc: victim@example.org"


def test_reply_to_an_invalid_address_is_refused() -> None:
    with pytest.raises(InvalidIdentifier):
        reply(to="not an address")


def test_sent_reply_arrives_with_its_headers(settings: Settings, smtp_server: SmtpServer) -> None:
    message = reply(automatic=True)
    message_id = send(smtp_server.configure(settings), message)
    [envelope] = smtp_server.received
    assert envelope.mail_from == SERVICE
    assert envelope.rcpt_tos == [ERIKA]
    assert isinstance(envelope.content, bytes)
    arrived = message_from_bytes(envelope.content, policy=policy.default)
    assert arrived["Message-ID"] == message_id
    assert message_id.startswith("<")
    assert message_id.endswith("@beispiel-versand.de>")
    assert arrived["Date"] is not None
    assert arrived["In-Reply-To"] == "<m2@example.de>"
    assert arrived["Auto-Submitted"] == "auto-replied"
    assert arrived["Subject"] == "Re: Frage zur Größe"
    assert isinstance(arrived, EmailMessage)
    assert arrived.get_content().replace("\r\n", "\n") == message.get_content()


def test_send_fills_in_the_configured_sender(settings: Settings, smtp_server: SmtpServer) -> None:
    message = EmailMessage()
    message["To"] = ERIKA
    message["Subject"] = "Test"
    message.set_content("Hallo")
    send(smtp_server.configure(settings, mail_from="kundenservice@beispiel-versand.de"), message)
    assert smtp_server.received[0].mail_from == "kundenservice@beispiel-versand.de"


def test_unreachable_server_is_a_clear_error(settings: Settings) -> None:
    unused = with_values(settings, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_starttls=False)
    with pytest.raises(SendFailed, match=r"cannot send through the SMTP server 127\.0\.0\.1"):
        send(unused, reply())


def test_server_without_starttls_gets_nothing_in_plain_text(
    settings: Settings, smtp_server: SmtpServer
) -> None:
    with pytest.raises(SendFailed, match="offers no STARTTLS"):
        send(smtp_server.configure(settings, smtp_starttls=True), reply())
    assert smtp_server.received == []


def test_refused_recipient_is_a_clear_error_without_the_address(
    settings: Settings, smtp_server: SmtpServer
) -> None:
    async def refuse(server: object, session: object, envelope: object, address: str, options: object) -> str:
        return "550 5.1.1 mailbox unavailable"

    smtp_server.collector.handle_RCPT = refuse  # type: ignore[attr-defined]
    with pytest.raises(SendFailed, match=r"refused the recipient \(code 550\)") as caught:
        send(smtp_server.configure(settings), reply())
    assert ERIKA not in str(caught.value)


def test_without_smtp_host_sending_is_a_configuration_error(settings: Settings) -> None:
    with pytest.raises(ConfigurationError, match="AUSKUNFT_SMTP_HOST"):
        send(settings, reply())
