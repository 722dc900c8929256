"""Malformed input never makes the case routes or the OpenDSR endpoints fail with a server error.

Hand-written fuzzing next to schemathesis (tests/test_schemathesis.py): every route is sent its valid
body with each field dropped or replaced by values of the wrong kind (other types, huge and odd strings,
unknown enum values, out-of-range numbers), whole bodies that are no object or no JSON at all, odd path
parameters and query strings, and a seeded run of random nested mutations. Every answer must be a client
error in the route's error shape (or a success), never a 5xx.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from auskunft.config import Settings
from auskunft.ledger import Ledger
from auskunft.web.apikeys import Scope
from tests.test_api_cases import bearer, full_app

SECRET = "opendsr-fuzz-secret-0123456789abcdef"
UUID = "a7551968-d5d6-44b2-9831-815ac9017798"
WEIRD: list[Any] = [
    None,
    True,
    0,
    -1,
    2**63,
    -(2**70),
    1.5,
    1e308,
    "",
    " ",
    "x" * 100_000,
    "\u0000",
    "\ud800",
    "zzz-unknown",
    "'; DROP TABLE request_cases; --",
    "2026-02-30",
    "9999-12-31T23:59:59Z",
    [],
    [1, "a", None],
    {},
    {"nested": {"deeper": [1]}},
]
CASE = {
    "kind": "access",
    "identifiers": {"email": "erika.muster@example.de", "phone": "+49 30 1234567", "customer_number": "K-1"},
    "received_on": "2026-01-31",
    "channel": "letter",
    "language": "de",
    "reference": "2026-AB12CD3",
}
OPENDSR = {
    "regulation": "gdpr",
    "subject_request_id": UUID,
    "subject_request_type": "erasure",
    "submitted_time": "2026-01-31T10:00:00Z",
    "subject_identities": [
        {"identity_type": "email", "identity_value": "erika.muster@example.de", "identity_format": "raw"}
    ],
    "api_version": "2.0",
    "status_callback_urls": ["https://controller.example.de/opendsr/callbacks"],
    "extensions": {"opendsr.example.de": {"x": 1}},
}
BODIES: list[tuple[str, dict[str, Any]]] = [
    ("/api/v1/cases", CASE),
    ("/api/v1/cases/1/verify", {"code": "1234 5678"}),
    ("/api/v1/cases/1/extend", {"months": 1, "reason": "many systems"}),
    ("/api/v1/cases/1/refuse", {"reason": "unfounded"}),
    ("/api/v1/cases/1/close", {"outcome": "erased"}),
    ("/opendsr/v2/requests", OPENDSR),
]


@pytest.fixture
def fuzz(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    ledger = Ledger.open(
        Settings(database_url=settings.database_url, index_key=settings.index_key, opendsr_signing_key=SECRET)
    )
    headers = bearer(ledger, "fuzzer", Scope.CASES_READ, Scope.CASES_WRITE, Scope.OPENDSR)
    try:
        with TestClient(full_app(ledger), raise_server_exceptions=False) as client:
            assert client.post("/api/v1/cases", json=CASE, headers=headers).status_code == 201
            yield client, headers
    finally:
        ledger.close()


def send(client: TestClient, headers: dict[str, str], method: str, path: str, body: Any = None) -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = client.request(
        method, path, content=content, headers=headers | {"Content-Type": "application/json"}
    )
    assert response.status_code < 500, (method, path, str(body)[:300], response.text[:300])
    if response.status_code >= 400:
        code = response.json()["error"]["code"]
        assert code == response.status_code if path.startswith("/opendsr") else isinstance(code, str)
    return response


def leaves(body: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in `body` a value sits at, containers included."""
    if path:
        yield path
    if isinstance(body, dict):
        for key, value in body.items():
            yield from leaves(value, (*path, key))
    elif isinstance(body, list):
        for number, value in enumerate(body):
            yield from leaves(value, (*path, number))


def replaced(body: Any, path: tuple[Any, ...], value: Any, drop: bool = False) -> Any:
    changed = copy.deepcopy(body)
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    if drop:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return changed


@pytest.mark.parametrize(("path", "body"), BODIES, ids=[p for p, _ in BODIES])
def test_every_field_dropped_or_of_the_wrong_kind_is_a_client_error(
    fuzz: tuple[TestClient, dict[str, str]], path: str, body: dict[str, Any]
) -> None:
    client, headers = fuzz
    for place in leaves(body):
        send(client, headers, "POST", path, replaced(body, place, None, drop=True))
        for value in WEIRD:
            send(client, headers, "POST", path, replaced(body, place, value))


@pytest.mark.parametrize(("path", "body"), BODIES, ids=[p for p, _ in BODIES])
def test_bodies_that_are_no_object_or_no_json_are_client_errors(
    fuzz: tuple[TestClient, dict[str, str]], path: str, body: dict[str, Any]
) -> None:
    client, headers = fuzz
    for whole in [*WEIRD, [body], body | {"unknown_member": "x"}]:
        send(client, headers, "POST", path, whole)
    for raw in (b"", b"{", b"\xff\xfe", b"{}" * 10_000, b"null", json.dumps(body).encode() + b"garbage"):
        send(client, headers, "POST", path, raw)


def test_seeded_random_nested_mutations_never_fail_the_server(
    fuzz: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = fuzz
    rng = random.Random(20260131)
    for _ in range(300):
        path, body = rng.choice(BODIES)
        mutated = body
        for _ in range(rng.randint(1, 3)):
            place = rng.choice(list(leaves(mutated)) or [()])
            if place:
                mutated = replaced(mutated, place, rng.choice(WEIRD), drop=rng.random() < 0.2)
        send(client, headers, "POST", path, mutated)


@pytest.mark.parametrize(
    "case_id", ["0", "-1", "2147483648", "99999999999999999999999", "abc", "1e3", "1.0", "%00", "x" * 5000]
)
def test_odd_case_ids_are_client_errors(fuzz: tuple[TestClient, dict[str, str]], case_id: str) -> None:
    client, headers = fuzz
    send(client, headers, "GET", f"/api/v1/cases/{case_id}")
    send(client, headers, "POST", f"/api/v1/cases/{case_id}/close", {"outcome": "erased"})


@pytest.mark.parametrize(
    "request_id", [UUID.upper(), "x", UUID + "0", UUID.replace("-4", "-1"), "%2e%2e", "ä" * 36, "x" * 5000]
)
def test_odd_subject_request_ids_are_client_errors(
    fuzz: tuple[TestClient, dict[str, str]], request_id: str
) -> None:
    client, headers = fuzz
    for method in ("GET", "DELETE"):
        send(client, headers, method, f"/opendsr/v2/requests/{request_id}")
    send(client, headers, "GET", f"/opendsr/v2/status/{request_id}")


@pytest.mark.parametrize(
    "query",
    [
        {"state": "zzz"},
        {"kind": ["access", "erasure"]},
        {"due_within": "-1"},
        {"due_within": str(10**20)},
        {"limit": "0"},
        {"limit": "100000"},
        {"include_closed": "maybe"},
        {"state": "answered", "include_closed": "true", "due_within": "3660", "limit": "500"},
    ],
)
def test_odd_case_list_queries_are_client_errors_or_answers(
    fuzz: tuple[TestClient, dict[str, str]], query: dict[str, Any]
) -> None:
    client, headers = fuzz
    response = client.get("/api/v1/cases", params=query, headers=headers)
    assert response.status_code in (200, 422), response.text[:300]
