"""Fetching new mail from an IMAP mailbox, message by message, into the conversation service.

Which messages are new is decided by UID: the highest UID handed over is remembered per mailbox (user, host,
port, folder) and UIDVALIDITY in a small JSON file (`imap_state_file`), written after every message. Should
the file be lost or the server renumber the folder (a new UIDVALIDITY), the folder is read from the start
again and `receive` stores nothing twice — it is idempotent by Message-ID (or by the hash of a message
without one).
Messages are read with `BODY.PEEK[]` and so stay unread for people using the mailbox; with
`imap_processed_folder` set they are moved there once received (MOVE, else COPY + delete + expunge).
A message larger than `email_max_raw_bytes` is fetched only up to that many bytes (flagged oversized).
"""

from __future__ import annotations

import imaplib
import json
import os
import re
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from auskunft.channels.email.parse import Limits, parse
from auskunft.channels.email.summary import Summary
from auskunft.config import Settings
from auskunft.conversations import outbox
from auskunft.conversations.service import receive
from auskunft.errors import AuskunftError, ConfigurationError
from auskunft.ledger import Ledger

TIMEOUT_SECONDS = 60
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')


class FetchFailed(AuskunftError):
    """The IMAP server could not be reached, refused the login or the folder, or broke off."""


@dataclass(frozen=True, slots=True)
class Fetched:
    uid: int
    raw: bytes
    size: int
    """The full size of the message; more than len(raw) when it was fetched only in part."""
    arrived_at: datetime | None


class Mailbox:
    """One logged-in IMAP connection with the configured folder selected."""

    def __init__(self, settings: Settings) -> None:
        if not settings.imap_host or not settings.imap_user:
            raise ConfigurationError("AUSKUNFT_IMAP_HOST and AUSKUNFT_IMAP_USER must be set")
        self.port = settings.imap_port or (993 if settings.imap_ssl else 143)
        self.key = f"{settings.imap_user}@{settings.imap_host}:{self.port}/{settings.imap_folder}"
        self.where = f"{settings.imap_host}:{self.port}"
        password = settings.imap_password.get_secret_value() if settings.imap_password else ""
        context = ssl.create_default_context()
        try:
            if settings.imap_ssl:
                self.client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    settings.imap_host, self.port, ssl_context=context, timeout=TIMEOUT_SECONDS
                )
            else:
                self.client = imaplib.IMAP4(settings.imap_host, self.port, timeout=TIMEOUT_SECONDS)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise FetchFailed(
                f"cannot connect to the IMAP server {self.where}: {type(exc).__name__}"
            ) from None
        try:
            if settings.imap_starttls and not settings.imap_ssl:
                try:
                    self.client.starttls(ssl_context=context)
                except imaplib.IMAP4.error:
                    raise FetchFailed(
                        f"the IMAP server {self.where} offers no STARTTLS; not logging in in plain text"
                    ) from None
            self.client.login(settings.imap_user, password)
            status, _ = self.client.select(_quote(settings.imap_folder))
            if status != "OK":
                raise FetchFailed(f"the IMAP server {self.where} refused the folder {settings.imap_folder!r}")
            _, validity = self.client.response("UIDVALIDITY")
            self.uidvalidity = int(validity[0]) if validity and validity[0] else 0
        except imaplib.IMAP4.error as exc:
            self.close()
            raise FetchFailed(f"the IMAP server {self.where} refused: {_reason(exc)}") from None
        except (OSError, FetchFailed) as exc:
            self.close()
            if isinstance(exc, FetchFailed):
                raise
            raise FetchFailed(f"the IMAP server {self.where} broke off: {type(exc).__name__}") from None

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            if self.client.state == "SELECTED":
                self.client.close()
            self.client.logout()
        except (OSError, imaplib.IMAP4.error):
            pass  # the connection is gone already

    def uids_after(self, last: int) -> list[int]:
        data = self._ok(self.client.uid("SEARCH", f"UID {last + 1}:*"))
        found = [int(uid) for chunk in data if isinstance(chunk, bytes) for uid in chunk.split()]
        return sorted(uid for uid in found if uid > last)  # "N:*" names the last message even when < N

    def fetch(self, uid: int, max_bytes: int) -> Fetched | None:
        """The message `uid` (at most its first `max_bytes`); None if it has been deleted meanwhile."""
        head = b" ".join(
            part for item in self._ok(self.client.uid("FETCH", str(uid), "(RFC822.SIZE INTERNALDATE)"))
            for part in (item if isinstance(item, tuple) else (item,)) if isinstance(part, bytes)
        )  # fmt: skip
        if not head:
            return None
        size_match = _SIZE.search(head)
        size = int(size_match.group(1)) if size_match else 0
        item = "BODY.PEEK[]" if size <= max_bytes else f"BODY.PEEK[]<0.{max_bytes}>"
        literals = [
            entry[1] for entry in self._ok(self.client.uid("FETCH", str(uid), f"({item})"))
            if isinstance(entry, tuple) and len(entry) > 1 and isinstance(entry[1], bytes)
        ]  # fmt: skip
        if not literals:
            return None
        return Fetched(uid, literals[0], max(size, len(literals[0])), _internaldate(head))

    def move(self, uid: int, folder: str) -> None:
        target = _quote(folder)
        self.client.create(target)  # NO when it exists already: fine
        capabilities = {c.upper() for c in self.client.capabilities}
        if "MOVE" in capabilities:
            self._ok(self.client.uid("MOVE", str(uid), target))
            return
        self._ok(self.client.uid("COPY", str(uid), target))
        self._ok(self.client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)"))
        if "UIDPLUS" in capabilities:
            self._ok(self.client.uid("EXPUNGE", str(uid)))
        else:
            self._ok(self.client.expunge())

    def _ok(self, response: tuple[str, list[object]]) -> list[object]:
        status, data = response
        if status != "OK":
            raise FetchFailed(f"the IMAP server {self.where} answered {status}")
        return data


