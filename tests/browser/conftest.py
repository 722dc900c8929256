"""Real-browser fixtures: the assembled web app under uvicorn on loopback, and Debian's Chromium driven by
Playwright.

One browser for this folder's tests (package scope, see `playwright_session`), a fresh browser context (no
cookies, no storage) per test, and a live server per test over the test's own ledger — SQLite, or PostgreSQL
with AUSKUNFT_TEST_DATABASE_URL — whose mail goes to a real SMTP server (aiosmtpd). Nothing is downloaded:
Chromium is the system's (`.ci/run` installs it); a missing browser fails the suite, it never skips.

Every request a page makes is recorded; a test whose pages asked any other host than the live server fails
at teardown (no third-party requests, issue 4).
"""

from __future__ import annotations

import email
import email.policy
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, ViewportSize, sync_playwright
from starlette.types import ASGIApp

import auskunft.demo
from auskunft.config import Settings
from auskunft.demo import faq, users
from auskunft.demo.users import DEMO_USERS, DemoUser
from auskunft.ledger import Ledger
from auskunft.web.app import create_app
from auskunft.web.auth.users import Role
from tests import email_servers
from tests.email_servers import SmtpServer, free_port

smtp_server = email_servers.smtp_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).parent
DEMO_REGISTER = Path(auskunft.demo.__file__).parent / "register.yaml"
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}


def staff(role: Role) -> DemoUser:
    """The demo company's console user with `role` (src/auskunft/demo/users.py)."""
    return next(user for user in DEMO_USERS if user.role is role)


@dataclass
class LiveServer:
    """The web app served by uvicorn on a free loopback port, with its ledger and its mail server."""

    url: str
    ledger: Ledger
    smtp: SmtpServer

    def mails_to(self, address: str) -> list[EmailMessage]:
        found = []
        for envelope in self.smtp.received:
            if address in envelope.rcpt_tos:
                assert isinstance(envelope.content, bytes)
                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                assert isinstance(message, EmailMessage)
                found.append(message)
        return found

    def wait_for_mail(self, address: str, pattern: str, timeout: float = 10.0) -> re.Match[str]:
        """The first match of `pattern` in the newest mail to `address` that has one (mail goes out after
        the response, so it may take a moment)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in reversed(self.mails_to(address)):
                body = message.get_body(preferencelist=("plain",))
                found = re.search(pattern, body.get_content() if body is not None else "")
                if found:
                    return found
            time.sleep(0.05)
        raise AssertionError(f"no mail to {address} matching {pattern!r} within {timeout} s")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Chromium against the app on a live server")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of this folder is marked `browser` (`pytest -m "not browser"` leaves them out)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def playwright_session() -> Iterator[Playwright]:
    """Playwright's driver, for this folder's tests only: while it runs, its event loop counts as the main
    thread's running loop (asyncio.run() would fail), so it must end before the rest of the suite runs."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed (apt-get install chromium); the browser tests need it")
    launched = playwright_session.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@contextmanager
def serving(app: ASGIApp) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread on a free loopback port; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not start on port {port}")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def staffed_ledger(settings: Settings) -> Ledger:
    """A ledger with the demo company's register, FAQ and console users (no customers yet)."""
    ledger = Ledger.open(settings)
    try:
        ledger.load_register(DEMO_REGISTER)
        with ledger.engine.begin() as connection:
            faq.load_faq(connection)
            users.load(connection)
    except BaseException:
        ledger.close()
        raise
    return ledger


@pytest.fixture
def live(settings: Settings, smtp_server: SmtpServer) -> Iterator[LiveServer]:
    """The whole web app, as `auskunft serve` builds it, on a real port over the test's ledger; its mail goes
    to aiosmtpd."""
    with staffed_ledger(smtp_server.configure(settings)) as ledger, serving(create_app(ledger)) as url:
        yield LiveServer(url, ledger, smtp_server)


@dataclass
class Browsing:
    """A fresh browser context on the live server that records every request its pages make."""

    live: LiveServer
    context: BrowserContext
    requests: list[str] = field(default_factory=list)

    def page(self) -> Page:
        return self.context.new_page()

    def url(self, path: str) -> str:
        return self.live.url + path

    def elsewhere(self) -> list[str]:
        """Requests to any other origin than the live server."""
        own = (self.live.url + "/", self.live.url.replace("http:", "ws:", 1) + "/")
        return [url for url in self.requests if not url.startswith(own)]

    def log_in(self, page: Page, user: DemoUser) -> None:
        page.goto(self.url("/console/login"))
        page.get_by_label("Anmeldename").fill(user.login)
        page.get_by_label("Passwort").fill(user.password)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url("**/console/**")


@pytest.fixture
def browsing(browser: Browser, live: LiveServer) -> Iterator[Browsing]:
    context = browser.new_context(viewport=VIEWPORT, locale="de-DE", accept_downloads=True)
    context.set_default_timeout(10_000)
    browsed = Browsing(live, context)
    context.on("request", lambda request: browsed.requests.append(request.url))
    context.on("page", lambda page: page.on("websocket", lambda socket: browsed.requests.append(socket.url)))
    try:
        yield browsed
    finally:
        context.close()
    assert browsed.requests, "the test made no request at all"
    assert browsed.elsewhere() == [], "pages asked another host than the app"
