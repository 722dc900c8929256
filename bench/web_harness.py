"""What the web load benchmark drives the application with: `auskunft serve` as a separate process, an SMTP
server that catches the portal's sign-in codes, and a browser-like HTTP client that signs agents and
customers in through the real forms."""

from __future__ import annotations

import email
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession

HOST = "127.0.0.1"
AGENT, AGENT_PASSWORD = "anna.agentin", "demo-anna-2026"
"""The demo company's agent (auskunft.demo.users)."""


# -- the mail server that catches sign-in codes ----------------------------------------------------
class CodeCatcher:
    """aiosmtpd handler: the newest sign-in code mailed to each address."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}
        self.changed = threading.Condition()

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        raw = envelope.content
        message = email.message_from_bytes(raw if isinstance(raw, bytes) else str(raw).encode())
        body = message.get_payload(decode=True)
        found = re.search(rb"\b(\d{4} \d{4})\b", body if isinstance(body, bytes) else b"")
        if found:
            with self.changed:
                for to in envelope.rcpt_tos:
                    self.codes[to.lower()] = found[1].decode()
                self.changed.notify_all()
        return "250 OK"

    def take(self, address: str, timeout: float = 30.0) -> str:
        with self.changed:
            if not self.changed.wait_for(lambda: address.lower() in self.codes, timeout):
                raise SystemExit(f"no sign-in code arrived within {timeout} s")
            return self.codes.pop(address.lower())


# -- HTTP ------------------------------------------------------------------------------------------
SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


@dataclass(slots=True)
class Reply:
    status: int
    body: str
    headers: http.client.HTTPMessage
    server_ms: float
    client_ms: float


class Client:
    """One user's keep-alive connection with its cookies, as a browser would hold them."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"http://{HOST}:{port}"
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.reconnects = 0

    def _send(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> http.client.HTTPResponse:
        self.connection.request(method, path, body=body, headers=headers)
        return self.connection.getresponse()

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Reply:
        headers = {"Accept": "text/html", "Accept-Language": "de"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin}
        started = time.perf_counter()
        try:
            response = self._send(method, path, body, headers)
        except STALE:
            # The server closed the connection while it was idle (uvicorn's keep-alive timeout is 5 s), as
            # browsers also find; like them, send the request once more on a new connection.
            self.reconnects += 1
            self.connection.close()
            response = self._send(method, path, body, headers)
        data = response.read()
        client_ms = (time.perf_counter() - started) * 1000
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        timing = SERVER_TIMING.search(response.headers.get("Server-Timing", ""))
        server_ms = float(timing[1]) if timing else float("nan")
        return Reply(response.status, data.decode(errors="replace"), response.headers, server_ms, client_ms)

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> Reply:
        return self.request("POST", path, form)

    def close(self) -> None:
        self.connection.close()


def _csrf(reply: Reply) -> str:
    found = CSRF.search(reply.body)
    if found is None:
        raise SystemExit(f"no form token in a page (status {reply.status})")
    return found[1]


def _expect(reply: Reply, status: int, what: str) -> Reply:
    if reply.status != status:
        raise SystemExit(f"{what}: status {reply.status}, expected {status}")
    return reply


def sign_in_agent(port: int) -> tuple[Client, str]:
    """A console session of the demo agent through the login form; the client and its CSRF token."""
    client = Client(port)
    page = _expect(client.get("/console/login"), 200, "login form")
    token = re.search(r'name="login_token" value="([^"]+)"', page.body)
    if token is None:
        raise SystemExit("no login token on the login form")
    form = {"login": AGENT, "password": AGENT_PASSWORD, "login_token": token[1], "next": "/console/inbox"}
    _expect(client.post("/console/login", form), 303, "agent login")
    return client, _csrf(_expect(client.get("/console/inbox"), 200, "inbox"))


def sign_in_customer(port: int, catcher: CodeCatcher, address: str, marker: str) -> Client:
    """A portal session of the person `address` names, through the code mailed to them; the answer page
    after sign-in must hold `marker`."""
    client = Client(port)
    token = _csrf(_expect(client.get("/meine-daten"), 200, "portal sign-in page"))
    code_page = _expect(
        client.post("/meine-daten/code", {"address": address, "csrf_token": token}), 200, "code request"
    )
    code = catcher.take(address)
    form = {"address": address, "code": code, "csrf_token": _csrf(code_page)}
    _expect(client.post("/meine-daten/anmelden", form), 303, "portal sign-in")
    page = _expect(client.get("/meine-daten"), 200, "answer page")
    if marker not in page.body:
        raise SystemExit("the portal did not show the answer page after sign-in")
    return client


# -- the server ------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Server:
    """`auskunft serve` as a separate process: one uvicorn worker, plain HTTP on loopback."""

    def __init__(self, ledger: Path, key: str, smtp_port: int, log: Path) -> None:
        self.port = free_port()
        env = os.environ | {
            "AUSKUNFT_DATABASE_URL": f"sqlite:///{ledger}",
            "AUSKUNFT_INDEX_KEY": key,
            "AUSKUNFT_COOKIE_SECURE": "false",
            "AUSKUNFT_SMTP_HOST": HOST,
            "AUSKUNFT_SMTP_PORT": str(smtp_port),
            "AUSKUNFT_SMTP_SSL": "false",
            "AUSKUNFT_SMTP_STARTTLS": "false",
            "AUSKUNFT_MAIL_FROM": "service@beispiel-versand.example.de",
        }
        command = [str(Path(sys.executable).with_name("auskunft")), "serve", "--host", HOST]
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)], env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server stopped (exit {self.process.returncode}); see {self.log.name}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                connection.request("GET", "/console/login")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"the server did not answer within {timeout} s")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
