"""Request cases through the REST API, in process.

Personas: the DSR desk (an integration that opens and decides cases: `cases:read` + `cases:write`), the
dashboard (reads cases only), the CRM (reads answers, no case scope), an outsider without a key; Erika
Muster, a known customer who asks for her data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from auskunft.domain.request_case import deadline
from auskunft.ledger import Ledger
from auskunft.requests import cases
from auskunft.store import tables as t
from auskunft.web import apikeys
from auskunft.web.apikeys import Scope
from auskunft.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
ERIKA = "erika.muster@example.de"


def full_app(ledger: Ledger) -> FastAPI:
    """The application with the case routes and the OpenDSR endpoints."""
    return create_app(ledger)


def bearer(ledger: Ledger, name: str, *scopes: Scope) -> dict[str, str]:
    with ledger.engine.begin() as connection:
        return {"Authorization": f"Bearer {apikeys.create(connection, name, scopes)[1]}"}


class Outbox:
    """The mail server's side of sending: keeps what was sent."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> str:
        self.sent.append(message)
        return str(message["Message-ID"])

    def code(self) -> str:
        body = self.sent[-1].get_body(("plain",))
        assert body is not None
        found = re.search(r"\b\d{4} \d{4}\b", body.get_content())
        assert found is not None
        return found[0]


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def client(ledger: Ledger, outbox: Outbox) -> Iterator[TestClient]:
    app = full_app(ledger)
    app.state.mailer = outbox
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def desk(ledger: Ledger) -> dict[str, str]:
    return bearer(ledger, "dsr-desk", Scope.CASES_READ, Scope.CASES_WRITE)


@pytest.fixture
def dashboard(ledger: Ledger) -> dict[str, str]:
    return bearer(ledger, "dashboard", Scope.CASES_READ)


@pytest.fixture
def crm(ledger: Ledger) -> dict[str, str]:
    return bearer(ledger, "crm", Scope.ANSWERS_READ)


