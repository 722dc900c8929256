"""Importing saved mail: one .eml file, a folder of .eml (and .mbox) files, or an .mbox file.

Every message goes through the same `parse` and `receive` as fetched mail, so an import can be repeated
(stored once) and files that cannot be read are reported while the rest is imported. An import sends no
mail: a request found in an old archive gets no acknowledgement from it.
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from auskunft.channels.email.parse import Limits, parse
from auskunft.channels.email.summary import Summary
from auskunft.conversations.service import receive
from auskunft.errors import AuskunftError, NotFound
from auskunft.ledger import Ledger

MBOX_SUFFIXES = (".mbox", ".mbx")


class _Unreadable(Exception):
    """A file or message that yields no bytes at all; reported, the import goes on."""


def import_path(ledger: Ledger, path: Path, limits: Limits | None = None) -> Summary:
    """Import the mail at `path` (see the module docstring); NotFound when there is nothing at `path`."""
    limits = limits or Limits.of(ledger.settings)
    if not path.exists():
        raise NotFound(f"{path} does not exist")
    summary = Summary()
    for where, item in _messages(path, limits.max_raw_bytes):
        if isinstance(item, _Unreadable):
            summary.errors.append(f"{where}: {item}")
            continue
        raw, size, arrived = item
        inbound = parse(raw, limits, arrived_at=arrived, size=size)
        try:
            summary.add(inbound, receive(ledger, inbound))
        except AuskunftError as exc:
            summary.errors.append(f"{where}: {exc}")
    return summary


_Item = tuple[bytes, int, datetime | None] | _Unreadable


def _messages(path: Path, max_bytes: int) -> Iterator[tuple[str, _Item]]:
    if path.is_dir():
        files = sorted(
            p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".eml", *MBOX_SUFFIXES)
        )
        if not files:
            yield str(path), _Unreadable("no .eml or .mbox files in this folder")
        for file in files:
            yield from _messages(file, max_bytes)
    elif _is_mbox(path):
        yield from _mbox(path)
    else:
        yield str(path), _eml(path, max_bytes)


def _is_mbox(path: Path) -> bool:
    if path.suffix.lower() in MBOX_SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"From "
    except OSError:
        return False


def _eml(path: Path, max_bytes: int) -> _Item:
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            raw = handle.read(max_bytes)
    except OSError as exc:
        return _Unreadable(f"cannot read: {exc.strerror}")
    if not raw.strip():
        return _Unreadable("empty file")
    return raw, size, None


def _mbox(path: Path) -> Iterator[tuple[str, _Item]]:
    try:
        box = mailbox.mbox(path, create=False)
        keys = box.keys()
    except (OSError, mailbox.Error) as exc:
        yield str(path), _Unreadable(f"not a readable mbox file: {exc}")
        return
    try:
        for number, key in enumerate(keys, 1):
            where = f"{path} message {number}"
            try:
                from_line, _, raw = box.get_bytes(key, from_=True).partition(b"\n")
            except (OSError, mailbox.Error, KeyError) as exc:
                yield where, _Unreadable(f"cannot read: {exc}")
                continue
            if not raw.strip():
                yield where, _Unreadable("empty message")
                continue
            yield where, (raw, len(raw), _from_line_date(from_line))
    finally:
        box.close()


def _from_line_date(from_line: bytes) -> datetime | None:
    """When the mbox says the message arrived ("From sender Mon Nov  3 10:15:00 2025"), as UTC."""
    parts = from_line.decode("ascii", "replace").split()
    try:
        return datetime.strptime(" ".join(parts[-5:]), "%a %b %d %H:%M:%S %Y").replace(tzinfo=UTC)
    except ValueError:
        return None
