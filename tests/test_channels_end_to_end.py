"""One person on every channel: a form, a call, a chat and a request sent into the IMAP mailbox all land
in one answer with their channel as source — and the request is acknowledged, verified and answered
over real SMTP.

Real parts: the web app in process (form, chat over WebSocket), a private dovecot (IMAP), aiosmtpd (SMTP).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

import auskunft.demo
from auskunft.answer.builder import SubjectQuery
from auskunft.channels import chat, form
from auskunft.channels.email import imap
from auskunft.channels.phone.calls import Call, log_call
from auskunft.config import Settings
from auskunft.conversations import outbox
from auskunft.domain.identifiers import IdentifierKind
from auskunft.ledger import Actor, Ledger
from auskunft.requests import cases, decisions, overview
from auskunft.web.app import create_app
from tests import email_servers
from tests.email_servers import Mailbox, SmtpServer, message_of

dovecot = email_servers.dovecot
mailbox = email_servers.mailbox
smtp_server = email_servers.smtp_server

PAULA = "paula.kanal@example.de"
PAULA_PHONE = "+49 30 5550199"
DEMO_REGISTER = Path(auskunft.demo.__file__).parent / "register.yaml"
REQUEST = f"""From: Paula Kanal <{PAULA}>
To: datenschutz@beispiel-versand.example.de
Subject: Auskunft nach Art. 15 DSGVO (Mein Zeichen: 2026-PK0001)
Date: Mon, 16 Nov 2026 10:15:00 +0100
Message-ID: <paula-dsr@example.de>
Content-Type: text/plain; charset=utf-8

Sehr geehrte Damen und Herren,

ich bitte um Auskunft gem=C3=A4=C3=9F Art. 15 DSGVO =C3=BCber alle zu meiner Person gespeicherten Daten
und um eine Kopie dieser Daten.

Mit freundlichen Gr=C3=BC=C3=9Fen
Paula Kanal
""".replace(
    "Content-Type: text/plain; charset=utf-8",
    "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable",
).encode()


class Clock:
    now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def submit_form(client: TestClient, clock: Clock) -> None:
    page = client.get("/kontakt")
    token = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert token
    clock.now += 30
    response = client.post(
        "/kontakt",
        data={
            "form_token": token[1],
            "name": "Paula Kanal",
            "email": PAULA,
            "phone": PAULA_PHONE,
            "topic": "technik",
            "message": "Mein Toaster WT-3 bräunt nur auf einer Seite.",
        },
    )
    assert response.status_code == 200
    assert "K-" in response.text


def chat_with_us(client: TestClient) -> None:
    with client.websocket_connect("/chat/ws") as visitor:
        visitor.send_json({"type": "start", "lang": "de", "name": "Paula Kanal", "email": PAULA})
        for _ in range(10):
            if visitor.receive_json()["type"] == "started":
                break
        visitor.send_json({"type": "message", "body": "Gibt es den Toaster WT-3 auch in Weiß?"})
        for _ in range(10):
            if visitor.receive_json()["type"] == "message":
                break


def delivered(server: SmtpServer, to: str) -> list[EmailMessage]:
    return [m for m in map(message_of, server.received) if m["To"] == to]


def test_form_call_chat_and_imap_request_land_in_one_answer_sent_over_smtp(
    ledger: Ledger, settings: Settings, mailbox: Mailbox, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    ledger.load_register(DEMO_REGISTER)
    app = create_app(ledger, channels=False)
    clock = Clock()
    form.install(app, clock=clock)
    chat.install(app)
    with TestClient(app) as client:
        submit_form(client, clock)
        chat_with_us(client)
    log_call(
        ledger,
        Call(
            PAULA_PHONE,
            datetime(2026, 11, 16, 9, 0, tzinfo=UTC),
            180,
            "anna",
            "Kundin fragt nach dem Stand ihrer Reklamation WT-3",
            line="+49 30 99990000",
        ),
    )

    configured = smtp_server.configure(mailbox.configure(settings, tmp_path))
    mailbox.append(REQUEST)
    summary = imap.fetch(ledger, configured)
    assert summary.received == 1

    acknowledgement, code_mail = delivered(smtp_server, PAULA)
    assert acknowledgement["In-Reply-To"] == "<paula-dsr@example.de>"
    code = re.search(r"\b(\d{4} \d{4})\b", code_mail.get_content())
    assert code
    with ledger.engine.connect() as connection:
        (item,) = overview.list_cases(connection, cases.today(ledger))
    cases.verify(ledger, item.case.id, code[1], Actor("dpo:dora"))
    decisions.respond_access(ledger, item.case.id, Actor("dpo:dora"), outbox.smtp_mailer(configured))

    answer_mail = delivered(smtp_server, PAULA)[-1]
    parts = {part.get_filename(): part.get_content() for part in answer_mail.iter_attachments()}
    sent: dict[str, Any] = json.loads(next(v for k, v in parts.items() if k and k.endswith(".json")))
    direct = ledger.answer(SubjectQuery(IdentifierKind.EMAIL, PAULA), "de", Actor("test"))
    for answer_records in (sent["records"], [r.model_dump() for r in direct.records]):
        messages = [r for r in answer_records if r["category"] == "user.content.private"]
        channels = {r["source"]["channel"] for r in messages}
        assert {"contact_form", "chat", "hotline", "email"} <= channels
        assert any("Toaster WT-3 bräunt" in r["value"] for r in messages)
