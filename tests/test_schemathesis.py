"""schemathesis against the OpenAPI description: no generated request makes any API route fail with a 5xx.

Every operation of /api/openapi.json is called in process with examples schemathesis derives from the
schema (valid and invalid), carrying an API key that holds every scope, so the requests reach the routes'
logic rather than stopping at authentication.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from pydantic import SecretStr
from schemathesis.checks import not_a_server_error

from auskunft.config import Settings
from auskunft.ledger import Ledger
from auskunft.web.apikeys import Scope
from auskunft.web.app import create_app
from tests.conftest import ERIKA_EVENTS
from tests.test_api_cases import bearer

SECRET = "schemathesis-secret-0123456789abcdef"

SETTINGS = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_no_api_route_answers_with_a_server_error(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUSKUNFT_OPENDSR_SIGNING_KEY", SECRET)
    monkeypatch.setenv("AUSKUNFT_OPENDSR_DOMAIN", "opendsr.example.de")
    configured = settings.model_copy(
        update={"opendsr_signing_key": SecretStr(SECRET), "opendsr_domain": "opendsr.example.de"}
    )
    with Ledger.open(configured) as ledger:
        assert ledger.ingest_lines(ERIKA_EVENTS.splitlines()).ok
        headers = bearer(ledger, "schemathesis", *Scope)
        schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app(ledger))
        _run(schema, headers)


def _run(schema: Any, headers: dict[str, str]) -> None:
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:

        @SETTINGS
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        call()
