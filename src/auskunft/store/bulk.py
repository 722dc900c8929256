"""Bulk inserts straight through the database driver, for the ingest hot path.

SQLAlchemy's per-row parameter processing costs more than the database itself when a batch holds
thousands of rows, so the ingestor hands prepared tuples to the driver's `executemany`. Values are
converted here exactly as the column types in `tables.py` store them (checked by the test suite,
which reads every bulk-written row back through those types).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection


class BulkWriter:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        self._sql: dict[tuple[str, tuple[str, ...]], str] = {}
        self.datetime: Callable[[datetime], Any] = datetime_converter(connection.dialect.name)

    @staticmethod
    def json(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Insert `rows` into `table` (a name from tables.py), values in the order of `columns`."""
        if not rows:
            return
        key = (table, tuple(columns))
        sql = self._sql.get(key)
        if sql is None:
            marks = ", ".join([self._mark] * len(columns))
            sql = self._sql[key] = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - names from tables.py
        self._connection.exec_driver_sql(sql, rows)

    def select_in(self, sql: str, values: Sequence[Any], chunk: int = 5000) -> Iterator[tuple[Any, ...]]:
        """Rows of `sql`, whose one `{}` is filled with the placeholders of an IN list of `values`.

        SQLAlchemy renders and processes every value of an expanding IN parameter in Python; for the
        thousands of keys of a batch that costs more than the query.
        """
        for start in range(0, len(values), chunk):
            part = values[start : start + chunk]
            statement = sql.format(", ".join([self._mark] * len(part)))
            yield from self._connection.exec_driver_sql(statement, tuple(part))


def datetime_converter(dialect: str) -> Callable[[datetime], Any]:
    """How a time-zone aware datetime goes into a `UTCDateTime` column on `dialect`."""
    return sqlite_datetime if dialect == "sqlite" else naive_utc


def naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def sqlite_datetime(moment: datetime) -> str:
    """The text SQLAlchemy's SQLite DATETIME type stores: "YYYY-MM-DD HH:MM:SS.ffffff", in UTC."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(" ", "microseconds")
