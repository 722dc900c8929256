"""Real mail servers for the email-channel tests: a private dovecot (IMAP) and an aiosmtpd (SMTP) on loopback.

A test module takes a fixture over by name: `mailbox = email_servers.mailbox`.
dovecot must be installed (Debian: dovecot-imapd; `.ci/run` installs it): the fixture fails, it never skips.
It runs as the current user; as root, its login processes run as dovenull/dovecot (dovecot refuses root
there) and the mail belongs to `nobody`, in a directory under /tmp those users can reach.
"""

from __future__ import annotations

import email
import email.policy
import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from auskunft.config import Settings

PASSWORD = "secret-for-tests"
_USER_BATCH = 100
LOCALHOST = "127.0.0.1"


def with_values(settings: Settings, **values: object) -> Settings:
    """A copy of `settings` with `values`, validated (secrets become SecretStr, paths Path)."""
    return Settings(**(settings.model_dump() | values))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOCALHOST, 0))
        return int(probe.getsockname()[1])


def _dovecot_binary() -> str:
    found = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
    if found is None:
        pytest.fail("dovecot is not installed (apt-get install dovecot-imapd); the email tests need it")
    return found


@dataclass
class Dovecot:
    port: int
    passwd: Path
    log: Path
    free_users: list[str] = field(default_factory=list)

    def add_user(self) -> str:
        """A user with an empty mailbox of its own.

        Users are written to the passwd file in batches: dovecot re-reads the file when its modification time
        changes, which it cannot notice for two changes within the same second.
        """
        if not self.free_users:
            batch = [f"u{uuid.uuid4().hex[:12]}" for _ in range(_USER_BATCH)]
            with self.passwd.open("a") as handle:
                handle.writelines(f"{user}:{{PLAIN}}{PASSWORD}::::::\n" for user in batch)
            stamp = time.time() + 2  # surely another second than the file's last change
            os.utime(self.passwd, (stamp, stamp))
            self.free_users = batch
        return self.free_users.pop()


def _config(base: Path, port: int) -> str:
    if os.geteuid() == 0:  # dovecot runs no login process as root and stores no mail for uid 0
        login, internal = "dovenull", "dovecot"
        owner = pwd.getpwnam("nobody")
    else:
        owner = pwd.getpwuid(os.geteuid())
        login = internal = owner.pw_name
    os.chown(base / "mail", owner.pw_uid, owner.pw_gid)
    return f"""
base_dir = {base}/run
state_dir = {base}/state
instance_name = auskunft-test-{port}
log_path = {base}/dovecot.log
listen = {LOCALHOST}
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{base}/mail/%u
default_login_user = {login}
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = static
  args = uid={owner.pw_uid} gid={owner.pw_gid} home={base}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {LOCALHOST}
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  chroot =
}}
"""


def _wait_for_greeting(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection((LOCALHOST, port), timeout=2) as connection:
                if connection.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    log_text = log.read_text(errors="replace") if log.exists() else "(no log)"
    pytest.fail(f"dovecot did not start on port {port}:\n{log_text}")


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """One private dovecot for the session, on a free loopback port, with its own directories."""
    binary = _dovecot_binary()
    base = Path(tempfile.mkdtemp(prefix="auskunft-dovecot-"))
    try:
        base.chmod(0o755)  # the unprivileged dovecot processes must reach their sockets and the mail
        for name in ("run", "state", "mail"):
            (base / name).mkdir()
        passwd = base / "passwd"
        passwd.write_text("")
        port = free_port()
        (base / "dovecot.conf").write_text(_config(base, port))
        log = base / "dovecot.log"
        with (base / "stderr.log").open("wb") as stderr:
            process = subprocess.Popen(  # a fixed binary and a config file we wrote
                [binary, "-F", "-c", str(base / "dovecot.conf")], stdout=stderr, stderr=stderr
            )
        try:
            _wait_for_greeting(port, process, log)
            yield Dovecot(port, passwd, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        shutil.rmtree(base, ignore_errors=True)


@dataclass
class Mailbox:
    """One user's mailbox at the test dovecot."""

    server: Dovecot
    user: str

    def connect(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(LOCALHOST, self.server.port, timeout=30)
        try:
            client.login(self.user, PASSWORD)
        except BaseException:
            client.shutdown()
            raise
        return client

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """Deliver `raw` into the mailbox with IMAP APPEND."""
        client = self.connect()
        try:
            status, data = client.append(folder, "", None, raw)
            assert status == "OK", data
        finally:
            client.logout()

    def count(self, folder: str = "INBOX") -> int:
        client = self.connect()
        try:
            status, data = client.select(f'"{folder}"', readonly=True)
            return int(data[0] or 0) if status == "OK" else 0
        finally:
            client.logout()

    def configure(self, settings: Settings, tmp_path: Path, **more: object) -> Settings:
        """`settings` pointed at this mailbox (plain IMAP on loopback) with the state file in tmp_path."""
        values: dict[str, object] = {
            "imap_host": LOCALHOST,
            "imap_port": self.server.port,
            "imap_user": self.user,
            "imap_password": PASSWORD,
            "imap_ssl": False,
            "imap_starttls": False,
            "imap_state_file": tmp_path / "imap-state.json",
        }
        return with_values(settings, **(values | more))

    def environment(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        """The same for the CLI, through the environment."""
        for name, value in {
            "IMAP_HOST": LOCALHOST,
            "IMAP_PORT": str(self.server.port),
            "IMAP_USER": self.user,
            "IMAP_PASSWORD": PASSWORD,
            "IMAP_SSL": "false",
            "IMAP_STATE_FILE": str(tmp_path / "imap-state.json"),
        }.items():
            monkeypatch.setenv(f"AUSKUNFT_{name}", value)


@pytest.fixture
def mailbox(dovecot: Dovecot) -> Mailbox:
    """An empty mailbox of its own for each test."""
    return Mailbox(dovecot, dovecot.add_user())


class _Collector:
    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


def message_of(envelope: Envelope) -> EmailMessage:
    """The message an envelope carries, parsed (aiosmtpd types the content as bytes or str)."""
    content = envelope.content
    assert isinstance(content, bytes)
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


@dataclass
class SmtpServer:
    port: int
    collector: _Collector

    @property
    def received(self) -> list[Envelope]:
        return self.collector.envelopes

    def configure(self, settings: Settings, **more: object) -> Settings:
        values: dict[str, object] = {
            "smtp_host": LOCALHOST,
            "smtp_port": self.port,
            "smtp_ssl": False,
            "smtp_starttls": False,
            "mail_from": "service@beispiel-versand.de",
        }
        return with_values(settings, **(values | more))


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """An aiosmtpd server on a free loopback port that keeps every message it is given."""
    collector = _Collector()
    controller = Controller(collector, hostname=LOCALHOST, port=free_port())
    controller.start()
    try:
        yield SmtpServer(controller.port, collector)
    finally:
        controller.stop()