def open_case(client: TestClient, headers: dict[str, str], **fields: Any) -> Any:
    body = {"kind": "access", "identifiers": {"email": ERIKA}} | fields
    response = client.post("/api/v1/cases", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def audit(ledger: Ledger) -> list[tuple[str, str]]:
    with ledger.engine.connect() as connection:
        return [(row.actor, row.action) for row in connection.execute(select(t.AuditEntry))]


WRITES: list[tuple[str, str, Any]] = [
    ("post", "/api/v1/cases", {"kind": "access", "identifiers": {"email": ERIKA}}),
    ("post", "/api/v1/cases/1/send-code", None),
    ("post", "/api/v1/cases/1/verify", {"code": "1234 5678"}),
    ("post", "/api/v1/cases/1/extend", {"months": 1, "reason": "many requests"}),
    ("post", "/api/v1/cases/1/refuse", {"reason": "manifestly unfounded"}),
    ("post", "/api/v1/cases/1/close", {"outcome": "erased"}),
]
READS: list[tuple[str, str, Any]] = [("get", "/api/v1/cases", None), ("get", "/api/v1/cases/1", None)]


def call(client: TestClient, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
    return client.request(method.upper(), path, json=body, headers=headers)


# -- authorisation -------------------------------------------------------------------------------
@pytest.mark.parametrize(("method", "path", "body"), WRITES + READS)
def test_outsider_without_a_key_gets_401_on_every_case_route(
    client: TestClient, method: str, path: str, body: Any
) -> None:
    response = call(client, method, path, body, {})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path", "body"), WRITES + READS)
def test_key_without_a_case_scope_gets_403_on_every_case_route(
    client: TestClient, crm: dict[str, str], method: str, path: str, body: Any
) -> None:
    response = call(client, method, path, body, crm)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_dashboard_may_read_but_not_decide(
    client: TestClient, dashboard: dict[str, str], method: str, path: str, body: Any
) -> None:
    assert call(client, method, path, body, dashboard).status_code == 403


# -- opening and reading -------------------------------------------------------------------------
def test_desk_opens_a_case_received_on_31_january_due_on_28_february(
    client: TestClient, desk: dict[str, str]
) -> None:
    case = open_case(
        client, desk, kind="erasure", received_on="2026-01-31", channel="hotline", reference="2026-AB12CD3"
    )
    assert case["kind"] == "erasure"
    assert case["due_on"] == "2026-02-28"
    assert case["channel"] == "hotline"
    assert case["reference"] == "2026-AB12CD3"
    assert case["number"] == f"DSR-2026-{case['id']:06d}"
    assert case["state"] == "identity_check"
    assert [e["action"] for e in case["events"]][:1] == ["opened"]
    assert "claimed" not in case
    assert ERIKA not in str(case)


def test_case_opened_through_the_api_names_the_key_in_its_trail(
    client: TestClient, desk: dict[str, str], ledger: Ledger
) -> None:
    case = open_case(client, desk)
    assert {"actor": "api:dsr-desk", "action": "entered"}.items() <= case["events"][1].items()
    assert ("api:dsr-desk", "case.entered") in audit(ledger)


def test_list_flags_overdue_and_due_soon_cases_most_urgent_first(
    client: TestClient, desk: dict[str, str], ledger: Ledger
) -> None:
    today = cases.today(ledger)
    overdue = open_case(client, desk, received_on=(today - timedelta(days=40)).isoformat())
    soon = open_case(client, desk, received_on=(today - timedelta(days=27)).isoformat())
    fresh = open_case(client, desk)
    listed = client.get("/api/v1/cases", headers=desk).json()["cases"]
    assert [c["id"] for c in listed] == [overdue["id"], soon["id"], fresh["id"]]
    assert [(c["overdue"], c["due_soon"]) for c in listed] == [(True, False), (False, True), (False, False)]
    assert listed[0]["days_left"] < 0
    assert ("api:dsr-desk", "cases.listed") in audit(ledger)


def test_list_filters_by_state_kind_and_due_within(client: TestClient, desk: dict[str, str]) -> None:
    access = open_case(client, desk)
    erasure = open_case(client, desk, kind="erasure")
    closed = open_case(client, desk, kind="erasure")
    client.post(f"/api/v1/cases/{closed['id']}/close", json={"outcome": "erased"}, headers=desk)

    def ids(**params: Any) -> list[int]:
        response = client.get("/api/v1/cases", params=params, headers=desk)
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["cases"]]

    assert ids(kind="erasure") == [erasure["id"]]
    assert ids(state="answered") == [closed["id"]]
    assert sorted(ids(include_closed=True)) == [access["id"], erasure["id"], closed["id"]]
    assert ids(due_within=5) == []
    assert sorted(ids(due_within=40)) == [access["id"], erasure["id"]]


def test_reading_a_case_shows_its_trail_and_is_audited(
    client: TestClient, desk: dict[str, str], ledger: Ledger
) -> None:
    case = open_case(client, desk)
    response = client.get(f"/api/v1/cases/{case['id']}", headers=desk)
    assert response.status_code == 200
    assert [e["action"] for e in response.json()["events"]][:2] == ["opened", "entered"]
    assert ("api:dsr-desk", "case.viewed") in audit(ledger)


@pytest.mark.parametrize(("method", "path", "body"), [r for r in WRITES + READS if "/1" in r[1]])
def test_unknown_case_is_404_in_the_error_format(
    client: TestClient, desk: dict[str, str], method: str, path: str, body: Any
) -> None:
    response = call(client, method, path.replace("/1", "/999"), body, desk)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "no request case 999"}}


# -- validation ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"kind": "access", "identifiers": {}},
            "identifiers: give at least one of email, phone, customer_number",
        ),
        ({"kind": "gossip", "identifiers": {"email": ERIKA}}, "kind: Input should be 'access', "),
        ({"identifiers": {"email": ERIKA}}, "kind: Field required"),
        ({"kind": "access", "identifiers": {"email": "no-at-sign"}}, "identifiers.email: not a valid email"),
        ({"kind": "access", "identifiers": {"email": ERIKA}, "received_on": "31.01.2026"}, "received_on: "),
        (
            {"kind": "access", "identifiers": {"email": ERIKA}, "received_on": "2999-01-01"},
            "received_on: lies",
        ),
        (
            {"kind": "access", "identifiers": {"email": ERIKA}, "channel": "pigeon"},
            "channel: Input should be",
        ),
        ({"kind": "access", "identifiers": {"email": ERIKA}, "colour": "red"}, "colour: Extra inputs"),
    ],
)
def test_malformed_case_is_refused_with_422_naming_the_field(
    client: TestClient, desk: dict[str, str], body: dict[str, Any], message: str
) -> None:
    response = client.post("/api/v1/cases", json=body, headers=desk)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_input"
    assert message in response.json()["error"]["message"]
    assert "no-at-sign" not in response.json()["error"]["message"]


