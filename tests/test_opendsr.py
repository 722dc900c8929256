"""OpenDSR 2.0, auskunft as the processor: a controller submits, reads, cancels; callbacks come back signed.

Personas: the shop (a controller with the scope `opendsr`), another controller (also `opendsr`), the CRM
(an integration without it), an outsider without a key; Erika Muster, the shop's customer. The
controller's callback endpoint is a real HTTP server on loopback that checks every signature as section
8.8 of the specification says (and answers 403 to a bad one).
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from auskunft.config import Settings, get_settings
from auskunft.domain.request_case import CaseState
from auskunft.ledger import Actor, Ledger
from auskunft.requests import cases
from auskunft.store import conversation_tables as ct
from auskunft.store import opendsr_tables as ot
from auskunft.web.apikeys import Scope
from auskunft.web.opendsr import callbacks, signing
from auskunft.web.opendsr.cli import app as opendsr_cli
from tests.conftest import SHARED
from tests.test_api_cases import Outbox, bearer, full_app

SECRET = "opendsr-test-secret-0123456789abcdef"
KEY = SECRET.encode()
ERIKA = "erika.muster@example.de"
SCHEMA = json.loads((SHARED / "opendsr" / "opendsr_v2_derived.schema.json").read_text())


# -- a validator for the derived schema (jsonschema is not installed) ---------------------------
def schema_errors(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """Errors of `value` against the subset of JSON Schema the derived OpenDSR schema uses."""
    if "$ref" in schema:
        return schema_errors(value, SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[1]], path)
    errors: list[str] = []
    kind = schema.get("type")
    types = {"object": dict, "array": list, "string": str, "integer": int}
    if kind and not isinstance(value, types[kind]):
        return [f"{path}: not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in enum")
    if "pattern" in schema:
        import re

        if not re.search(schema["pattern"], value):
            errors.append(f"{path}: does not match {schema['pattern']}")
    if schema.get("format") == "date-time":
        try:
            assert datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None
        except (ValueError, AssertionError):
            errors.append(f"{path}: not an RFC 3339 date-time")
    if schema.get("format") == "uri" and "://" not in value:
        errors.append(f"{path}: not a URI")
    if kind == "object":
        errors += [f"{path}.{name}: required" for name in schema.get("required", []) if name not in value]
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                errors += schema_errors(value[name], sub, f"{path}.{name}")
    if kind == "array":
        for number, item in enumerate(value):
            errors += schema_errors(item, schema.get("items", {}), f"{path}[{number}]")
    return errors


def conforms(value: Any, definition: str) -> bool:
    errors = schema_errors(value, SCHEMA["$defs"][definition])
    assert errors == [], errors
    return True


# -- the controller's callback endpoint -------------------------------------------------------------
@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    valid: bool

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class CallbackServer:
    url: str
    received: list[Received] = field(default_factory=list)
    failures_left: int = 0
    """Answer 503 to this many more callbacks (a controller that is down)."""

    def statuses(self) -> list[str]:
        return [r.json["request_status"] for r in self.received if r.valid]


@pytest.fixture
def controller() -> Iterator[CallbackServer]:
    server_state = CallbackServer("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            signature = self.headers.get(signing.SIGNATURE_HEADER, "")
            valid = signing.verify(KEY, body, signature)  # before parsing the payload (8.8, step 4)
            server_state.received.append(Received(self.path, dict(self.headers), body, valid))
            if server_state.failures_left > 0:
                server_state.failures_left -= 1
                status = 503
            else:
                status = 202 if valid else 403
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server_state.url = f"http://127.0.0.1:{server.server_address[1]}/opendsr/callbacks"
    try:
        yield server_state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# -- the processor --------------------------------------------------------------------------------
@pytest.fixture
def processor(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Ledger]:
    monkeypatch.setenv("AUSKUNFT_OPENDSR_SIGNING_KEY", SECRET)
    monkeypatch.setenv("AUSKUNFT_OPENDSR_DOMAIN", "opendsr.example.de")
    monkeypatch.setenv("AUSKUNFT_OPENDSR_CALLBACK_ALLOW_HTTP", "true")
    configured = Settings(
        database_url=settings.database_url,
        index_key=settings.index_key,
        opendsr_signing_key=SECRET,
        opendsr_domain="opendsr.example.de",
        opendsr_callback_allow_http=True,
        opendsr_callback_attempts=3,
    )
    ledger = Ledger.open(configured)
    yield ledger
    ledger.close()


@pytest.fixture
def client(processor: Ledger) -> Iterator[TestClient]:
    with TestClient(full_app(processor)) as test_client:
        yield test_client


@pytest.fixture
def shop(processor: Ledger) -> dict[str, str]:
    return bearer(processor, "shop", Scope.OPENDSR)


@pytest.fixture
def other(processor: Ledger) -> dict[str, str]:
    return bearer(processor, "other-controller", Scope.OPENDSR)


@pytest.fixture
def desk(processor: Ledger) -> dict[str, str]:
    return bearer(processor, "dsr-desk", Scope.CASES_READ, Scope.CASES_WRITE)


def new_request(controller: CallbackServer | None = None, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "regulation": "gdpr",
        "subject_request_id": str(uuid.uuid4()),
        "subject_request_type": "erasure",
        "submitted_time": (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "subject_identities": [{"identity_type": "email", "identity_value": ERIKA, "identity_format": "raw"}],
        "api_version": "2.0",
        "status_callback_urls": [controller.url] if controller else [],
    }
    return body | fields


def signed(response: Any) -> bool:
    assert response.headers[signing.DOMAIN_HEADER] == "opendsr.example.de"
    return signing.verify(KEY, response.content, response.headers[signing.SIGNATURE_HEADER])


def submit(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> Any:
    response = client.post("/opendsr/v2/requests", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response


def case_of(ledger: Ledger, subject_request_id: str) -> int:
    with ledger.engine.connect() as connection:
        found = connection.scalar(
            select(ot.OpenDsrRequest.case_id).where(
                ot.OpenDsrRequest.subject_request_id == subject_request_id
            )
        )
    assert isinstance(found, int)
    return found


# -- discovery ------------------------------------------------------------------------------------
def test_discovery_names_what_auskunft_supports_signed(client: TestClient) -> None:
    response = client.get("/opendsr/v2/discovery")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert signed(response)
    data = response.json()
    assert conforms(data, "discovery_response")
    assert data["api_version"] == "2.0"
    assert data["supported_subject_request_types"] == ["access", "portability", "erasure"]
    assert {"identity_type": "email", "identity_format": "raw"} in data["supported_identities"]
    assert client.get(data["processor_certificate"]).text.startswith("This OpenDSR processor signs")


def test_without_a_signing_secret_opendsr_answers_503(settings: Settings, ledger: Ledger) -> None:
    with TestClient(full_app(ledger)) as unconfigured:
        response = unconfigured.get("/opendsr/v2/discovery")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == 503
    assert "AUSKUNFT_OPENDSR_SIGNING_KEY" in response.json()["error"]["message"]


# -- the round trip -------------------------------------------------------------------------------
def test_shop_submits_reads_and_cancels_and_hears_back_signed(
    client: TestClient, shop: dict[str, str], controller: CallbackServer, processor: Ledger
) -> None:
    body = new_request(controller)
    created = submit(client, shop, body)
    assert signed(created)
    data = created.json()
    assert conforms(data, "request_created_response")
    assert data["controller_id"] == "shop"
    assert json.loads(base64.b64decode(data["encoded_request"])) == body
    without = {k: v for k, v in data.items() if k != "processor_signature"}
    assert signing.verify(KEY, signing.canonical(without), data["processor_signature"])

    path = f"/opendsr/v2/requests/{body['subject_request_id']}"
    status = client.get(path, headers=shop)
    assert status.status_code == 200
    assert signed(status)
    assert conforms(status.json(), "status_response")
    assert status.json()["request_status"] == "pending"
    assert status.json()["expected_completion_time"] == data["expected_completion_time"]
    assert (
        client.get(f"/opendsr/v2/status/{body['subject_request_id']}", headers=shop).json() == status.json()
    )

    cancelled = client.delete(path, headers=shop)
    assert cancelled.status_code == 202
    assert signed(cancelled)
    assert conforms(cancelled.json(), "cancellation_response")

    (callback,) = controller.received
    assert callback.valid
    assert callback.path == "/opendsr/callbacks"
    assert callback.headers[signing.DOMAIN_HEADER] == "opendsr.example.de"
    assert conforms(callback.json, "callback")
    assert callback.json["request_status"] == "cancelled"
    assert callback.json["status_callback_url"] == controller.url
    assert client.get(path, headers=shop).json()["request_status"] == "cancelled"
    with processor.engine.connect() as connection:
        case = cases.get(connection, case_of(processor, body["subject_request_id"]))
    assert (case.state, case.outcome, case.channel) == (
        CaseState.REFUSED,
        "cancelled by controller",
        "opendsr",
    )


def test_request_becomes_an_erasure_case_due_a_month_after_the_person_asked(
    client: TestClient, shop: dict[str, str], processor: Ledger
) -> None:
    body = new_request(submitted_time="2026-01-31T10:00:00+01:00")
    submit(client, shop, body)
    with processor.engine.connect() as connection:
        case = cases.get(connection, case_of(processor, body["subject_request_id"]))
    assert case.kind.value == "erasure"
    assert case.received_on.isoformat() == "2026-01-31"
    assert case.due_on.isoformat() == "2026-02-28"
    assert case.reference == body["subject_request_id"]
    assert case.claimed["identity"] == {"email": ERIKA}
    assert case.claimed["sender"] == {}
    status = client.get(f"/opendsr/v2/requests/{body['subject_request_id']}", headers=shop).json()
    assert status["expected_completion_time"] == "2026-02-28T22:59:59Z"


def test_closing_the_case_reports_completed_to_every_callback_url(
    client: TestClient,
    shop: dict[str, str],
    desk: dict[str, str],
    controller: CallbackServer,
    processor: Ledger,
) -> None:
    second = controller.url.replace("/callbacks", "/second")
    body = new_request(controller, status_callback_urls=[controller.url, second])
    submit(client, shop, body)
    case_id = case_of(processor, body["subject_request_id"])
    closed = client.post(f"/api/v1/cases/{case_id}/close", json={"outcome": "erased"}, headers=desk)
    assert closed.status_code == 200
    assert sorted(r.path for r in controller.received) == ["/opendsr/callbacks", "/opendsr/second"]
    assert controller.statuses() == ["completed", "completed"]
    assert {r.json["status_callback_url"] for r in controller.received} == {controller.url, second}


def test_verified_case_reports_in_progress_and_can_no_longer_be_cancelled(
    client: TestClient, shop: dict[str, str], controller: CallbackServer, processor: Ledger
) -> None:
    assert processor.ingest_lines(
        (Path(__file__).parent / "data" / "erika.jsonl").read_text().splitlines()
    ).ok
    body = new_request(controller)
    submit(client, shop, body)
    case_id = case_of(processor, body["subject_request_id"])
    outbox = Outbox()
    cases.start_identity_check(processor, case_id, outbox, Actor("agent:anna"))
    assert outbox.sent[-1]["To"] == ERIKA
    cases.verify(processor, case_id, outbox.code(), Actor("agent:anna"))
    report = callbacks.run(processor)  # a change made outside the API: found by `auskunft opendsr deliver`
    assert report.delivered == 1
    assert controller.statuses() == ["in_progress"]
    response = client.delete(f"/opendsr/v2/requests/{body['subject_request_id']}", headers=shop)
    assert response.status_code == 409
    assert (
        response.json()["error"]["message"]
        == "only a pending request can be cancelled; this one is in_progress"
    )
    assert conforms(response.json(), "error_response")


# -- idempotence ----------------------------------------------------------------------------------
def test_repeated_submission_opens_one_case_and_answers_the_same(
    client: TestClient, shop: dict[str, str], processor: Ledger
) -> None:
    body = new_request()
    first = submit(client, shop, body).json()
    second = submit(client, shop, body).json()
    assert second == first
    with processor.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(ct.RequestCase)) == 1


def test_same_id_for_another_request_is_refused(client: TestClient, shop: dict[str, str]) -> None:
    body = new_request()
    submit(client, shop, body)
    response = client.post(
        "/opendsr/v2/requests", json=body | {"subject_request_type": "access"}, headers=shop
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "subject_request_id is already used for another request"


def test_another_controller_neither_sees_nor_reuses_the_shops_request(
    client: TestClient, shop: dict[str, str], other: dict[str, str]
) -> None:
    body = new_request()
    submit(client, shop, body)
    path = f"/opendsr/v2/requests/{body['subject_request_id']}"
    assert client.get(path, headers=other).status_code == 404
    assert client.delete(path, headers=other).status_code == 404
    assert client.post("/opendsr/v2/requests", json=body, headers=other).status_code == 400
    assert client.get(path, headers=shop).json()["request_status"] == "pending"


def test_cancelling_twice_is_answered_like_the_first_time(
    client: TestClient, shop: dict[str, str], controller: CallbackServer
) -> None:
    body = new_request(controller)
    submit(client, shop, body)
    path = f"/opendsr/v2/requests/{body['subject_request_id']}"
    assert client.delete(path, headers=shop).status_code == 202
    assert client.delete(path, headers=shop).status_code == 202
    assert controller.statuses() == ["cancelled"]


# -- authorisation and validation -----------------------------------------------------------------
ROUTES = [
    ("POST", "/opendsr/v2/requests"),
    ("GET", "/opendsr/v2/requests/a7551968-d5d6-44b2-9831-815ac9017798"),
    ("GET", "/opendsr/v2/status/a7551968-d5d6-44b2-9831-815ac9017798"),
    ("DELETE", "/opendsr/v2/requests/a7551968-d5d6-44b2-9831-815ac9017798"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_outsider_gets_401_and_crm_403_in_the_opendsr_error_shape(
    client: TestClient, processor: Ledger, method: str, path: str
) -> None:
    crm = bearer(processor, "crm", Scope.ANSWERS_READ)
    body = new_request() if method == "POST" else None
    outsider = client.request(method, path, json=body)
    assert outsider.status_code == 401
    assert outsider.json()["error"]["code"] == 401
    assert conforms(outsider.json(), "error_response")
    refused = client.request(method, path, json=body, headers=crm)
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "this API key lacks the scope opendsr"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"subject_request_id": None}, "subject_request_id: Field required"),
        (
            {"subject_request_id": "A7551968-D5D6-44B2-9831-815AC9017798"},
            "subject_request_id: String should match",
        ),
        ({"subject_request_type": "rectification"}, "subject_request_type: Input should be 'access'"),
        ({"regulation": "ccpa"}, "regulation: this processor handles GDPR requests only"),
        ({"submitted_time": "2026-01-31"}, "submitted_time: Input should have timezone info"),
        ({"submitted_time": "2999-01-01T00:00:00Z"}, "submitted_time: lies in the future"),
        ({"subject_identities": []}, "subject_identities: give at least one identity auskunft supports"),
        (
            {
                "subject_identities": [
                    {"identity_type": "email", "identity_value": "ab" * 32, "identity_format": "sha256"}
                ]
            },
            "subject_identities: give at least one identity",
        ),
        (
            {
                "subject_identities": [
                    {"identity_type": "email", "identity_value": "nobody", "identity_format": "raw"}
                ]
            },
            "subject_identities[0]: not a valid email value",
        ),
        (
            {"status_callback_urls": ["ftp://controller.example.de/cb"]},
            "status_callback_urls[0]: not an absolute",
        ),
    ],
)
def test_malformed_request_is_a_400_naming_the_field(
    client: TestClient, shop: dict[str, str], change: dict[str, Any], message: str
) -> None:
    body = {k: v for k, v in (new_request() | change).items() if v is not None}
    response = client.post("/opendsr/v2/requests", json=body, headers=shop)
    assert response.status_code == 400, response.text
    assert conforms(response.json(), "error_response")
    assert response.json()["error"]["code"] == 400
    assert message in response.json()["error"]["message"]
    assert all(e["domain"] == "Validation" for e in response.json()["error"]["errors"])
    assert "nobody" not in response.text
    assert signed(response)


def test_plain_http_callbacks_are_refused_unless_allowed(
    settings: Settings, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    strict = Ledger.open(
        Settings(database_url=settings.database_url, index_key=settings.index_key, opendsr_signing_key=SECRET)
    )
    try:
        with TestClient(full_app(strict)) as test_client:
            body = new_request(status_callback_urls=["http://controller.example.de/cb"])
            response = test_client.post(
                "/opendsr/v2/requests", json=body, headers=bearer(strict, "shop", Scope.OPENDSR)
            )
    finally:
        strict.close()
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "status_callback_urls[0]: not an absolute https URL"


# -- delivery -------------------------------------------------------------------------------------
def test_failed_callback_is_retried_with_backoff_then_delivered(
    client: TestClient, shop: dict[str, str], controller: CallbackServer, processor: Ledger
) -> None:
    controller.failures_left = 1
    body = new_request(controller)
    submit(client, shop, body)
    assert (
        client.delete(f"/opendsr/v2/requests/{body['subject_request_id']}", headers=shop).status_code == 202
    )
    assert len(controller.received) == 1  # the first attempt, answered 503
    soon = callbacks.run(processor)
    assert (soon.delivered, soon.waiting) == (0, 1)  # not due yet: one minute of backoff
    later = callbacks.run(processor, now=datetime.now(UTC) + timedelta(minutes=2))
    assert later.delivered == 1
    assert [r.valid for r in controller.received] == [True, True]
    assert controller.statuses() == ["cancelled", "cancelled"]
    with processor.engine.connect() as connection:
        row = connection.execute(select(ot.OpenDsrCallback.state, ot.OpenDsrCallback.attempts)).one()
    assert tuple(row) == ("delivered", 2)


def test_deliver_command_gives_up_after_the_configured_attempts_and_says_so(
    client: TestClient,
    shop: dict[str, str],
    controller: CallbackServer,
    processor: Ledger,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AUSKUNFT_OPENDSR_SIGNING_KEY", SECRET)
    monkeypatch.setenv("AUSKUNFT_OPENDSR_CALLBACK_ATTEMPTS", "2")
    get_settings.cache_clear()
    controller.failures_left = 10
    body = new_request(controller)
    submit(client, shop, body)
    client.delete(f"/opendsr/v2/requests/{body['subject_request_id']}", headers=shop)
    with processor.engine.begin() as connection:  # make the retry due now
        connection.execute(update(ot.OpenDsrCallback).values(next_attempt_at=datetime.now(UTC)))
    result = CliRunner().invoke(opendsr_cli, ["deliver"])
    assert result.exit_code == 1, result.output
    assert f"given up: callbacks of OpenDSR request {body['subject_request_id']}" in result.output
    assert ERIKA not in result.output


def test_a_later_status_waits_behind_an_earlier_one_to_the_same_url(
    client: TestClient, shop: dict[str, str], controller: CallbackServer, processor: Ledger
) -> None:
    assert processor.ingest_lines(
        (Path(__file__).parent / "data" / "erika.jsonl").read_text().splitlines()
    ).ok
    controller.failures_left = 1
    body = new_request(controller)
    submit(client, shop, body)
    case_id = case_of(processor, body["subject_request_id"])
    outbox = Outbox()
    cases.start_identity_check(processor, case_id, outbox, Actor("agent:anna"))
    cases.verify(processor, case_id, outbox.code(), Actor("agent:anna"))
    callbacks.run(processor)  # in_progress: answered 503
    cases.transition(processor, case_id, CaseState.ANSWERED, Actor("agent:anna"), "erased")
    held = callbacks.run(processor)
    assert (held.delivered, held.waiting) == (0, 2)
    callbacks.run(processor, now=datetime.now(UTC) + timedelta(minutes=2))
    assert controller.statuses() == ["in_progress", "in_progress", "completed"]


def test_forged_signature_is_what_the_controller_refuses(controller: CallbackServer) -> None:
    body = b'{"request_status":"completed"}'
    status = callbacks.post_json(
        controller.url,
        body,
        {"Content-Type": "application/json", signing.SIGNATURE_HEADER: signing.sign(b"x" * 32, body)},
        5,
    )
    assert status == 403
    assert controller.received[-1].valid is False
