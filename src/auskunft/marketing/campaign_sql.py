"""The queries of a campaign check, sent straight to the database driver.

For a million rows SQLAlchemy's per-row processing costs more than the database, so the rows come from
the driver as they are and only the values used are converted (`utc`, `json_value`). Every query can run
for the whole ledger or for the people or addresses of one chunk: `{and}` becomes an IN list then.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Connection

from auskunft.marketing.facts import OWN_SOURCES

IN_LIST = 500
"""Values in one IN list: SQLite probes long lists more slowly per value."""
IDENTIFIERS = "SELECT lookup, subject_id FROM identifiers WHERE kind = {m}{and}"
THIRD_PARTY_IDENTIFIERS = (
    "SELECT i.lookup, i.seen_at, s.kind, s.channel, s.name, s.detail FROM identifiers i "
    "JOIN sources s ON s.id = i.source_id WHERE i.kind = {m} AND s.kind NOT IN ({own}){and}"
)
SUPPRESSIONS = "SELECT lookup, at, reason FROM suppressions WHERE 1 = 1{and}"
CONSENTS = (  # one row per person: the events (action, at, method, wording version) joined into a string
    "SELECT c.subject_id, {events} FROM consents c JOIN consent_events e ON e.consent_id = c.id "
    "WHERE c.purpose = {m} AND c.channel = {m}{and} GROUP BY c.subject_id"
)
EVENTS = {
    "sqlite": "group_concat(e.action || char(31) || e.at || char(31) || coalesce(e.method, char(29)) "
    "|| char(31) || coalesce(e.wording_version, char(29)), char(30))",
    "postgresql": "string_agg(e.action || chr(31) || to_char(e.at, 'YYYY-MM-DD HH24:MI:SS.US') || chr(31) "
    "|| coalesce(e.method, chr(29)) || chr(31) || coalesce(e.wording_version, chr(29)), chr(30) "
    "ORDER BY e.id)",
}
OBJECTIONS = "SELECT subject_id, at, purpose, channel, via FROM objections WHERE 1 = 1{and} ORDER BY id"
ADDRESS_RECORDS = (
    "SELECT r.subject_id, r.value, r.collected_at, r.purposes, r.notice, s.kind, s.channel, s.name, s.detail "
    "FROM records r JOIN sources s ON s.id = r.source_id WHERE r.category = {m} AND {which}{and}"
)
FROM_THIRD_PARTIES = "s.kind NOT IN ({own})"
EMAIL_FROM_THIRD_PARTIES_OR_SALES = (  # only values with an '@' can be email addresses
    "(s.kind NOT IN ({own}) OR CAST(r.purposes AS TEXT) LIKE {m}) AND r.value LIKE {m}"
)


class Select:
    """Rows of the campaign queries on one connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        self.dialect = connection.dialect.name

    def __call__(
        self, sql: str, params: Sequence[Any], column: str = "", values: Sequence[Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """Rows of `sql` — all, or with `values` those whose `column` is one of them."""
        sql = sql.replace("{own}", ", ".join(["{m}"] * len(OWN_SOURCES)))
        if values is None:
            return self._fetch(sql.replace("{and}", "").replace("{m}", self._mark), params)
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(values), IN_LIST):
            part = values[start : start + IN_LIST]
            condition = f" AND {column} IN ({', '.join([self._mark] * len(part))})"
            rows += self._fetch(sql.replace("{and}", condition).replace("{m}", self._mark), [*params, *part])
        return rows

    def _fetch(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Rows straight from the driver, in the connection's transaction."""
        cursor = self._connection.connection.cursor()
        try:
            cursor.execute(sql, tuple(params))
            return cast("list[tuple[Any, ...]]", cursor.fetchall())  # psycopg and sqlite3: a list
        finally:
            cursor.close()


def consent_event(fields: list[str]) -> tuple[str, datetime, str | None, str | None]:
    """One consent event from the fields joined by `EVENTS` (U+001D stands for NULL)."""
    action, at, method, version = fields
    return action, utc_text(at), None if method == "\x1d" else method, None if version == "\x1d" else version


@lru_cache(maxsize=65_536)
def utc_text(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def utc(value: Any) -> datetime:
    """A `UTCDateTime` column as the driver returns it (SQLite: text; PostgreSQL: naive UTC) made aware."""
    if isinstance(value, str):
        return utc_text(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def json_value(value: Any) -> Any:
    """A JSON column as the driver returns it (SQLite: text; PostgreSQL: decoded)."""
    return json.loads(value) if isinstance(value, str) else value
