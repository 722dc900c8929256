"""Cases by deadline: what is overdue, what is due this week, and the warnings given before a deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select, update

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
