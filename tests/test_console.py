"""The agents' console: inbox, conversation, customer view, request cases — each behind the right role.

Personas: Erika Muster (customer, `tests/data/erika.jsonl`), agent Anna, DPO Dora, admin Adam, and an
outsider without an account. Mail goes to a real SMTP server (aiosmtpd) on loopback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from auskunft.config import Settings
from auskunft.conversations import outbox, service
from auskunft.conversations.model import Channel, Inbound
from auskunft.ledger import Ledger
from auskunft.requests import cases
from auskunft.store import conversation_tables as ct
from auskunft.store import tables as t
from tests.conftest import DATA, ERIKA_EVENTS
from tests.email_servers import SmtpServer, message_of, smtp_server
from tests.test_web_auth import HTML, add_staff, console_app, csrf_of, sign_in

__all__ = ["smtp_server"]

ERIKA = "erika.muster@example.de"
ACCESS_DE = """Sehr geehrte Damen und Herren,

ich bitte hiermit um Auskunft gemäß Art. 15 DSGVO über alle zu meiner Person gespeicherten Daten.

Zur Identifikation:
Name: Erika Muster
E-Mail-Adresse: erika.muster@example.de

Mit freundlichen Grüßen
Erika Muster
"""


class World:
    """Erika's data, one question of hers, one access request of hers and one unknown sender's message."""

    def __init__(self, ledger: Ledger, smtp: SmtpServer) -> None:
        self.ledger = ledger
        self.smtp = smtp
        assert ledger.ingest_lines(ERIKA_EVENTS.splitlines()).ok
        ledger.load_register(DATA / "register.yaml")
        add_staff(ledger)
        mailer = outbox.smtp_mailer(ledger.settings)
        asked_at = datetime.now(UTC) - timedelta(days=3)
        question = service.receive(
            ledger,
            inbound(
                "Wo bleibt meine Bestellung 4711?", ERIKA, "<q1@example.de>", "Frage zur Lieferung", asked_at
            ),
            mailer,
        )
        self.conversation = question.conversation_id
        assert question.subject_id is not None
        self.erika = question.subject_id
        request = service.receive(
            ledger,
            inbound(
                ACCESS_DE,
                ERIKA,
                "<r1@example.de>",
                "Auskunft nach Art. 15 DSGVO",
                datetime.now(UTC) - timedelta(days=1),
            ),
            mailer,
        )
        assert request.case_id is not None
        self.case = request.case_id
        stranger = service.receive(
            ledger,
            inbound("Hallo?", "max.fremder@example.com", "<s1@example.com>", "Frage", asked_at),
            mailer,
        )
        self.strangers_conversation = stranger.conversation_id

    def mails_to(self, address: str) -> list[EmailMessage]:
        found = []
        for envelope in self.smtp.received:
            message = message_of(envelope)
            if address in envelope.rcpt_tos:
                assert isinstance(message, EmailMessage)
                found.append(message)
        return found


def inbound(body: str, sender: str, msgid: str, topic: str, at: datetime) -> Inbound:
    return Inbound(
        channel=Channel.EMAIL,
        received_at=at,
        body=body,
        sender={"email": sender},
        topic=topic,
        to="service@beispiel-versand.de",
        external_id=msgid,
    )


@pytest.fixture
def world(settings: Settings, smtp_server: SmtpServer) -> Iterator[World]:
    with Ledger.open(smtp_server.configure(settings)) as ledger:
        yield World(ledger, smtp_server)


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(console_app(world.ledger), base_url="https://testserver") as test_client:
        yield test_client


def audit(ledger: Ledger, action: str) -> list[tuple[str, int | None, str | None]]:
    with ledger.engine.connect() as connection:
        rows = connection.execute(
            select(t.AuditEntry.actor, t.AuditEntry.subject_id, t.AuditEntry.reason).where(
                t.AuditEntry.action == action
            )
        )
        return [(row.actor, row.subject_id, row.reason) for row in rows]


# --- who may see what -------------------------------------------------------------------------------------


def routes(w: World) -> dict[str, tuple[str, str, dict[str, str] | None]]:
    """name: (method, path, form) — forms get the session's CSRF token added."""
    return {
        "inbox": ("GET", "/console/inbox", None),
        "conversation": ("GET", f"/console/conversations/{w.conversation}", None),
        "note": ("POST", f"/console/conversations/{w.conversation}/note", {"body": "Rückruf vereinbart"}),
        "customer": ("GET", f"/console/subjects/{w.erika}?from_conversation={w.conversation}", None),
        "customer_reason": ("POST", f"/console/subjects/{w.erika}/view", {"reason": "Kundin ruft an"}),
        "caller": ("GET", "/console/caller?number=030%201234567", None),
        "cases": ("GET", "/console/cases?state=all", None),
        "case": ("GET", f"/console/cases/{w.case}", None),
        "audit": ("GET", "/console/audit", None),
        "users": ("GET", "/console/users", None),
        "dashboard": ("GET", "/console/dashboard", None),
        "register": ("GET", "/console/register", None),
        "register_form": ("GET", "/console/register/edit?section=activities&key=newsletter", None),
        "register_csv": ("GET", "/console/register.csv", None),
        # a form without the register's stamp: refused as stale (409) once the role is right
        "register_edit": (
            "POST",
            "/console/register/edit",
            {"section": "retention_rules", "entry": "service_3y"},
        ),
    }


