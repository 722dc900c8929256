"""Mail delivered into a real IMAP mailbox (a private dovecot) lands in conversations and in the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from auskunft.answer.builder import SubjectQuery
from auskunft.channels.email import imap
from auskunft.channels.email.cli import app
from auskunft.config import Settings
from auskunft.conversations.model import Flag
from auskunft.domain.identifiers import IdentifierKind
from auskunft.ledger import Actor, Ledger
from auskunft.store import conversation_tables as ct
from tests import email_servers
from tests.conftest import DATA
from tests.email_servers import Mailbox, SmtpServer, message_of, with_values

dovecot = email_servers.dovecot  # the fixtures, shared with the other email tests
mailbox = email_servers.mailbox
smtp_server = email_servers.smtp_server

EMAIL = DATA / "email"
ACCESS_REQUEST = b"""From: Erika Muster <erika.muster@example.de>
To: datenschutz@beispiel-versand.de
Subject: Auskunftsersuchen nach Art. 15 DSGVO
Date: Mon, 3 Nov 2025 10:15:00 +0100
Message-ID: <dsr-1@example.de>
Content-Type: text/plain; charset=utf-8

Sehr geehrte Damen und Herren,

hiermit verlange ich gem\xc3\xa4\xc3\x9f Art. 15 DSGVO Auskunft \xc3\xbcber die zu meiner Person
gespeicherten personenbezogenen Daten.

