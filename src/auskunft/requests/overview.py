"""Cases by deadline: what is overdue, what is due this week, the warnings given before a deadline, and
the figures of the DPO dashboard (`figures`, `timeline`; read-only, no personal data).

A case counts as *closed* when it was answered or refused (both are the reply Art. 12(3) and (4) GDPR
require within the deadline); it was closed *in time* when the day it was closed (in the configured time
zone) is not after its deadline in force.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select, update

from auskunft.domain.request_case import CaseState, Urgency, urgency
from auskunft.ledger import Actor, Ledger
from auskunft.requests import cases
from auskunft.requests.cases import Case
from auskunft.store import conversation_tables as ct

WARN_DAYS = 7


@dataclass(frozen=True, slots=True)
class Listed:
    case: Case
    urgency: Urgency
    days_left: int


def list_cases(
    connection: Connection,
    today: date,
    *,
    open_only: bool = True,
    kind: str | None = None,
    due_within: int | None = None,
    limit: int = 500,
) -> list[Listed]:
    """Cases, the most urgent first."""
    query = select(*cases._COLUMNS).order_by(ct.RequestCase.due_on, ct.RequestCase.id).limit(limit)
    if open_only:
        query = query.where(ct.RequestCase.state.not_in([CaseState.ANSWERED.value, CaseState.REFUSED.value]))
    if kind:
        query = query.where(ct.RequestCase.kind == kind)
    if due_within is not None:
        query = query.where(ct.RequestCase.due_on <= date.fromordinal(today.toordinal() + due_within))
    listed = []
    for row in connection.execute(query):
        case = cases._case(row)
        listed.append(
            Listed(case, urgency(case.state, case.due_on, today, WARN_DAYS), (case.due_on - today).days)
        )
    return listed


def events(connection: Connection, case_id: int) -> list[tuple[str, str, str, dict[str, object]]]:
    """The case's trail: (time, actor, action, detail), oldest first."""
    rows = connection.execute(
        select(ct.CaseEvent.at, ct.CaseEvent.actor, ct.CaseEvent.action, ct.CaseEvent.detail)
        .where(ct.CaseEvent.case_id == case_id)
        .order_by(ct.CaseEvent.at, ct.CaseEvent.id)
    )
    return [(row.at.isoformat(timespec="seconds"), row.actor, row.action, row.detail) for row in rows]


def warn(ledger: Ledger, today: date, warn_days: int = WARN_DAYS) -> list[Listed]:
    """Record a warning on every open case due within `warn_days` or overdue, once per day.

    Returns the cases warned about (run daily, e.g. from cron: `auskunft requests warn`).
    """
    warned = []
    with ledger.engine.begin() as connection:
        for item in list_cases(connection, today, due_within=warn_days):
            if item.case.warned_on == today:
                continue
            connection.execute(
                update(ct.RequestCase).where(ct.RequestCase.id == item.case.id).values(warned_on=today)
            )
            cases.event(
                connection,
                item.case.id,
                Actor("system"),
                "deadline_warning",
                urgency=item.urgency.value,
                days_left=item.days_left,
                due_on=item.case.due_on.isoformat(),
            )
            warned.append(item)
    return warned


CLOSED_STATES = (CaseState.ANSWERED.value, CaseState.REFUSED.value)
Period = Literal["month", "week"]


@dataclass(frozen=True, slots=True)
class Figures:
    """The dashboard's numbers: counts of all cases, and the cases closed on or after `since`."""

    since: date
    by_kind_state: dict[str, dict[str, int]]
    """Every case by kind, then by state."""
    closed: int
    on_time: int
    median_days: float | None
    """Median calendar days from receipt to closing."""
    overdue: int
    due_soon: int
    """Open, not overdue, due within WARN_DAYS days."""

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.closed if self.closed else None

    @property
    def total(self) -> int:
        return sum(sum(states.values()) for states in self.by_kind_state.values())


def _local_day(moment: datetime, zone: ZoneInfo) -> date:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone).date()


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(UTC)


def _closed_since(connection: Connection, since: date, zone: ZoneInfo) -> list[tuple[date, date, date]]:
    """(received_on, due_on, local day closed) of the cases closed on or after `since`."""
    rc = ct.RequestCase
    rows = connection.execute(
        select(rc.received_on, rc.due_on, rc.closed_at).where(
            rc.state.in_(CLOSED_STATES), rc.closed_at >= _start_of(since, zone)
        )
    )
    return [(row.received_on, row.due_on, _local_day(row.closed_at, zone)) for row in rows if row.closed_at]


def figures(connection: Connection, today: date, since: date, zone: ZoneInfo) -> Figures:
    rc = ct.RequestCase
    by_kind_state: dict[str, dict[str, int]] = {}
    for kind, state, count in connection.execute(
        select(rc.kind, rc.state, func.count()).group_by(rc.kind, rc.state).order_by(rc.kind, rc.state)
    ):
        by_kind_state.setdefault(kind, {})[state] = int(count)
    still_open = rc.state.not_in(CLOSED_STATES)
    overdue = connection.scalar(select(func.count()).where(still_open, rc.due_on < today))
    due_soon = connection.scalar(
        select(func.count()).where(
            still_open, rc.due_on >= today, rc.due_on <= today + timedelta(days=WARN_DAYS)
        )
    )
    closed = _closed_since(connection, since, zone)
    days = [(closed_on - received_on).days for received_on, _, closed_on in closed]
    return Figures(
        since=since,
        by_kind_state=by_kind_state,
        closed=len(closed),
        on_time=sum(1 for _, due_on, closed_on in closed if closed_on <= due_on),
        median_days=float(statistics.median(days)) if days else None,
        overdue=int(overdue or 0),
        due_soon=int(due_soon or 0),
    )


@dataclass(frozen=True, slots=True)
class PeriodCount:
    start: date
    received: int
    closed: int


def period_start(day: date, period: Period) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _previous(start: date, period: Period) -> date:
    if period == "week":
        return start - timedelta(days=7)
    return (start - timedelta(days=1)).replace(day=1)


def timeline(
    connection: Connection, today: date, zone: ZoneInfo, period: Period = "month", count: int = 12
) -> list[PeriodCount]:
    """Cases received and closed in each of the last `count` months (or ISO weeks), oldest first."""
    starts = [period_start(today, period)]
    while len(starts) < count:
        starts.append(_previous(starts[-1], period))
    starts.reverse()
    received = dict.fromkeys(starts, 0)
    closed = dict.fromkeys(starts, 0)
    rc = ct.RequestCase
    for day, number in connection.execute(
        select(rc.received_on, func.count()).where(rc.received_on >= starts[0]).group_by(rc.received_on)
    ):
        key = period_start(day, period)
        if key in received:
            received[key] += int(number)
    for _, _, closed_on in _closed_since(connection, starts[0], zone):
        key = period_start(closed_on, period)
        if key in closed:
            closed[key] += 1
    return [PeriodCount(start, received[start], closed[start]) for start in starts]