EXPECTED = {
    #                 outsider  anna  dora  adam
    "inbox": (401, 200, 200, 200),
    "conversation": (401, 200, 200, 200),
    "note": (401, 303, 303, 303),
    "customer": (401, 200, 200, 200),
    "customer_reason": (401, 200, 200, 200),
    "caller": (401, 200, 200, 200),
    "cases": (401, 200, 200, 200),
    "case": (401, 200, 200, 200),
    "audit": (401, 403, 200, 200),
    "users": (401, 403, 403, 200),
    "dashboard": (401, 403, 200, 200),
    "register": (401, 403, 200, 200),
    "register_form": (401, 403, 200, 200),
    "register_csv": (401, 403, 200, 200),
    "register_edit": (401, 403, 409, 409),
}
PERSONAS = ("outsider", "anna", "dora", "adam")


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_console_route_answers_each_role_as_it_must(
    client: TestClient, world: World, persona: str
) -> None:
    if persona == "outsider":
        assert sign_in(client, "outsider", "ich-rate-einfach-1").headers.get("set-cookie") is None
    else:
        sign_in(client, persona)
    token = "" if persona == "outsider" else csrf_of(client)
    outcomes = {}
    for name, (method, path, form) in routes(world).items():
        if method == "GET":
            response = client.get(path, follow_redirects=False)
        else:
            response = client.post(path, data=(form or {}) | {"csrf_token": token}, follow_redirects=False)
        outcomes[name] = response.status_code
    expected = {name: codes[PERSONAS.index(persona)] for name, codes in EXPECTED.items()}
    assert outcomes == expected


def test_an_outsider_is_sent_to_the_login_page_without_learning_anything(
    client: TestClient, world: World
) -> None:
    page = client.get(f"/console/subjects/{world.erika}?from_conversation={world.conversation}", headers=HTML)
    assert page.url.path == "/console/login"
    assert "Erika" not in page.text
    assert ERIKA not in page.text


# --- pages ------------------------------------------------------------------------------------------------


def test_inbox_lists_conversations_by_queue_with_overdue_first_responses(
    client: TestClient, world: World
) -> None:
    sign_in(client, "anna")
    page = client.get("/console/inbox").text
    assert "Frage zur Lieferung" in page
    assert 'class="row-overdue"' in page
    assert "überfällig" in page
    assert "Kundenservice" in page
    assert "Datenschutz" in page
    only_privacy = client.get("/console/inbox?queue=datenschutz&status=all").text
    assert "Auskunft nach Art. 15 DSGVO" in only_privacy
    assert "Frage zur Lieferung" not in only_privacy
    assert "Hier sind keine Vorgänge." in client.get("/console/inbox?status=closed").text


def test_opening_a_conversation_shows_it_and_is_audited(client: TestClient, world: World) -> None:
    sign_in(client, "anna")
    page = client.get(f"/console/conversations/{world.conversation}").text
    assert "Wo bleibt meine Bestellung 4711?" in page
    assert f"/console/subjects/{world.erika}?from_conversation={world.conversation}" in page
    assert ("user:anna", world.erika, f"conversation {world.conversation}; console") in audit(
        world.ledger, "conversation.viewed"
    )