def test_list_with_an_unknown_state_is_422(client: TestClient, desk: dict[str, str]) -> None:
    response = client.get("/api/v1/cases", params={"state": "lost"}, headers=desk)
    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith("state (query parameter): Input should be")


# -- decisions -----------------------------------------------------------------------------------
def test_erika_returns_the_code_and_her_case_goes_in_progress(
    client: TestClient, desk: dict[str, str], erika: Ledger, outbox: Outbox
) -> None:
    case = open_case(client, desk)
    sent = client.post(f"/api/v1/cases/{case['id']}/send-code", headers=desk)
    assert sent.status_code == 200
    assert outbox.sent[-1]["To"] == ERIKA
    assert "identity.code_sent" in [e["action"] for e in sent.json()["events"]]
    wrong = client.post(f"/api/v1/cases/{case['id']}/verify", json={"code": "0000 0000"}, headers=desk)
    assert wrong.status_code == 422
    right = client.post(f"/api/v1/cases/{case['id']}/verify", json={"code": outbox.code()}, headers=desk)
    assert right.status_code == 200, right.text
    assert right.json()["state"] == "in_progress"
    assert right.json()["verified"] is True


def test_extension_moves_the_deadline_and_tells_erika(
    client: TestClient, desk: dict[str, str], erika: Ledger, outbox: Outbox
) -> None:
    case = open_case(client, desk, received_on=cases.today(erika).isoformat())
    body = {"months": 2, "reason": "Ihre Anfrage betrifft viele Systeme."}
    extended = client.post(f"/api/v1/cases/{case['id']}/extend", json=body, headers=desk)
    assert extended.status_code == 200, extended.text
    received = date.fromisoformat(case["received_on"])
    assert extended.json()["extended_months"] == 2
    assert extended.json()["due_on"] == deadline(received, 2).isoformat()
    assert outbox.sent[-1]["To"] == ERIKA
    again = client.post(f"/api/v1/cases/{case['id']}/extend", json={"months": 1, "reason": "x"}, headers=desk)
    assert again.status_code == 409
    assert "at most 2 months" in again.json()["error"]["message"]


def test_extension_by_three_months_is_422(client: TestClient, desk: dict[str, str]) -> None:
    case = open_case(client, desk)
    response = client.post(
        f"/api/v1/cases/{case['id']}/extend", json={"months": 3, "reason": "x"}, headers=desk
    )
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "months: Input should be less than or equal to 2"


def test_refusal_needs_a_reason_and_closes_the_case(client: TestClient, desk: dict[str, str]) -> None:
    case = open_case(client, desk)
    empty = client.post(f"/api/v1/cases/{case['id']}/refuse", json={"reason": ""}, headers=desk)
    assert empty.status_code == 422
    refused = client.post(f"/api/v1/cases/{case['id']}/refuse", json={"reason": "unfounded"}, headers=desk)
    assert refused.status_code == 200
    assert (refused.json()["state"], refused.json()["outcome"]) == ("refused", "unfounded")
    again = client.post(f"/api/v1/cases/{case['id']}/close", json={"outcome": "erased"}, headers=desk)
    assert again.status_code == 409
    assert again.json()["error"] == {"code": "conflict", "message": "the case is already refused"}


def test_close_records_what_was_done(client: TestClient, desk: dict[str, str]) -> None:
    case = open_case(client, desk, kind="erasure")
    closed = client.post(f"/api/v1/cases/{case['id']}/close", json={"outcome": "erased"}, headers=desk)
    assert closed.status_code == 200
    assert closed.json()["state"] == "answered"
    assert closed.json()["outcome"] == "erased"
    assert closed.json()["closed_at"] is not None


# -- documentation -------------------------------------------------------------------------------
def test_every_case_and_opendsr_route_is_documented(ledger: Ledger) -> None:
    doc = (ROOT / "docs" / "api.md").read_text() + (ROOT / "docs" / "opendsr.md").read_text()
    paths = full_app(ledger).openapi()["paths"]
    routes = [f"`{method.upper()} {path}`" for path, operations in paths.items() for method in operations]
    assert [route for route in routes if route not in doc] == []


def test_openapi_describes_case_bodies_and_errors(ledger: Ledger) -> None:
    spec = full_app(ledger).openapi()
    post = spec["paths"]["/api/v1/cases"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/CaseOpening")
    assert set(post["responses"]) == {"201", "401", "403", "422"}
    assert post["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