Mit freundlichen Gr\xc3\xbc\xc3\x9fen
Erika Muster
"""


def messages(ledger: Ledger) -> list[Any]:
    with ledger.engine.connect() as connection:
        return list(connection.execute(select(ct.Message).order_by(ct.Message.id)))


def attachments(ledger: Ledger, message_id: int) -> list[Any]:
    with ledger.engine.connect() as connection:
        query = select(ct.MessageAttachment).where(ct.MessageAttachment.message_id == message_id)
        return list(connection.execute(query.order_by(ct.MessageAttachment.id)))


@pytest.fixture
def configured(settings: Settings, mailbox: Mailbox, tmp_path: Path) -> Settings:
    return mailbox.configure(settings, tmp_path)


def test_appended_message_lands_in_a_conversation_and_the_ledger(
    ledger: Ledger, mailbox: Mailbox, configured: Settings
) -> None:
    mailbox.append((EMAIL / "plain_de.eml").read_bytes())
    summary = imap.fetch(ledger, configured)
    assert (summary.messages, summary.received, summary.errors) == (1, 1, [])
    [message] = messages(ledger)
    assert message.external_id == "<20251103101500.1234@mail.example.de>"
    assert message.topic == "Frage zur Größe meiner Bestellung"
    assert "ist mir zu groß" in message.body
    answer = ledger.answer(SubjectQuery(IdentifierKind.EMAIL, "Erika.Muster@example.de"), "de", Actor("test"))
    emails = [r for r in answer.records if r.category == "user.contact.email"]
    assert [r.value for r in emails] == ["erika.muster@example.de"]
    assert (emails[0].source.kind, emails[0].source.channel) == ("channel", "email")


def test_fetching_twice_stores_once(ledger: Ledger, mailbox: Mailbox, configured: Settings) -> None:
    mailbox.append((EMAIL / "plain_de.eml").read_bytes())
    assert imap.fetch(ledger, configured).received == 1
    assert imap.fetch(ledger, configured).messages == 0  # the UID is remembered
    configured.imap_state_file.unlink()  # forgotten: fetched again, stored once all the same
    again = imap.fetch(ledger, configured)
    assert (again.messages, again.received, again.duplicates) == (1, 0, 1)
    assert len(messages(ledger)) == 1


def test_reply_threads_into_the_same_conversation(
    ledger: Ledger, mailbox: Mailbox, configured: Settings
) -> None:
    mailbox.append((EMAIL / "plain_de.eml").read_bytes())
    imap.fetch(ledger, configured)
    reply = (
        (EMAIL / "reply_de.eml").read_bytes().replace(b"In-Reply-To: <reply-1@beispiel-versand.de>\n", b"")
    )
    mailbox.append(reply)
    imap.fetch(ledger, configured)
    first, second = messages(ledger)
    assert second.conversation_id == first.conversation_id


@pytest.mark.parametrize("name", ["auto_submitted.eml", "dsn_postfix.eml", "abwesenheitsnotiz.eml"])
def test_automatic_mail_is_flagged_and_never_answered(
    ledger: Ledger, mailbox: Mailbox, configured: Settings, smtp_server: SmtpServer, name: str
) -> None:
    # An automatic message quoting a request (as out-of-office notes and bounces do) opens nothing.
    raw = (EMAIL / name).read_bytes() + b"\n> hiermit verlange ich Auskunft nach Art. 15 DSGVO\n"
    mailbox.append(raw)
    summary = imap.fetch(ledger, smtp_server.configure(configured))
    assert summary.requests == 0
    [message] = messages(ledger)
    assert set(message.flags) & {Flag.AUTO_REPLY.value, Flag.BOUNCE.value}
    assert smtp_server.received == []


def test_request_by_mail_opens_a_case_and_is_acknowledged_by_mail(
    ledger: Ledger, mailbox: Mailbox, configured: Settings, smtp_server: SmtpServer
) -> None:
    mailbox.append(ACCESS_REQUEST)
    summary = imap.fetch(ledger, smtp_server.configure(configured))
    assert summary.requests == 1
    acknowledgement = message_of(smtp_server.received[0])
    assert (
        acknowledgement["To"] == "erika.muster@example.de"
        or "erika.muster@example.de" in acknowledgement["To"]
    )
    assert acknowledgement["In-Reply-To"] == "<dsr-1@example.de>"
    assert acknowledgement["Auto-Submitted"] == "auto-replied"


@pytest.mark.parametrize("name", ["no_from.eml", "broken_mime.eml", "unknown_charset.eml"])
def test_malformed_message_is_kept_with_raw_evidence(
    ledger: Ledger, mailbox: Mailbox, configured: Settings, name: str
) -> None:
    mailbox.append((EMAIL / name).read_bytes())
    assert imap.fetch(ledger, configured).received == 1
    [message] = messages(ledger)
    assert Flag.MALFORMED.value in message.flags
    [raw] = [a for a in attachments(ledger, message.id) if a.kind == "raw"]
    assert raw.data.replace(b"\r\n", b"\n") == (EMAIL / name).read_bytes()


def test_oversized_message_is_kept_with_raw_evidence(
    ledger: Ledger, mailbox: Mailbox, settings: Settings, tmp_path: Path
) -> None:
    raw = (EMAIL / "attachments.eml").read_bytes()
    mailbox.append(raw)
    small = mailbox.configure(
        settings,
        tmp_path,
        email_max_message_bytes=2048,
        email_max_attachment_bytes=1024,
        email_max_raw_bytes=4096,
    )
    imap.fetch(ledger, small)
    [message] = messages(ledger)
    assert {Flag.OVERSIZED.value, Flag.ATTACHMENT_DROPPED.value} <= set(message.flags)
    [kept] = [a for a in attachments(ledger, message.id) if a.kind == "raw"]
    assert kept.data == raw.replace(b"\n", b"\r\n")[:4096]  # fetched only up to the hard cap
    assert message.meta["raw_truncated"] is True
    assert message.meta["size"] == len(raw.replace(b"\n", b"\r\n"))


def test_attachment_over_the_limit_is_listed_but_not_kept(
    ledger: Ledger, mailbox: Mailbox, settings: Settings, tmp_path: Path
) -> None:
    mailbox.append((EMAIL / "attachments.eml").read_bytes())
    imap.fetch(ledger, mailbox.configure(settings, tmp_path, email_max_attachment_bytes=5000))
    [message] = messages(ledger)
    assert message.flags == [Flag.ATTACHMENT_DROPPED.value]
    assert [(a.filename, a.kind) for a in attachments(ledger, message.id)] == [
        ("Rechnung_ü.pdf", "attachment")
    ]
    [dropped] = message.meta["dropped_attachments"]
    assert (dropped["filename"], dropped["size"]) == ("schaden-gross.png", 6150)


def test_received_messages_can_be_moved_to_a_processed_folder(
    ledger: Ledger, mailbox: Mailbox, settings: Settings, tmp_path: Path
) -> None:
    mailbox.append((EMAIL / "plain_de.eml").read_bytes())
    mailbox.append((EMAIL / "html_only.eml").read_bytes())
    imap.fetch(ledger, mailbox.configure(settings, tmp_path, imap_processed_folder="Erledigt"))
    assert mailbox.count("INBOX") == 0
    assert mailbox.count("Erledigt") == 2
    assert len(messages(ledger)) == 2


def test_wrong_password_is_a_clear_error(ledger: Ledger, configured: Settings) -> None:
    wrong = with_values(configured, imap_password="wrong")
    with pytest.raises(imap.FetchFailed, match="refused"):
        imap.fetch(ledger, wrong)


def test_starttls_demanded_of_a_server_without_it_sends_no_password(
    ledger: Ledger, configured: Settings
) -> None:
    with pytest.raises(imap.FetchFailed, match="offers no STARTTLS"):
        imap.fetch(ledger, with_values(configured, imap_starttls=True))


def test_fetch_command_prints_a_summary(
    settings: Settings, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    mailbox.append((EMAIL / "plain_de.eml").read_bytes())
    mailbox.append((EMAIL / "out_of_office.eml").read_bytes())
    mailbox.environment(monkeypatch, tmp_path)
    result = CliRunner().invoke(app, ["fetch", "--once", "--report", "json"])
    assert result.exit_code == 0, result.output
    assert '"received": 2' in result.stdout
    assert '"auto_reply": 1' in result.stdout
