"""Queues: the departments that work conversations, each with its address and first-response time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from auskunft.errors import InvalidInput, NotFound
from auskunft.store import conversation_tables as ct
from auskunft.store.ids import inserted_id

DEFAULT_QUEUE = "kundenservice"


@dataclass(frozen=True, slots=True)
class QueueSpec:
    key: str
    name_de: str
    name_en: str
    address: str | None = None
    """Mail to this address lands in the queue (lower-case)."""
    first_response_hours: int = 24


DEFAULT_QUEUES = (
    QueueSpec("kundenservice", "Kundenservice", "Customer service", None, 24),
    QueueSpec("technik", "Technik", "Technical support", None, 24),
    QueueSpec("buchhaltung", "Buchhaltung", "Accounts", None, 48),
    QueueSpec("datenschutz", "Datenschutz", "Data protection", None, 72),
)
"""Created on first use; `auskunft queue set` changes them and adds further ones."""


def ensure_defaults(connection: Connection) -> None:
    if connection.scalar(select(func.count()).select_from(ct.Queue)):
        return
    for spec in DEFAULT_QUEUES:
        save(connection, spec)


def save(connection: Connection, spec: QueueSpec) -> int:
    """Create or change a queue; returns its id."""
    if not spec.key.strip() or not spec.key.isascii():
        raise InvalidInput("a queue key is a short ASCII word, e.g. kundenservice")
    if spec.first_response_hours < 1:
        raise InvalidInput("the first-response time is at least one hour")
    values = {
        "name": {"de": spec.name_de, "en": spec.name_en},
        "address": spec.address.strip().lower() if spec.address else None,
        "first_response_hours": spec.first_response_hours,
    }
    existing = connection.scalar(select(ct.Queue.id).where(ct.Queue.key == spec.key))
    if existing is not None:
        connection.execute(update(ct.Queue).where(ct.Queue.id == existing).values(**values))
        return int(existing)
    return inserted_id(connection.execute(insert(ct.Queue).values(key=spec.key, **values)))


@dataclass(frozen=True, slots=True)
class Queue:
    id: int
    key: str
    name: dict[str, str]
    address: str | None
    first_response_hours: int

    def label(self, lang: str) -> str:
        return self.name.get(lang) or self.name.get("de") or self.key


_QUEUE = select(ct.Queue.id, ct.Queue.key, ct.Queue.name, ct.Queue.address, ct.Queue.first_response_hours)


def _one(connection: Connection, where: Any) -> Queue | None:
    row = connection.execute(_QUEUE.where(where)).first()
    return Queue(*row) if row is not None else None


def route(connection: Connection, key: str | None, to: str | None) -> Queue:
    """The queue named by `key`, else the one whose address `to` is, else the default queue."""
    ensure_defaults(connection)
    if key is not None:
        return by_key(connection, key)
    if to:
        queue = _one(connection, ct.Queue.address == to.strip().lower())
        if queue is not None:
            return queue
    return by_key(connection, DEFAULT_QUEUE)


def by_key(connection: Connection, key: str) -> Queue:
    ensure_defaults(connection)
    queue = _one(connection, ct.Queue.key == key)
    if queue is None:
        raise NotFound(f"no queue {key!r}")
    return queue


def by_id(connection: Connection, queue_id: int) -> Queue:
    queue = _one(connection, ct.Queue.id == queue_id)
    if queue is None:
        raise NotFound(f"no queue {queue_id}")
    return queue


def all_queues(connection: Connection) -> list[Queue]:
    ensure_defaults(connection)
    return [Queue(*row) for row in connection.execute(_QUEUE.order_by(ct.Queue.id))]