def test_reply_goes_out_over_smtp_to_the_customer(client: TestClient, world: World) -> None:
    sign_in(client, "anna")
    before = len(world.mails_to(ERIKA))
    response = client.post(
        f"/console/conversations/{world.conversation}/reply",
        data={"body": "Ihre Bestellung ist unterwegs.", "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 200
    assert "Die Antwort wurde gesendet." in response.text
    mails = world.mails_to(ERIKA)
    assert len(mails) == before + 1
    reply = mails[-1]
    assert reply["Subject"] == "Re: Frage zur Lieferung"
    assert reply["In-Reply-To"] == "<q1@example.de>"
    assert "Ihre Bestellung ist unterwegs." in reply.get_content()
    assert "Ihre Bestellung ist unterwegs." in client.get(f"/console/conversations/{world.conversation}").text


def test_notes_assignment_status_and_queue_are_changed_from_the_page(
    client: TestClient, world: World
) -> None:
    sign_in(client, "anna")
    path = f"/console/conversations/{world.conversation}"
    for action, form in (
        ("note", {"body": "Kundin bat um Rückruf"}),
        ("assign", {"assignee": "dora"}),
        ("status", {"status": "closed"}),
        ("move", {"queue": "technik"}),
    ):
        response = client.post(
            f"{path}/{action}", data=form | {"csrf_token": csrf_of(client)}, follow_redirects=False
        )
        assert response.status_code == 303, (action, response.text)
    with world.ledger.engine.connect() as connection:
        row = connection.execute(
            select(ct.Conversation.assignee, ct.Conversation.status, ct.Queue.key)
            .join(ct.Queue, ct.Queue.id == ct.Conversation.queue_id)
            .where(ct.Conversation.id == world.conversation)
        ).one()
    assert tuple(row) == ("dora", "closed", "technik")
    page = client.get(path).text
    assert "Kundin bat um Rückruf" in page
    assert "Interne Notiz" in page
    assert len(world.mails_to(ERIKA)) == 2  # acknowledgement and code of her request: the note was not sent


def test_customer_view_asks_for_a_reason_before_showing_anything(client: TestClient, world: World) -> None:
    sign_in(client, "anna")
    form = client.get(f"/console/subjects/{world.erika}")
    assert form.status_code == 200
    assert "Warum öffnen Sie die Daten?" in form.text
    assert ERIKA not in form.text
    assert "Musterweg" not in form.text
    assert audit(world.ledger, "answer.built") == []
    too_short = client.post(
        f"/console/subjects/{world.erika}/view", data={"reason": "x", "csrf_token": csrf_of(client)}
    )
    assert too_short.status_code == 422
    assert "Musterweg" not in too_short.text
    shown = client.post(
        f"/console/subjects/{world.erika}/view",
        data={"reason": "Kundin ruft wegen Rechnung an", "csrf_token": csrf_of(client)},
    )
    assert shown.status_code == 200
    assert "Musterweg 1, 10115 Berlin" in shown.text
    assert audit(world.ledger, "answer.built") == [
        ("user:anna", world.erika, "console customer view: Kundin ruft wegen Rechnung an")
    ]


def test_customer_view_from_a_conversation_takes_its_reason_from_there(
    client: TestClient, world: World
) -> None:
    sign_in(client, "dora")
    page = client.get(f"/console/subjects/{world.erika}?from_conversation={world.conversation}").text
    for answer_part in (
        "Was gespeichert ist",
        "Herkunft",
        "Einwilligungen und ihr Verlauf",
        "Zwecke, Rechtsgrundlagen und Speicherdauer",
        "Empfänger und Übermittlungen",
    ):
        assert answer_part in page
    assert "Adressverlag Beispiel GmbH" in page
    assert "nl-2026-01" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert 'role="img"' in page
    assert "Offene Anfragen" in page
    assert audit(world.ledger, "answer.built") == [
        ("user:dora", world.erika, f"console customer view: conversation {world.conversation}")
    ]


def test_a_conversation_of_someone_else_is_no_reason_to_open_a_person(
    client: TestClient, world: World
) -> None:
    sign_in(client, "anna")
    page = client.get(f"/console/subjects/{world.erika}?from_conversation={world.strangers_conversation}")
    assert "Warum öffnen Sie die Daten?" in page.text
    assert "Musterweg" not in page.text


def test_the_answer_letter_downloads_as_a_pdf_and_is_audited(client: TestClient, world: World) -> None:
    sign_in(client, "anna")
    response = client.post(
        f"/console/subjects/{world.erika}/answer.pdf",
        data={"reason": "Kopie für die Kundin", "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "attachment" in response.headers["content-disposition"]
    assert audit(world.ledger, "answer.built") == [
        ("user:anna", world.erika, "console Art. 15 letter: Kopie für die Kundin")
    ]


def test_caller_number_finds_the_customer_and_the_lookup_is_audited(client: TestClient, world: World) -> None:
    sign_in(client, "anna")
    page = client.get("/console/caller", params={"number": "030 1234567"}).text
    assert f'action="/console/subjects/{world.erika}/view"' in page
    assert "Frage zur Lieferung" in page
    assert [row[:2] for row in audit(world.ledger, "caller.lookup")] == [("user:anna", world.erika)]
    unknown = client.get("/console/caller", params={"number": "+49 89 999999"}).text
    assert "keine Kundin und kein Kunde bekannt" in unknown


def test_request_cases_are_listed_with_deadlines_and_worked_to_the_answer(
    client: TestClient, world: World
) -> None:
    sign_in(client, "anna")
    listing = client.get("/console/cases").text
    with world.ledger.engine.connect() as connection:
        number = cases.get(connection, world.case).number
    assert number in listing
    assert "Auskunft (Art. 15)" in listing
    assert "im Plan" in listing
    code = re.search(r"\b(\d{4} \d{4})\b", world.mails_to(ERIKA)[-1].get_content())
    assert code is not None
    wrong = client.post(
        f"/console/cases/{world.case}/verify", data={"code": "0000 0000", "csrf_token": csrf_of(client)}
    )
    assert wrong.status_code == 422
    verified = client.post(
        f"/console/cases/{world.case}/verify", data={"code": code[1], "csrf_token": csrf_of(client)}
    )
    assert "Die Identität wurde bestätigt." in verified.text
    extended = client.post(
        f"/console/cases/{world.case}/extend",
        data={"months": "1", "reason": "Viele Systeme sind zu prüfen.", "csrf_token": csrf_of(client)},
    )
    assert "Die Frist wurde verlängert." in extended.text
    assert "Viele Systeme sind zu prüfen." in extended.text
    answered = client.post(f"/console/cases/{world.case}/answer", data={"csrf_token": csrf_of(client)})
    assert "Die Auskunft wurde versandt" in answered.text
    assert "beantwortet" in answered.text
    letter = world.mails_to(ERIKA)[-1]
    names = [part.get_filename() for part in letter.iter_attachments()]
    assert names == [f"auskunft-{number}.pdf", f"auskunft-{number}.json"]
    trail = client.get(f"/console/cases/{world.case}").text
    for step in ("identity.verified", "extended", "answered"):
        assert f"<code>{step}</code>" in trail


def test_an_unverified_case_cannot_be_answered_or_opened_on_the_person(
    client: TestClient, world: World
) -> None:
    sign_in(client, "anna")
    page = client.get(f"/console/cases/{world.case}").text
    assert "Identität nicht bestätigt" in page
    assert "/console/subjects/" not in page
    refused = client.post(
        f"/console/cases/{world.case}/answer", data={"csrf_token": csrf_of(client)}, headers=HTML
    )
    assert refused.status_code == 409
    assert "Das hat nicht geklappt" in refused.text


def test_a_refusal_needs_a_reason(client: TestClient, world: World) -> None:
    sign_in(client, "anna")
    assert (
        client.post(
            f"/console/cases/{world.case}/refuse", data={"reason": " ", "csrf_token": csrf_of(client)}
        ).status_code
        == 422
    )
    refused = client.post(
        f"/console/cases/{world.case}/refuse",
        data={"reason": "Offensichtlich unbegründet.", "csrf_token": csrf_of(client)},
    )
    assert "Die Anfrage wurde abgelehnt." in refused.text
    assert "abgelehnt" in refused.text


def test_overdue_cases_are_marked_in_words_not_only_in_colour(client: TestClient, world: World) -> None:
    with world.ledger.engine.begin() as connection:
        connection.execute(update(ct.RequestCase).values(due_on=datetime.now(UTC).date() - timedelta(days=2)))
    sign_in(client, "anna")
    listing = client.get("/console/cases").text
    assert 'class="row-overdue"' in listing
    assert "überfällig" in listing


# --- privacy of the pages themselves ----------------------------------------------------------------------

EXTERNAL = re.compile(r"""(?:src|href|action|xlink:href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def test_no_page_loads_anything_from_another_host_and_none_sets_a_cookie_before_login(
    client: TestClient, world: World
) -> None:
    login = client.get("/console/login")
    assert "set-cookie" not in login.headers
    assert not EXTERNAL.search(login.text)
    assert "default-src 'none'" in login.headers["content-security-policy"]
    sign_in(client, "adam")
    pages = [path for method, path, _ in routes(world).values() if method == "GET"]
    pages += [f"/console/subjects/{world.erika}", f"/console/conversations/{world.strangers_conversation}"]
    for path in pages:
        page = client.get(path)
        assert page.status_code == 200, path
        assert not EXTERNAL.search(page.text), path
        assert "set-cookie" not in page.headers, path
    for sheet in ("/static/auskunft.css", "/static/print.css"):
        css = client.get(sheet)
        assert css.status_code == 200
        assert "url(" not in css.text
        assert "@import" not in css.text
    assert client.get("/static/../app.py").status_code == 404
