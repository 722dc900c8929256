"""Screenshots of the main pages for the README: `.venv/bin/python tools/screenshots.py`.

Loads the demo company (`auskunft.demo.load.load_demo`) into a ledger in a temporary folder, serves the web
app with uvicorn on a free loopback port, catches the portal's sign-in code with a local SMTP server
(aiosmtpd, a development dependency), and drives Debian's Chromium (Playwright, headless, nothing
downloaded) through the portal and the console as the demo customer Monika Beispielfrau and the demo users.
The PNGs go to docs/screenshots/ (1280×800 viewport; long pages as full page, cut at --max-height).

`--legal PATH` imports official legal texts (files or folders, as `auskunft legal import PATH`) for the
legal-article screenshot; without it AUSKUNFT_LEGAL_DIR is used, and without either that screenshot is
left out. Nothing is sent anywhere: every address the pages ask for is checked to be the local server.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from playwright.sync_api import FloatRect, Page, ViewportSize, sync_playwright

from auskunft.config import Settings, get_settings
from auskunft.demo.load import load_demo
from auskunft.demo.users import DEMO_USERS, DemoUser
from auskunft.knowledge.legal.sources import load as load_sources
from auskunft.knowledge.legal.sources import read_paths
from auskunft.knowledge.legal.store import save_articles
from auskunft.ledger import Ledger
from auskunft.store.db import make_engine, migrate
from auskunft.web.app import create_app
from auskunft.web.auth.users import Role

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
CUSTOMER = "monika.beispielfrau@example.de"
CODE = re.compile(r"\b(\d{4} ?\d{4})\b")
LOCALHOST = "127.0.0.1"


class Mails:
    """aiosmtpd handler: keeps the text of every message."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        self.texts.append(content.decode("utf-8", "replace") if isinstance(content, bytes) else str(content))
        return "250 OK"

    def code(self, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for text in reversed(self.texts):
                found = CODE.search(text)
                if found:
                    return found[1]
            time.sleep(0.05)
        raise SystemExit("error: the sign-in code did not arrive")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOCALHOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(ledger: Ledger) -> Iterator[str]:
    app = create_app(ledger)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host=LOCALHOST, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise SystemExit("error: the web app did not start")
        time.sleep(0.01)
    try:
        yield f"http://{LOCALHOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def demo_ledger(folder: Path, smtp_port: int, legal: list[Path]) -> Ledger:
    url = f"sqlite:///{folder / 'demo.db'}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    index_key = secrets.token_hex(32)
    os.environ.update({"AUSKUNFT_DATABASE_URL": url, "AUSKUNFT_INDEX_KEY": index_key})
    get_settings.cache_clear()
    settings = Settings(
        database_url=url,
        index_key=index_key,
        smtp_host=LOCALHOST,
        smtp_port=smtp_port,
        smtp_ssl=False,
        smtp_starttls=False,
        mail_from="service@beispiel-versand.example.de",
    )
    ledger = Ledger.open(settings)
    _, report = load_demo(ledger)
    if not report.ok:
        raise SystemExit(f"error: the demo did not load: {report.errors[:3]}")
    if legal:
        documents, _ = read_paths(legal)
        with ledger.engine.begin() as connection:
            save_articles(connection, load_sources(documents).articles)
    return ledger


class Camera:
    def __init__(self, out: Path, max_height: int) -> None:
        self.out = out
        self.max_height = max_height
        self.taken: list[Path] = []

    def shoot(self, page: Page, name: str, *, full: bool = True) -> None:
        page.wait_for_load_state("networkidle")
        path = self.out / f"{name}.png"
        if full:
            height = int(page.evaluate("document.documentElement.scrollHeight"))
            width, height = VIEWPORT["width"], min(height, self.max_height)
            clip: FloatRect = {"x": 0, "y": 0, "width": width, "height": height}
            page.screenshot(path=path, full_page=True, clip=clip)
        else:
            page.screenshot(path=path)
        self.taken.append(path)
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"{shown}  {path.stat().st_size // 1024} KB")


def staff(role: Role) -> DemoUser:
    return next(user for user in DEMO_USERS if user.role is role)