class State:
    """The last UID handed over, per mailbox and UIDVALIDITY, in a JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            loaded = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            loaded = {}
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"cannot read the IMAP state file {path}: {exc}") from None
        self.mailboxes: dict[str, dict[str, int]] = loaded if isinstance(loaded, dict) else {}

    def last_uid(self, key: str, uidvalidity: int) -> int:
        entry = self.mailboxes.get(key, {})
        return int(entry.get("last_uid", 0)) if entry.get("uidvalidity") == uidvalidity else 0

    def remember(self, key: str, uidvalidity: int, uid: int) -> None:
        self.mailboxes[key] = {"uidvalidity": uidvalidity, "last_uid": uid}
        partial = self.path.with_name(self.path.name + ".tmp")
        partial.write_text(json.dumps(self.mailboxes, indent=2, sort_keys=True), "utf-8")
        os.replace(partial, self.path)


def fetch(ledger: Ledger, settings: Settings | None = None, mailer: outbox.Mailer | None = None) -> Summary:
    """Hand every message that is new in the mailbox to the conversation service (one poll).

    `mailer`: sends acknowledgements of recognised requests; default: SMTP when configured. A message the
    service cannot take stops the poll (it is fetched again next time); everything before it is done.
    """
    settings = settings or ledger.settings
    mailer = mailer if mailer is not None else outbox.smtp_mailer(settings)
    limits = Limits.of(settings)
    state = State(settings.imap_state_file)
    summary = Summary()
    with Mailbox(settings) as box:
        for uid in box.uids_after(state.last_uid(box.key, box.uidvalidity)):
            fetched = box.fetch(uid, limits.max_raw_bytes)
            if fetched is not None:
                inbound = parse(fetched.raw, limits, arrived_at=fetched.arrived_at, size=fetched.size)
                try:
                    summary.add(inbound, receive(ledger, inbound, mailer))
                except AuskunftError as exc:
                    summary.errors.append(f"{settings.imap_folder} UID {uid}: {exc}")
                    break
                if settings.imap_processed_folder:
                    box.move(uid, settings.imap_processed_folder)
            state.remember(box.key, box.uidvalidity, uid)
    return summary


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _internaldate(head: bytes) -> datetime | None:
    match = _INTERNALDATE.search(head)
    if not match:
        return None
    try:
        return datetime.strptime(match.group(1).decode("ascii").strip(), "%d-%b-%Y %H:%M:%S %z").astimezone(
            UTC
        )
    except ValueError:
        return None


def _reason(exc: imaplib.IMAP4.error) -> str:
    """The server's words without anything that could name a person (they quote no addresses, but be sure)."""
    text = str(exc)
    return "login refused" if "auth" in text.lower() or "login" in text.lower() else text[:120]
