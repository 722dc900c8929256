"""The REST API through HTTP, in process.

Personas: the newsletter tool (an integration allowed to check marketing permission), the CRM
(writes events, reads answers), the helpdesk (reads answers only: a key without the other scopes),
a retired integration whose key was revoked, and an outsider without any key.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from auskunft.cli import app as cli_app
from auskunft.domain.identifiers import IdentifierKind
from auskunft.ledger import Actor, Ledger
from auskunft.marketing.engine import may_send
from auskunft.marketing.facts import Target
from auskunft.marketing.rules import Channel
from auskunft.store import tables as t
from auskunft.web import apikeys
from auskunft.web.apikeys import Scope
from auskunft.web.app import create_app
from auskunft.web.serve_cli import WithoutQuery
from tests.conftest import ERIKA_EVENTS

ROOT = Path(__file__).resolve().parents[1]
ERIKA = "erika.muster@example.de"
AFTER_OPT_IN = "2026-04-01T12:00:00+02:00"
NDJSON = {"Content-Type": "application/x-ndjson"}


@dataclass(frozen=True)
class Keys:
    newsletter_tool: dict[str, str]
    crm: dict[str, str]
    helpdesk: dict[str, str]
    retired: dict[str, str]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def keys(ledger: Ledger) -> Keys:
    with ledger.engine.begin() as connection:
        made = {
            name: apikeys.create(connection, name, scopes)[1]
            for name, scopes in (
                ("newsletter-tool", [Scope.MARKETING_CHECK]),
                ("crm", [Scope.EVENTS_WRITE, Scope.ANSWERS_READ]),
                ("helpdesk", [Scope.ANSWERS_READ]),
                ("retired", [Scope.MARKETING_CHECK]),
            )
        }
        apikeys.revoke(connection, made["retired"][3:11])
    return Keys(*(bearer(made[name]) for name in ("newsletter-tool", "crm", "helpdesk", "retired")))


@pytest.fixture
def client(ledger: Ledger) -> Iterator[TestClient]:
    with TestClient(create_app(ledger)) as test_client:
        yield test_client


def check(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    return client.post("/api/v1/marketing/check", json=body, headers=headers)


def audit(ledger: Ledger) -> list[tuple[str, str, int | None]]:
    with ledger.engine.connect() as connection:
        rows = connection.execute(select(t.AuditEntry.actor, t.AuditEntry.action, t.AuditEntry.subject_id))
        return [(row.actor, row.action, row.subject_id) for row in rows]


# -- marketing permission ----------------------------------------------------------------------
def test_newsletter_tool_may_send_erika_the_newsletter_she_confirmed(
    client: TestClient, keys: Keys, erika: Ledger
) -> None:
    response = check(
        client, keys.newsletter_tool, email=ERIKA, channel="email", purpose="newsletter", at=AFTER_OPT_IN
    )
    assert response.status_code == 200, response.text
    assert response.json()["decision"] == "allow"
    assert response.json()["basis"] == "consent"


def test_newsletter_tool_may_not_send_erika_a_review_request(
    client: TestClient, keys: Keys, erika: Ledger
) -> None:
    response = check(
        client, keys.newsletter_tool, email=ERIKA, channel="email", purpose="review_request", at=AFTER_OPT_IN
    )
    assert response.status_code == 200
    assert response.json()["allowed"] is False
    assert response.json()["decision"] == "deny"


def test_marketing_check_answers_what_the_engine_answers(
    client: TestClient, keys: Keys, erika: Ledger
) -> None:
    at = datetime.fromisoformat(AFTER_OPT_IN)
    expected = may_send(
        erika, Target(IdentifierKind.EMAIL, ERIKA), Channel.EMAIL, "newsletter", Actor("test"), at
    ).as_dict("en")
    response = check(
        client,
        keys.newsletter_tool,
        email=ERIKA,
        channel="email",
        purpose="newsletter",
        at=AFTER_OPT_IN,
        lang="en",
    )
    assert response.json() == json.loads(json.dumps(expected))


def test_marketing_check_is_audited_with_the_name_of_the_key(
    client: TestClient, keys: Keys, erika: Ledger
) -> None:
    check(client, keys.newsletter_tool, email=ERIKA, channel="email", purpose="newsletter", at=AFTER_OPT_IN)
    [(actor, action, subject)] = audit(erika)
    assert (actor, action) == ("api:newsletter-tool", "marketing.checked")
    assert subject is not None


# -- authentication and scopes -----------------------------------------------------------------
def test_outsider_without_a_key_is_refused_with_401(client: TestClient, erika: Ledger) -> None:
    response = check(client, {}, email=ERIKA, channel="email", purpose="newsletter")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthenticated"
    assert "Authorization: Bearer" in response.json()["error"]["message"]
    assert audit(erika) == []


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer nonsense", "malformed API key"),
        ("Bearer ak_abcdefgh_" + "x" * 40, "unknown API key"),
        ("Basic dXNlcjpwdw==", "missing API key"),
    ],
)
def test_outsider_with_a_wrong_key_is_refused_with_401(
    client: TestClient, keys: Keys, header: str, message: str
) -> None:
    response = client.get("/api/v1/answers", params={"email": ERIKA}, headers={"Authorization": header})
    assert response.status_code == 401
    assert message in response.json()["error"]["message"]


def test_revoked_key_is_refused_with_401(client: TestClient, keys: Keys) -> None:
    response = check(client, keys.retired, email=ERIKA, channel="email", purpose="newsletter")
    assert response.status_code == 401
    assert response.json()["error"] == {"code": "unauthenticated", "message": "this API key has been revoked"}


def test_key_without_the_scope_is_refused_with_403(client: TestClient, keys: Keys, ledger: Ledger) -> None:
    marketing = check(client, keys.helpdesk, email=ERIKA, channel="email", purpose="newsletter")
    events = client.post("/api/v1/events", content=ERIKA_EVENTS, headers=keys.helpdesk | NDJSON)
    answers = client.get("/api/v1/answers", params={"email": ERIKA}, headers=keys.newsletter_tool)
    assert [r.status_code for r in (marketing, events, answers)] == [403, 403, 403]
    assert marketing.json()["error"] == {
        "code": "forbidden",
        "message": "this API key lacks the scope marketing:check",
    }
    assert ledger.is_empty()
    assert audit(ledger) == []


def test_keys_are_stored_only_as_hashes(keys: Keys, ledger: Ledger) -> None:
    secret = keys.crm["Authorization"].removeprefix("Bearer ")
    with ledger.engine.connect() as connection:
        row = connection.execute(select(t.ApiKey).where(t.ApiKey.name == "crm")).one()
    assert row.key_hash == hashlib.sha256(secret.encode()).digest()
    assert row.prefix == secret[3:11]
    assert secret not in repr(tuple(row))


# -- events and answers ------------------------------------------------------------------------
def test_crm_ingests_erika_as_json_lines_then_reads_her_answer(
    client: TestClient, keys: Keys, ledger: Ledger
) -> None:
    report = client.post("/api/v1/events", content=ERIKA_EVENTS, headers=keys.crm | NDJSON)
    assert report.status_code == 200, report.text
    assert report.json()["stored"] == {"record": 3, "consent": 2, "disclosure": 1}
    assert report.json()["errors"] == []
    again = client.post("/api/v1/events", content=ERIKA_EVENTS, headers=keys.crm | NDJSON)
    assert again.json()["duplicates"] == 6
    answer = client.get("/api/v1/answers", params={"email": ERIKA, "lang": "en"}, headers=keys.crm)
    assert answer.status_code == 200
    assert answer.json()["processed"] is True
    assert answer.json()["language"] == "en"
    assert {r["value"] for r in answer.json()["records"]} >= {"Erika Muster", "+49 30 1234567"}
    assert [(actor, action) for actor, action, _ in audit(ledger)] == [("api:crm", "answer.built")]


def test_events_as_a_json_array_report_refused_events_by_number(
    client: TestClient, keys: Keys, ledger: Ledger
) -> None:
    events = [json.loads(line) for line in ERIKA_EVENTS.splitlines()]
    response = client.post("/api/v1/events", json=[events[0], {"type": "record"}], headers=keys.crm)
    assert response.status_code == 200
    assert response.json()["stored"] == {"record": 1}
    assert [e["line"] for e in response.json()["errors"]] == [2]


def test_answer_as_pdf(client: TestClient, keys: Keys, erika: Ledger) -> None:
    response = client.get("/api/v1/answers", params={"email": ERIKA, "format": "pdf"}, headers=keys.helpdesk)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_unknown_person_gets_the_negative_answer(client: TestClient, keys: Keys) -> None:
    response = client.get("/api/v1/answers", params={"phone": "+49 30 999999"}, headers=keys.helpdesk)
    assert response.status_code == 200
    assert response.json()["processed"] is False


def test_responses_may_not_be_cached(client: TestClient, keys: Keys, erika: Ledger) -> None:
    response = client.get("/api/v1/answers", params={"email": ERIKA}, headers=keys.crm)
    assert response.headers["Cache-Control"] == "no-store"


# -- malformed requests ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"email": ERIKA, "purpose": "newsletter"}, "channel: Field required"),
        ({"email": ERIKA, "channel": "pigeon", "purpose": "newsletter"}, "channel: Input should be"),
        ({"channel": "email", "purpose": "newsletter"}, "give exactly one of email, phone, customer_number"),
        ({"email": "no-address", "channel": "email", "purpose": "newsletter"}, "not a valid email address"),
        ({"email": ERIKA, "channel": "email", "purpose": "x", "at": "2026-04-01T12:00"}, "at: "),
        ({"email": ERIKA, "channel": "email", "purpose": "x", "colour": "red"}, "colour: Extra inputs"),
    ],
)
def test_malformed_check_is_refused_with_422_and_a_clear_message(
    client: TestClient, keys: Keys, body: dict[str, str], message: str
) -> None:
    response = client.post("/api/v1/marketing/check", json=body, headers=keys.newsletter_tool)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert message in response.json()["error"]["message"]


def test_body_that_is_not_json_is_refused_with_422(client: TestClient, keys: Keys) -> None:
    headers = keys.newsletter_tool | {"Content-Type": "application/json"}
    check_ = client.post("/api/v1/marketing/check", content=b"{oops", headers=headers)
    events = client.post(
        "/api/v1/events", content=b"[{oops", headers=keys.crm | {"Content-Type": "application/json"}
    )
    assert (check_.status_code, events.status_code) == (422, 422)
    assert check_.json()["error"]["message"].startswith("the body is not valid JSON")
    assert events.json()["error"]["message"].startswith("the body is not valid JSON")


def test_single_event_as_json_object_is_refused_with_a_hint(client: TestClient, keys: Keys) -> None:
    response = client.post("/api/v1/events", json={"event_id": "e1"}, headers=keys.crm)
    assert response.status_code == 422
    assert "array of events" in response.json()["error"]["message"]


def test_answer_needs_exactly_one_identifier(client: TestClient, keys: Keys) -> None:
    response = client.get("/api/v1/answers", params={"email": ERIKA, "phone": "+4930"}, headers=keys.crm)
    assert response.status_code == 422
    assert "exactly one" in response.json()["error"]["message"]


def test_events_over_the_size_limit_are_refused_with_413(ledger: Ledger, keys: Keys) -> None:
    with TestClient(create_app(ledger, max_events_bytes=100)) as client:
        response = client.post("/api/v1/events", content=ERIKA_EVENTS, headers=keys.crm | NDJSON)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert ledger.is_empty()


def test_events_in_another_format_are_refused_with_415(client: TestClient, keys: Keys) -> None:
    response = client.post("/api/v1/events", content=b"a,b", headers=keys.crm | {"Content-Type": "text/csv"})
    assert response.status_code == 415


def test_unknown_route_answers_in_the_error_format(client: TestClient) -> None:
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# -- the key commands, the server, the documentation -------------------------------------------
def test_apikey_commands_add_list_and_revoke(ledger: Ledger, client: TestClient) -> None:
    cli = CliRunner()
    added = cli.invoke(cli_app, ["apikey", "add", "shop", "--scope", "marketing:check"])
    assert added.exit_code == 0, added.output
    key = added.stdout.strip()
    assert key.startswith("ak_")
    assert "shop" in cli.invoke(cli_app, ["apikey", "list"]).stdout
    headers = bearer(key)
    assert check(client, headers, email=ERIKA, channel="email", purpose="newsletter").status_code == 200
    assert cli.invoke(cli_app, ["apikey", "revoke", key[3:11]]).exit_code == 0
    assert check(client, headers, email=ERIKA, channel="email", purpose="newsletter").status_code == 401
    again = cli.invoke(cli_app, ["apikey", "revoke", key[3:11]])
    assert again.exit_code == 2
    assert "revoked already" in again.output


def test_apikey_add_refuses_an_unknown_scope(ledger: Ledger) -> None:
    result = CliRunner().invoke(cli_app, ["apikey", "add", "shop", "--scope", "everything"])
    assert result.exit_code == 2


def test_access_log_leaves_out_query_strings() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d', None, None)
    record.args = ("127.0.0.1:5000", "GET", f"/api/v1/answers?email={ERIKA}", "1.1", 200)
    assert WithoutQuery().filter(record)
    assert ERIKA not in record.getMessage()


def test_openapi_documentation_is_served(client: TestClient) -> None:
    assert client.get("/api/docs").status_code == 200
    assert "/api/v1/marketing/check" in client.get("/api/openapi.json").json()["paths"]


def test_every_api_route_is_documented(ledger: Ledger) -> None:
    doc = (ROOT / "docs" / "api.md").read_text()
    paths = create_app(ledger).openapi()["paths"]
    routes = [f"`{method.upper()} {path}`" for path, operations in paths.items() for method in operations]
    assert len(routes) >= 3
    assert [route for route in routes if route not in doc] == []