def log_in(page: Page, base: str, user: DemoUser) -> None:
    page.goto(f"{base}/console/login")
    page.get_by_label("Anmeldename").fill(user.login)
    page.get_by_label("Passwort").fill(user.password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/console/inbox")


def portal_pages(page: Page, base: str, camera: Camera, mails: Mails, legal: bool) -> None:
    page.goto(f"{base}/")
    camera.shoot(page, "portal-start")

    page.goto(f"{base}/kontakt")
    page.get_by_role("textbox", name="Name", exact=True).fill("Monika Beispielfrau")
    page.get_by_role("textbox", name="E-Mail-Adresse", exact=True).fill(CUSTOMER)
    page.get_by_role("combobox", name="Thema").select_option(label="Bestellung, Lieferung oder Rücksendung")
    page.get_by_role("textbox", name="Ihre Nachricht").press_sequentially(
        "Wo ist mein Paket? Ich möchte meine Sendung verfolgen.", delay=5
    )
    page.get_by_role("heading", name="Vielleicht beantwortet das schon Ihre Frage").wait_for()
    camera.shoot(page, "contact-form")

    page.goto(f"{base}/hilfe")
    camera.shoot(page, "faq")

    if legal:
        page.goto(f"{base}/recht/DSGVO/15")
        camera.shoot(page, "legal-article")

    page.goto(f"{base}/meine-daten")
    page.get_by_label("E-Mail-Adresse oder Telefonnummer").fill(CUSTOMER)
    page.get_by_role("button", name="Code zuschicken").click()
    page.get_by_label("Code (8 Ziffern)").fill(mails.code())
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("heading", name="1. Welche Daten wir über Sie speichern").wait_for()
    camera.shoot(page, "my-data")


def console_pages(page: Page, base: str, camera: Camera) -> None:
    log_in(page, base, staff(Role.AGENT))
    camera.shoot(page, "console-inbox")
    page.get_by_role("link", name="Lieferung Bestellung 100234").click()
    camera.shoot(page, "console-conversation")
    page.get_by_role("link", name="Kundenansicht öffnen").click()
    page.get_by_role("heading", name="Datenfluss").wait_for()
    camera.shoot(page, "console-customer")
    page.goto(f"{base}/console/cases?state=all")
    camera.shoot(page, "console-cases")
    page.get_by_role("button", name="Abmelden").click()

    log_in(page, base, staff(Role.DPO))
    page.goto(f"{base}/console/dashboard")
    camera.shoot(page, "console-dashboard")
    page.goto(f"{base}/console/register")
    camera.shoot(page, "console-register")


def take(out: Path, max_height: int, legal: list[Path]) -> list[Path]:
    """Load the demo, serve it, photograph it; returns the files written."""
    mails = Mails()
    controller = Controller(mails, hostname=LOCALHOST, port=free_port())
    controller.start()
    asked: list[str] = []
    camera = Camera(out, max_height)
    try:
        with (
            tempfile.TemporaryDirectory(prefix="auskunft-screenshots-") as folder,
            demo_ledger(Path(folder), controller.port, legal) as ledger,
            serving(ledger) as base,
            sync_playwright() as driver,
        ):
            browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport=VIEWPORT, locale="de-DE", device_scale_factor=1)
                context.on("request", lambda request: asked.append(request.url))
                portal_pages(context.new_page(), base, camera, mails, bool(legal))
                console_pages(context.new_page(), base, camera)
            finally:
                browser.close()
            elsewhere = [url for url in asked if not url.startswith(base + "/")]
    finally:
        controller.stop()
    if elsewhere:
        raise SystemExit(f"error: pages asked other hosts: {elsewhere}")
    return camera.taken


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--legal", type=Path, action="append", default=[], help="official legal texts")
    parser.add_argument("--max-height", type=int, default=1800, help="cut long pages at this height (px)")
    args = parser.parse_args()
    legal: list[Path] = args.legal
    if not legal and os.environ.get("AUSKUNFT_LEGAL_DIR"):
        legal = [Path(os.environ["AUSKUNFT_LEGAL_DIR"])]
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"error: {CHROMIUM} is missing (apt-get install chromium)")
    args.out.mkdir(parents=True, exist_ok=True)
    taken = take(args.out, args.max_height, legal)
    if not legal:
        print("legal-article left out: give --legal PATH or set AUSKUNFT_LEGAL_DIR", file=sys.stderr)
    print(f"{len(taken)} screenshots in {args.out}")


if __name__ == "__main__":
    main()
