"""Reading the timestamps of events: ISO 8601 dates or date-times, always made time-zone aware."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Instant:
    """A point in time in UTC, and whether the source only gave a date."""

    at: datetime
    date_only: bool = False


def parse_instant(text: str, tz: str = "Europe/Berlin") -> Instant:
    """An ISO 8601 date ("2025-02-10") or date-time; naive values are read in `tz`.

    A date alone means the start of that day in `tz`. ValueError if `text` is neither.
    """
    text = text.strip()
    if len(text) == 10:
        day = date.fromisoformat(text)
        local = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz))
        return Instant(local.astimezone(UTC), date_only=True)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return Instant(moment.astimezone(UTC))


def local(moment: datetime, tz: str = "Europe/Berlin") -> datetime:
    return moment.astimezone(ZoneInfo(tz))
