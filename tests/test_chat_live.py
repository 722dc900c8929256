"""The live chat through HTTP and WebSockets, in process.

Personas: Erika Muster (a visitor who gives her email address), an anonymous visitor, an agent of the
customer service team (API key with the scope `conversations`, until the console login of the web issue),
an integration whose key lacks that scope, and an outsider without any key.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

import auskunft.demo
from auskunft.answer.builder import SubjectQuery
from auskunft.channels import chat
from auskunft.domain.identifiers import IdentifierKind
from auskunft.ledger import Actor, Ledger
from auskunft.store import conversation_tables as ct
from auskunft.store import tables as t
from auskunft.web import apikeys
from auskunft.web.apikeys import Scope
from auskunft.web.app import create_app

DEMO_REGISTER = Path(auskunft.demo.__file__).parent / "register.yaml"
ERIKA_EMAIL = "erika.muster@example.de"
CHAT_URL = "https://www.example.de/chat"


@dataclass
class Site:
    client: TestClient
    ledger: Ledger
    agent_key: str

    def agent(self) -> Any:
        return self.client.websocket_connect("/chat/agent/ws", headers=bearer(self.agent_key))


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def make_key(ledger: Ledger, name: str, *scopes: Scope) -> str:
    with ledger.engine.begin() as connection:
        return apikeys.create(connection, name, list(scopes))[1]


@pytest.fixture
def site(ledger: Ledger) -> Iterator[Site]:
    ledger.load_register(DEMO_REGISTER)
    app = create_app(ledger, channels=False)
    chat.install(app)
    key = make_key(ledger, "kundenservice-anna", Scope.CONVERSATIONS)
    with TestClient(app) as client:
        yield Site(client, ledger, key)


def counts(ledger: Ledger) -> dict[str, int]:
    with ledger.engine.connect() as connection:
        return {
            table.__tablename__: int(connection.scalar(select(func.count()).select_from(table)) or 0)
            for table in (t.Subject, t.Record, ct.Conversation, ct.Message)
        }


NOTHING = {"subjects": 0, "records": 0, "conversations": 0, "messages": 0}


def until(socket: WebSocketTestSession, kind: str) -> dict[str, Any]:
    """The next message of `kind`, skipping others (lobby updates)."""
    for _ in range(20):
        message: dict[str, Any] = socket.receive_json()
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind} message")


def start(visitor: WebSocketTestSession, **details: str) -> dict[str, Any]:
    visitor.send_json({"type": "start", "lang": "de", **details})
    return until(visitor, "started")


# -- before the start -----------------------------------------------------------------------------
def test_chat_page_sets_no_cookie_and_stores_nothing(site: Site) -> None:
    page = site.client.get("/chat")
    assert page.status_code == 200
    assert "set-cookie" not in page.headers
    assert "Chat starten" in page.text
    assert '<script src="/chat/static/chat.js" defer></script>' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "Datenschutzhinweise (Art. 13 DSGVO)" in page.text
    assert "Dr. Jana Beispiel" in page.text
    script = site.client.get("/chat/static/chat.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "sessionStorage" in script.text
    assert "document.cookie" not in script.text
    assert "set-cookie" not in script.headers
    assert counts(site.ledger) == NOTHING


def test_english_chat_page(site: Site) -> None:
    page = site.client.get("/chat?lang=en")
    assert '<html lang="en">' in page.text
    assert "Start chat" in page.text


def test_starting_a_chat_stores_nothing_until_the_first_message(site: Site) -> None:
    with site.client.websocket_connect("/chat/ws") as visitor:
        started = start(visitor, name="Erika Muster", email=ERIKA_EMAIL)
        assert started["token"]
        assert counts(site.ledger) == NOTHING
        visitor.send_json({"type": "message", "body": "Hallo, ist jemand da?"})
        assert until(visitor, "message")["body"] == "Hallo, ist jemand da?"
    assert counts(site.ledger)["messages"] == 1


def test_visitor_with_an_invalid_email_is_asked_again(site: Site) -> None:
    with site.client.websocket_connect("/chat/ws") as visitor:
        visitor.send_json({"type": "start", "email": "erika@"})
        assert visitor.receive_json() == {"type": "error", "code": "invalid_email"}
        assert start(visitor, email=ERIKA_EMAIL)["chat"]


# -- visitor and agent ----------------------------------------------------------------------------
def test_visitor_and_agent_exchange_messages_and_the_transcript_is_in_her_answer(site: Site) -> None:
    with site.agent() as agent, site.client.websocket_connect("/chat/ws") as visitor:
        assert agent.receive_json() == {"type": "hello", "agent": "kundenservice-anna"}
        assert agent.receive_json() == {"type": "chats", "chats": []}

        chat_id = start(visitor, name="Erika Muster", email=ERIKA_EMAIL)["chat"]
        (waiting,) = until(agent, "chats")["chats"]
        assert waiting["chat"] == chat_id
        assert waiting["waiting"]
        assert waiting["name"] == "Erika Muster"

        visitor.send_json({"type": "message", "body": "Mein Wasserkocher schaltet nicht ab."})
        assert until(visitor, "message")["from"] == "visitor"
        reference = until(visitor, "reference")["reference"]

        agent.send_json({"type": "join", "chat": chat_id})
        joined = until(agent, "joined")
        assert [line["body"] for line in joined["history"]] == ["Mein Wasserkocher schaltet nicht ab."]
        assert until(visitor, "agent_joined")["chat"] == chat_id

        agent.send_json({"type": "message", "chat": chat_id, "body": "Bitte prüfen Sie den Deckel."})
        for socket in (agent, visitor):
            line = until(socket, "message")
            assert (line["from"], line["body"]) == ("agent", "Bitte prüfen Sie den Deckel.")

        visitor.send_json({"type": "message", "body": "Danke, das war es!"})
        for socket in (visitor, agent):
            assert until(socket, "message")["body"] == "Danke, das war es!"

        visitor.send_json({"type": "end"})
        assert until(visitor, "ended")["chat"] == chat_id
        assert until(agent, "ended")["chat"] == chat_id

    with site.ledger.engine.connect() as connection:
        conversation = connection.execute(select(ct.Conversation)).one()
        messages = connection.execute(
            select(ct.Message.direction, ct.Message.body, ct.Message.author).order_by(ct.Message.id)
        ).all()
    assert reference == f"K-{conversation.id:06d}"
    assert conversation.channel == "chat"
    assert conversation.retention_rule == "chat_transcript"
    assert [(m.direction, m.body) for m in messages] == [
        ("inbound", "Mein Wasserkocher schaltet nicht ab."),
        ("outbound", "Bitte prüfen Sie den Deckel."),
        ("inbound", "Danke, das war es!"),
    ]
    assert messages[1].author == "api:kundenservice-anna"

    answer = site.ledger.answer(SubjectQuery(IdentifierKind.EMAIL, ERIKA_EMAIL), "de", Actor("test:dpo"))
    texts = [record.value for record in answer.records if record.category == "user.content.private"]
    assert any("Wasserkocher" in value for value in texts)
    assert any("Deckel" in value for value in texts)  # the agent's reply is her data too
    assert {record.source.channel for record in answer.records} == {"chat"}
    assert all(record.retention.rule == "chat_transcript" for record in answer.records)
    names = [record.value for record in answer.records if record.category == "user.name"]
    assert names == ["Erika Muster"]  # given once, recorded once
    assert {record.source.detail for record in answer.records if record.category == "user.name"} == {CHAT_URL}


def test_anonymous_chat_is_a_conversation_about_nobody(site: Site) -> None:
    with site.client.websocket_connect("/chat/ws") as visitor:
        start(visitor)
        visitor.send_json({"type": "message", "body": "Wann habt ihr geöffnet?"})
        until(visitor, "reference")
    with site.ledger.engine.connect() as connection:
        conversation = connection.execute(select(ct.Conversation)).one()
    assert conversation.subject_id is None
    assert counts(site.ledger) == {"subjects": 0, "records": 0, "conversations": 1, "messages": 1}


def test_a_reloaded_page_resumes_the_chat_with_its_token(site: Site) -> None:
    with site.client.websocket_connect("/chat/ws") as visitor:
        token = start(visitor, email=ERIKA_EMAIL)["token"]
        visitor.send_json({"type": "message", "body": "Erste Nachricht"})
        until(visitor, "reference")
    with site.client.websocket_connect("/chat/ws") as reloaded:
        reloaded.send_json({"type": "resume", "token": token})
        resumed = until(reloaded, "resumed")
        assert [line["body"] for line in resumed["history"]] == ["Erste Nachricht"]
        reloaded.send_json({"type": "message", "body": "Zweite Nachricht"})
        until(reloaded, "message")
    with site.ledger.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(ct.Conversation)) == 1
    with site.client.websocket_connect("/chat/ws") as stranger:
        stranger.send_json({"type": "resume", "token": "guessed"})
        assert stranger.receive_json() == {"type": "error", "code": "unknown_chat"}


def test_agent_cannot_write_before_joining_or_before_the_visitor_wrote(site: Site) -> None:
    with site.agent() as agent, site.client.websocket_connect("/chat/ws") as visitor:
        until(agent, "chats")
        chat_id = start(visitor)["chat"]
        agent.send_json({"type": "message", "chat": chat_id, "body": "Hallo"})
        assert until(agent, "error")["code"] == "not_joined"
        agent.send_json({"type": "join", "chat": chat_id})
        until(agent, "joined")
        agent.send_json({"type": "message", "chat": chat_id, "body": "Hallo"})
        assert until(agent, "error")["code"] == "no_conversation"
    assert counts(site.ledger) == NOTHING


# -- agents' authentication -----------------------------------------------------------------------
def test_agent_without_a_key_is_refused(site: Site) -> None:
    with site.client.websocket_connect("/chat/agent/ws") as outsider:
        outsider.send_json({"type": "join", "chat": "abc"})
        assert outsider.receive_json() == {"type": "error", "code": "unauthenticated"}
        with pytest.raises(WebSocketDisconnect) as closed:
            outsider.receive_json()
    assert closed.value.code == 1008


@pytest.mark.parametrize("scopes", [(Scope.ANSWERS_READ,), ()])
def test_agent_with_a_wrong_or_unknown_key_is_refused(site: Site, scopes: tuple[Scope, ...]) -> None:
    key = make_key(site.ledger, "helpdesk", *scopes) if scopes else "ak_abcdefgh_" + "x" * 40
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        site.client.websocket_connect("/chat/agent/ws", headers=bearer(key)) as socket,
    ):
        socket.receive_json()
    assert refused.value.code == 1008


def test_agent_may_authenticate_with_the_first_message(site: Site) -> None:
    with site.client.websocket_connect("/chat/agent/ws") as agent:
        agent.send_json({"type": "auth", "key": site.agent_key})
        assert agent.receive_json()["type"] == "hello"
