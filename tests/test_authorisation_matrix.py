"""Every route of the web app × every persona: who is let in and who is refused.

Personas: anonymous, a customer signed in to the portal (Erika), agent Anna, DPO Dora, admin Adam. The
routes are read from the assembled application, so a new route without an audience in `AUDIENCE` fails
here until someone decides who may use it. "Let in" means neither refused (401, 403) nor sent to a
sign-in page, and no server error; "refused" means 401/403 or a redirect to the console login or the
portal sign-in. Staff send their session's CSRF token, so a refusal is a refusal of the role, not of the
form.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from auskunft.answer.builder import SubjectQuery, find_subject
from auskunft.config import Settings
from auskunft.domain.identifiers import IdentifierKind
from auskunft.ledger import Ledger
from tests.conftest import ERIKA_EVENTS
from tests.test_web_auth import add_staff, csrf_of, sign_in

ERIKA = "erika.muster@example.de"
SECRET = "matrix-opendsr-secret-0123456789abcdef"
PERSONAS = ("anonymous", "customer", "agent", "dpo", "admin")
LOGINS = {"agent": "anna", "dpo": "dora", "admin": "adam"}
ALLOWED = {
    "public": set(PERSONAS),
    "customer": {"customer"},
    "agent": {"agent", "dpo", "admin"},
    "dpo": {"dpo", "admin"},
    "admin": {"admin"},
    "api": set(),  # an API key is needed; no persona's cookie is one
    "anyone": set(PERSONAS),
}
ANYONE = "anyone"
"""Signing out: harmless for everyone, checked only for server errors (and run last)."""
AUDIENCE: list[tuple[str, str]] = [
    (r"^/console/users", "admin"),
    (r"^/console/(dashboard|register|audit)", "dpo"),
    (r"^/console/login$", "public"),
    (r"^/console/logout$", "anyone"),
    (r"^/console/", "agent"),
    (r"^/meine-daten/abmelden$", "anyone"),
    (r"^/meine-daten/(auskunft|antrag|einwilligung|widerspruch)", "customer"),
    (r"^/meine-daten", "public"),
    (r"^/api/(docs|openapi\.json)$", "public"),
    (r"^/api/v1/", "api"),
    (r"^/opendsr/v2/(discovery|signing)$", "public"),
    (r"^/opendsr/v2/", "api"),
    (r"^/(|chat|kontakt|hilfe|recht|consent|static)(/|$)", "public"),
]
PARAMS = {
    "case_id": "1",
    "conversation_id": "1",
    "entry_id": "1",
    "login": "anna",
    "slug": "x",
    "name": "auskunft.css",
    "law": "DSGVO",
    "ref": "15",
    "fmt": "json",
    "subject_request_id": "a7551968-d5d6-44b2-9831-815ac9017798",
}


def audience(path: str) -> str:
    for pattern, who in AUDIENCE:
        if re.search(pattern, path):
            return who
    raise AssertionError(f"no audience decided for {path}")


def routes(app: FastAPI) -> list[tuple[str, str]]:
    def walk(items: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
        for route in items:
            if hasattr(route, "original_router"):
                context = getattr(route, "include_context", None)
                yield from walk(route.original_router.routes, prefix + (getattr(context, "prefix", "") or ""))
            elif getattr(route, "methods", None):
                for method in route.methods - {"HEAD"}:
                    yield method, prefix + route.path

    # Signing out last, so that the persona keeps its session for every other route.
    return sorted(set(walk(app.router.routes)), key=lambda r: (audience(r[1]) == ANYONE, r))


@pytest.fixture
def erika(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Ledger]:
    """Erika's ledger, with OpenDSR configured (unconfigured, its routes answer 503) and the staff."""
    monkeypatch.setenv("AUSKUNFT_OPENDSR_SIGNING_KEY", SECRET)
    monkeypatch.setenv("AUSKUNFT_OPENDSR_DOMAIN", "opendsr.example.de")
    configured = settings.model_copy(
        update={"opendsr_signing_key": SecretStr(SECRET), "opendsr_domain": "opendsr.example.de"}
    )
    with Ledger.open(configured) as ledger:
        assert ledger.ingest_lines(ERIKA_EVENTS.splitlines()).ok
        add_staff(ledger)
        yield ledger


@pytest.fixture
def app(erika: Ledger) -> FastAPI:
    from auskunft.web.app import create_app

    return create_app(erika)


def client_for(app: FastAPI, persona: str, ledger: Ledger) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    client.__enter__()
    form: dict[str, str] = {}
    if persona in LOGINS:
        assert sign_in(client, LOGINS[persona]).status_code == 303
        form["csrf_token"] = csrf_of(client)
    elif persona == "customer":
        with ledger.engine.connect() as connection:
            subject = find_subject(
                connection, ledger.index, SubjectQuery(IdentifierKind.EMAIL, "erika.muster@example.de")
            )
        assert subject is not None
        portal = app.state.portal
        session, token = portal.sessions.start(subject, ERIKA)
        client.cookies.set(portal.cookie, token)
        form["csrf_token"] = session.csrf
    return client, form


def public_tokens(app: FastAPI, client: TestClient, path: str) -> dict[str, str]:
    """The signed token an anonymous form carries (console login, portal sign-in)."""
    if path in ("/meine-daten/code", "/meine-daten/anmelden"):
        return {"csrf_token": app.state.portal.form_token()}
    if path != "/console/login":
        return {}
    found = re.search(r'name="login_token" value="([^"]+)"', client.get(path).text)
    return {"login_token": found[1]} if found else {}


def refused(response: Any) -> bool:
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("location", "")
    to_sign_in = location.split("?")[0] == "/meine-daten" and "done=" not in location
    return response.status_code in (302, 303, 307) and ("/console/login" in location or to_sign_in)


def test_every_route_lets_in_exactly_its_audience(app: FastAPI, erika: Ledger) -> None:
    table = routes(app)
    assert len(table) > 80
    with erika.engine.connect() as connection:
        subject = find_subject(connection, erika.index, SubjectQuery(IdentifierKind.EMAIL, ERIKA))
    params = PARAMS | {"subject_id": str(subject)}
    wrong: list[str] = []
    for persona in PERSONAS:
        client, form = client_for(app, persona, erika)
        try:
            for method, path in table:
                url = path.format(**params)
                who = audience(path)
                headers = {"Accept": "text/html", "Origin": "https://testserver"}
                if method == "GET":
                    response = client.get(url, headers=headers)
                else:
                    data = form | public_tokens(app, client, path)
                    response = client.request(method, url, data=data, headers=headers)
                if response.status_code >= 500:
                    wrong.append(f"{persona} {method} {path}: {response.status_code}")
                elif who == ANYONE:
                    continue
                elif (persona in ALLOWED[who]) == refused(response):
                    expected = "let in" if persona in ALLOWED[who] else "refused"
                    wrong.append(f"{persona} {method} {path}: {response.status_code}, expected {expected}")
        finally:
            client.__exit__(None, None, None)
    assert wrong == [], "\n".join(wrong)
