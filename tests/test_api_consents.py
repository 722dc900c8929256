"""Double opt-in and unsubscribing through HTTP: the shop's API call, the person's clicks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from auskunft.consent import unsubscribe
from auskunft.domain.identifiers import IdentifierKind
from auskunft.ledger import Actor, Ledger
from auskunft.marketing.engine import may_send
from auskunft.marketing.facts import Target
from auskunft.marketing.rules import Channel
from auskunft.web import apikeys
from auskunft.web.apikeys import Scope
from auskunft.web.app import create_app
from tests.conftest import DATA

EMAIL = "lena.beispiel@example.de"
BASE = "https://www.example.de"
ONE_CLICK = {"Content-Type": "application/x-www-form-urlencoded"}
REQUEST: dict[str, Any] = {
    "email": EMAIL,
    "purpose": "newsletter",
    "channel": "email",
    "wording": "Ja, ich möchte den Newsletter der Beispiel GmbH per E-Mail erhalten. Abmeldung jederzeit.",
    "wording_version": "nl-2026-01",
    "evidence": {"ip": "203.0.113.7", "user_agent": "Mozilla/5.0 (Test)", "form_url": f"{BASE}/newsletter"},
    "base_url": BASE,
}


@pytest.fixture
def shop(ledger: Ledger) -> Ledger:
    ledger.load_register(DATA / "register.yaml")
    return ledger


@pytest.fixture
def client(shop: Ledger) -> Iterator[TestClient]:
    with TestClient(create_app(shop)) as test_client:
        yield test_client


def key(ledger: Ledger, *scopes: Scope) -> dict[str, str]:
    with ledger.engine.begin() as connection:
        made = apikeys.create(connection, "shop", list(scopes))[1]
    return {"Authorization": f"Bearer {made}"}


def allowed(ledger: Ledger) -> bool:
    at = datetime.now(UTC) + timedelta(seconds=1)
    check = may_send(
        ledger, Target(IdentifierKind.EMAIL, EMAIL), Channel.EMAIL, "newsletter", Actor("test"), at
    )
    return check.decision.allowed


def local_path(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def subscribe(client: TestClient, ledger: Ledger) -> None:
    response = client.post(
        "/api/v1/consents/requests", json=REQUEST, headers=key(ledger, Scope.CONSENTS_WRITE)
    )
    assert response.status_code == 201, response.text
    assert client.get(local_path(response.json()["confirm_link"])).status_code == 200


def unsubscribe_path(ledger: Ledger, token: str | None = None) -> str:
    token = token or unsubscribe.unsubscribe_token(ledger, EMAIL, "newsletter")
    return local_path(unsubscribe.unsubscribe_url(BASE, token))


def test_request_then_confirm_link_allows_the_newsletter(client: TestClient, shop: Ledger) -> None:
    response = client.post("/api/v1/consents/requests", json=REQUEST, headers=key(shop, Scope.CONSENTS_WRITE))
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["confirm_link"].startswith(f"{BASE}/consent/confirm?token=")
    assert answer["subject"]
    assert answer["confirm_link"] in answer["text"]
    assert not allowed(shop)

    page = client.get(local_path(answer["confirm_link"]), headers={"User-Agent": "Mozilla/5.0 (Phone)"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "bestätigt" in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "http" not in page.text.lower().replace("<!doctype html>", "")  # nothing loaded from outside
    assert allowed(shop)


def test_reused_and_unknown_confirm_links_are_refused(client: TestClient, shop: Ledger) -> None:
    response = client.post("/api/v1/consents/requests", json=REQUEST, headers=key(shop, Scope.CONSENTS_WRITE))
    path = local_path(response.json()["confirm_link"])
    assert client.get(path).status_code == 200
    again = client.get(path)
    assert again.status_code == 400
    assert "bereits verwendet" in again.text
    assert client.get("/consent/confirm?token=guessed").status_code == 400
    assert client.get("/consent/confirm").status_code == 400


def test_one_click_post_unsubscribes_at_once(client: TestClient, shop: Ledger) -> None:
    subscribe(client, shop)
    assert allowed(shop)
    response = client.post(unsubscribe_path(shop), content="List-Unsubscribe=One-Click", headers=ONE_CLICK)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert not allowed(shop)


def test_get_of_the_unsubscribe_link_only_shows_a_button(client: TestClient, shop: Ledger) -> None:
    subscribe(client, shop)
    page = client.get(unsubscribe_path(shop))
    assert page.status_code == 200
    assert '<form method="post"' in page.text
    assert 'name="List-Unsubscribe" value="One-Click"' in page.text
    assert allowed(shop)


def test_forged_unsubscribe_token_is_refused(client: TestClient, shop: Ledger) -> None:
    subscribe(client, shop)
    good = unsubscribe.unsubscribe_token(shop, EMAIL, "newsletter")
    forged = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    for token in (forged, "nonsense", "a.b"):
        path = unsubscribe_path(shop, token)
        assert client.post(path, content="List-Unsubscribe=One-Click", headers=ONE_CLICK).status_code == 400
        assert client.get(path).status_code == 400
    assert allowed(shop)


def test_request_needs_the_consents_write_scope(client: TestClient, shop: Ledger) -> None:
    response = client.post(
        "/api/v1/consents/requests", json=REQUEST, headers=key(shop, Scope.MARKETING_CHECK)
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert client.post("/api/v1/consents/requests", json=REQUEST).status_code == 401
