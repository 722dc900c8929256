"""Handing out ids in blocks, so that the ingestor can write whole batches without RETURNING.

One row per table in `id_blocks` holds the next free id. Taking a block is one UPDATE of that row,
which both SQLite (database write lock) and PostgreSQL (row lock) serialise between concurrent
writers, so two ingestors never get the same ids. Ids of a block that is not used up are skipped;
gaps are harmless. Every insert into `subjects` and `ingest_events` goes through here.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from auskunft.store import tables as t

ALLOCATED = ("subjects", "ingest_events")


def take(connection: Connection, name: str, count: int) -> range:
    """`count` fresh ids for table `name`."""
    if count <= 0:
        return range(0)
    result = connection.execute(
        update(t.IdBlock)
        .where(t.IdBlock.name == name)
        .values(next_id=t.IdBlock.next_id + count)
        .returning(t.IdBlock.next_id)
    ).scalar_one_or_none()
    if result is None:
        raise LookupError(f"no id block for {name!r}; is the schema migrated?")
    end = int(result)
    return range(end - count, end)


class Allocator:
    """Ids for one table, taken from the database a block at a time."""

    def __init__(self, connection: Connection, name: str, block: int = 512) -> None:
        self._connection = connection
        self._name = name
        self._block = block
        self._free: range = range(0)
        self._next = 0

    def next(self) -> int:
        if self._next >= len(self._free):
            self._free = take(self._connection, self._name, self._block)
            self._next = 0
        value = self._free[self._next]
        self._next += 1
        return value


def seed(connection: Connection) -> None:
    """Create the block rows (used by the migration that introduces them)."""
    for name in ALLOCATED:
        exists = connection.scalar(select(t.IdBlock.name).where(t.IdBlock.name == name))
        if exists is None:
            connection.execute(insert(t.IdBlock).values(name=name, next_id=1))
