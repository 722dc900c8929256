"""Bulk inserts straight through the database driver, for the ingest hot path.

SQLAlchemy's per-row parameter processing costs more than the database itself when a batch holds
thousands of rows, so the ingestor hands prepared tuples to the driver's `executemany`. Values are
converted here exactly as the column types in `tables.py` store them (checked by the test suite,
which reads every bulk-written row back through those types).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table


class BulkWriter:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._sqlite = connection.dialect.name == "sqlite"
        self._mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        self.datetime: Callable[[datetime], Any] = _sqlite_datetime if self._sqlite else _naive_utc

    @staticmethod
    def json(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def insert(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        marks = ", ".join([self._mark] * len(columns))
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - names from tables.py
        self._connection.exec_driver_sql(sql, rows)  # type: ignore[arg-type]


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _sqlite_datetime(moment: datetime) -> str:
    """The text SQLAlchemy's SQLite DATETIME type stores."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
