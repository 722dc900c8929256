"""Knowledge in the console: agents search the FAQ and the law the way customers ask, and edit the FAQ."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from auskunft.demo.faq import load_faq
from auskunft.knowledge.faq import store as faq_store
from auskunft.ledger import Ledger
from auskunft.store import tables as t
from tests.test_web_auth import HTML, add_staff, console_app, csrf_of, sign_in


@pytest.fixture
def agent(ledger: Ledger) -> Iterator[TestClient]:
    add_staff(ledger)
    with ledger.engine.begin() as connection:
        load_faq(connection)
    with TestClient(console_app(ledger), base_url="https://testserver") as client:
        assert sign_in(client, "anna").status_code == 303
        yield client


def test_agent_finds_the_faq_answer_to_a_customers_question(agent: TestClient) -> None:
    page = agent.get("/console/wissen", params={"q": "woher habt ihr meine adresse"}, headers=HTML)
    assert page.status_code == 200
    first = page.text.split('<ol class="hits">', 1)[1].split("</li>", 1)[0]
    assert "Woher" in first
    assert "/hilfe/" in first


def test_outsider_is_sent_to_the_login_page(ledger: Ledger) -> None:
    with TestClient(console_app(ledger), base_url="https://testserver") as client:
        response = client.get("/console/faq", headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login")


def test_agent_writes_and_publishes_an_entry_and_the_change_is_audited(
    agent: TestClient, ledger: Ledger
) -> None:
    form = {
        "csrf_token": csrf_of(agent, "/console/faq/neu"),
        "title": "Kann ich meine Bestellung abholen?",
        "slug": "bestellung-abholen",
        "category": "Lieferung",
        "language": "de",
        "body": "Ja, im **Lager Berlin**.<script>alert(1)</script>",
        "citations": "",
        "published": "on",
    }
    saved = agent.post("/console/faq/save", data=form, headers=HTML, follow_redirects=False)
    assert saved.status_code == 303
    page = agent.get(saved.headers["location"], headers=HTML)
    assert "<strong>Lager Berlin</strong>" in page.text
    assert "<script>alert(1)</script>" not in page.text
    with ledger.engine.connect() as connection:
        entry = faq_store.get(connection, "bestellung-abholen")
        audited = list(
            connection.scalars(select(t.AuditEntry.reason).where(t.AuditEntry.action == "faq.changed"))
        )
    assert entry.published
    assert audited == [f"faq entry {entry.id} (bestellung-abholen) saved"]


def test_an_invalid_entry_is_refused_with_the_reason_and_what_was_typed(
    agent: TestClient, ledger: Ledger
) -> None:
    form = {
        "csrf_token": csrf_of(agent, "/console/faq/neu"),
        "title": "Gilt das Widerrufsrecht?",
        "slug": "Widerruf mit Leerzeichen",
        "category": "Rechtliches",
        "body": "Ja.",
        "citations": "§ 999 XYZ",
    }
    response = agent.post("/console/faq/save", data=form, headers=HTML)
    assert response.status_code == 422
    assert "slug" in response.text
    assert "Gilt das Widerrufsrecht?" in response.text
    with ledger.engine.connect() as connection:
        assert all(e.title != "Gilt das Widerrufsrecht?" for e in faq_store.list_entries(connection))


def test_saving_without_the_csrf_token_is_refused(agent: TestClient) -> None:
    form = {"title": "Ohne Token", "slug": "ohne-token", "category": "X", "body": "Text"}
    response = agent.post("/console/faq/save", data=form, headers=HTML)
    assert response.status_code == 403
