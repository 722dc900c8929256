"""Console login: argon2id passwords, server-side sessions, CSRF, the login rate limit and roles.

Personas: Anna (agent), Dora (data protection officer), Adam (admin), and an outsider without an account.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select, update
from typer.testing import CliRunner

from auskunft.config import Settings
from auskunft.ledger import Ledger
from auskunft.store import user_tables as ut
from auskunft.web.app import create_app
from auskunft.web.auth import passwords, users
from auskunft.web.auth.ratelimit import SlidingWindow
from auskunft.web.auth.users import Role
from auskunft.web.users_cli import app as users_app

PASSWORDS = {"anna": "anna-sagt-hallo-42", "dora": "dora-prueft-alles-7", "adam": "adam-verwaltet-99"}
ROLES = {"anna": Role.AGENT, "dora": Role.DPO, "adam": Role.ADMIN}
NAMES = {"anna": "Anna Agentin", "dora": "Dora Datenschutz", "adam": "Adam Admin"}
COOKIE = "__Host-auskunft_session"


def add_staff(ledger: Ledger) -> None:
    with ledger.engine.begin() as connection:
        for login, role in ROLES.items():
            users.create(connection, login, role, PASSWORDS[login], display_name=NAMES[login])


def console_app(ledger: Ledger) -> FastAPI:
    return create_app(ledger)


@pytest.fixture
def staffed(ledger: Ledger) -> Ledger:
    add_staff(ledger)
    return ledger


@pytest.fixture
def client(staffed: Ledger) -> Iterator[TestClient]:
    with TestClient(console_app(staffed), base_url="https://testserver") as test_client:
        yield test_client


def login_token(client: TestClient) -> str:
    page = client.get("/console/login")
    found = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert found is not None
    return found[1]


def sign_in(client: TestClient, login: str, password: str | None = None, **extra: str) -> Response:
    data = {"login": login, "password": PASSWORDS.get(login, "x") if password is None else password}
    data |= {"login_token": login_token(client)} | extra
    return client.post("/console/login", data=data, follow_redirects=False)


def csrf_of(client: TestClient, path: str = "/console/inbox") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found[1]


HTML = {"Accept": "text/html"}


def test_agent_signs_in_and_gets_a_strict_session_cookie(client: TestClient) -> None:
    response = sign_in(client, "anna")
    assert response.status_code == 303
    assert response.headers["location"] == "/console/inbox"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    for attribute in ("HttpOnly", "Path=/", "SameSite=strict", "Secure"):
        assert attribute.lower() in cookie.lower()
    assert "domain=" not in cookie.lower()
    inbox = client.get("/console/inbox")
    assert inbox.status_code == 200
    assert "Anna Agentin" in inbox.text
    assert "Posteingang" in inbox.text


def test_the_session_token_is_stored_only_as_its_hash(client: TestClient, staffed: Ledger) -> None:
    sign_in(client, "anna")
    token = client.cookies[COOKIE]
    with staffed.engine.connect() as connection:
        stored = connection.execute(select(ut.UserSession.token_hash, ut.UserSession.csrf_secret)).one()
    assert token.encode() not in stored.token_hash
    assert len(stored.token_hash) == 32


def test_passwords_are_kept_as_argon2id_hashes(staffed: Ledger) -> None:
    with staffed.engine.connect() as connection:
        stored = connection.scalar(select(ut.User.password_hash).where(ut.User.login == "anna"))
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert PASSWORDS["anna"] not in stored


def test_a_hash_with_old_parameters_is_renewed_at_login(client: TestClient, staffed: Ledger) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORDS["anna"])
    with staffed.engine.begin() as connection:
        connection.execute(update(ut.User).where(ut.User.login == "anna").values(password_hash=weak))
    assert sign_in(client, "anna").status_code == 303
    with staffed.engine.connect() as connection:
        renewed = connection.scalar(select(ut.User.password_hash).where(ut.User.login == "anna"))
    assert renewed != weak
    assert not passwords.needs_rehash(str(renewed))


def test_wrong_password_and_unknown_user_get_the_same_answer_and_no_cookie(client: TestClient) -> None:
    wrong = sign_in(client, "anna", "falsches-passwort-123")
    unknown = sign_in(client, "niemand", "falsches-passwort-123")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "set-cookie" not in response.headers
        assert "Anmeldename oder Passwort ist nicht richtig" in response.text
    assert "niemand" not in unknown.text.split("<form")[0]


def test_a_disabled_user_cannot_sign_in_and_loses_their_session(client: TestClient, staffed: Ledger) -> None:
    sign_in(client, "anna")
    with staffed.engine.begin() as connection:
        users.set_active(connection, "anna", False)
    assert client.get("/console/inbox").status_code == 401
    assert "set-cookie" not in sign_in(client, "anna").headers


def test_the_login_page_sets_no_cookie_and_speaks_german_first(client: TestClient) -> None:
    page = client.get("/console/login")
    assert "set-cookie" not in page.headers
    assert '<html lang="de">' in page.text
    assert 'for="login">Anmeldename' in page.text
    english = client.get("/console/login?lang=en")
    assert '<html lang="en">' in english.text
    assert "Login name" in english.text


def test_login_without_the_form_token_or_from_another_site_is_refused(client: TestClient) -> None:
    no_token = client.post("/console/login", data={"login": "anna", "password": PASSWORDS["anna"]})
    assert no_token.status_code == 403
    assert "set-cookie" not in no_token.headers
    cross = client.post(
        "/console/login",
        data={"login": "anna", "password": PASSWORDS["anna"], "login_token": login_token(client)},
        headers={"Origin": "https://evil.example"},
    )
    assert cross.status_code == 403
    assert "set-cookie" not in cross.headers


def test_after_five_failures_the_login_name_is_locked_for_a_while(client: TestClient) -> None:
    for _ in range(5):
        assert sign_in(client, "dora", "raten-ist-zwecklos-1").status_code == 200
    locked = sign_in(client, "dora")  # the right password, but too late
    assert locked.status_code == 429
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    assert "set-cookie" not in locked.headers
    assert sign_in(client, "anna").status_code == 303


def test_one_address_trying_many_names_is_limited_too(staffed: Ledger, settings: Settings) -> None:
    staffed.settings = settings.model_copy(update={"login_failures_per_ip": 3})
    with TestClient(console_app(staffed), base_url="https://testserver") as client:
        for name in ("a1", "a2", "a3"):
            sign_in(client, name, "raten-ist-zwecklos-1")
        assert sign_in(client, "anna").status_code == 429


def test_the_sliding_window_forgets_old_failures() -> None:
    now = [1000.0]
    window = SlidingWindow(2, 60, clock=lambda: now[0])
    window.hit("k")
    now[0] += 30
    window.hit("k")
    assert window.retry_after("k") == 30
    now[0] += 31
    assert window.retry_after("k") == 0


def test_a_post_without_the_csrf_token_is_refused(client: TestClient) -> None:
    sign_in(client, "adam")
    refused = client.post("/console/users/anna/active", data={"active": "false"}, headers=HTML)
    assert refused.status_code == 403
    assert "neu laden" in refused.text
    wrong = client.post("/console/users/anna/active", data={"active": "false", "csrf_token": "x" * 43})
    assert wrong.status_code == 403
    cross = client.post(
        "/console/users/anna/active",
        data={"active": "false", "csrf_token": csrf_of(client)},
        headers={"Origin": "https://evil.example"},
    )
    assert cross.status_code == 403
    allowed = client.post(
        "/console/users/anna/active",
        data={"active": "false", "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert allowed.status_code == 303


def test_an_idle_session_ends(client: TestClient, staffed: Ledger) -> None:
    sign_in(client, "anna")
    with staffed.engine.begin() as connection:
        connection.execute(
            update(ut.UserSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=31))
        )
    response = client.get("/console/inbox", headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login?next=")


def test_a_session_ends_at_its_absolute_lifetime(client: TestClient, staffed: Ledger) -> None:
    sign_in(client, "anna")
    with staffed.engine.begin() as connection:
        connection.execute(update(ut.UserSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert client.get("/console/inbox").status_code == 401
    with staffed.engine.connect() as connection:
        assert connection.scalar(select(ut.UserSession.id)) is None


def test_logout_ends_the_session_on_the_server(client: TestClient, staffed: Ledger) -> None:
    sign_in(client, "anna")
    token = client.cookies[COOKIE]
    response = client.post("/console/logout", data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login"
    assert (
        "Max-Age=0" in response.headers["set-cookie"] or "expires=" in response.headers["set-cookie"].lower()
    )
    client.cookies.set(COOKIE, token)  # a copy of the cookie kept elsewhere is worth nothing now
    assert client.get("/console/inbox").status_code == 401


def test_without_a_session_browsers_go_to_login_and_other_clients_get_401(client: TestClient) -> None:
    browser = client.get("/console/cases?state=all", headers=HTML, follow_redirects=False)
    assert browser.status_code == 303
    assert browser.headers["location"] == "/console/login?next=%2Fconsole%2Fcases%3Fstate%3Dall"
    api = client.get("/console/cases")
    assert api.status_code == 401
    assert api.json()["error"]["code"] == "unauthenticated"


def test_login_returns_to_the_page_asked_for_but_never_to_another_site(client: TestClient) -> None:
    back = sign_in(client, "anna", next="/console/cases")
    assert back.headers["location"] == "/console/cases"
    away = sign_in(client, "anna", next="https://evil.example/")
    assert away.headers["location"] == "/console/inbox"
    away = sign_in(client, "anna", next="//evil.example/console")
    assert away.headers["location"] == "/console/inbox"


def test_an_agent_is_refused_the_pages_of_dpo_and_admin(client: TestClient) -> None:
    sign_in(client, "anna")
    assert client.get("/console/audit").status_code == 403
    page = client.get("/console/users", headers=HTML)
    assert page.status_code == 403
    assert "Ihre Rolle erlaubt" in page.text


def test_the_language_switch_is_kept_in_the_session(client: TestClient) -> None:
    sign_in(client, "anna")
    client.post(
        "/console/language", data={"lang": "en", "csrf_token": csrf_of(client), "next": "/console/cases"}
    )
    assert "Data-subject requests" in client.get("/console/cases").text


def test_users_cli_adds_lists_disables_and_changes_passwords(settings: Settings, tmp_path: object) -> None:
    from pathlib import Path

    secret = Path(str(tmp_path)) / "pw"
    secret.write_text("ein-langes-passwort-1\n")
    runner = CliRunner()
    added = runner.invoke(users_app, ["add", "Berta", "--role", "dpo", "--password-file", str(secret)])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(users_app, ["list"])
    assert "berta" in listed.output
    assert "dpo" in listed.output
    assert (
        runner.invoke(
            users_app, ["add", "berta", "--role", "agent", "--password-file", str(secret)]
        ).exit_code
        == 2
    )
    short = Path(str(tmp_path)) / "short"
    short.write_text("kurz")
    refused = runner.invoke(users_app, ["passwd", "berta", "--password-file", str(short)])
    assert refused.exit_code == 2
    assert "12 characters" in refused.output
    assert runner.invoke(users_app, ["disable", "berta"]).exit_code == 0
    with Ledger.open(settings) as ledger, ledger.engine.connect() as connection:
        assert users.by_login(connection, "berta").active is False
    prompted = runner.invoke(
        users_app, ["passwd", "berta"], input="noch-ein-passwort-2\nnoch-ein-passwort-2\n"
    )
    assert prompted.exit_code == 0, prompted.output
