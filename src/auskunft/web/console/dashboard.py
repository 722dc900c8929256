"""The DPO dashboard: request cases by kind and state, deadlines kept, time to answer, the chart over
time, and the contacts the FAQ avoided. Counts only: no person appears on this page.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from auskunft.domain.retention import add_months
from auskunft.i18n import translations
from auskunft.knowledge.faq import feedback
from auskunft.requests import cases, overview
from auskunft.requests.kinds import RequestKind
from auskunft.requests.overview import Period, PeriodCount
from auskunft.web.auth.deps import ledger_of, require_role
from auskunft.web.auth.sessions import Session
from auskunft.web.auth.users import Role
from auskunft.web.console import chart
from auskunft.web.console.render import ConsoleRoute, page_language, render

STATES = ("received", "identity_check", "in_progress", "answered", "refused")


def _label(start: date, period: Period, lang: str) -> str:
    if period == "week":
        week = start.isocalendar().week
        return f"KW {week}" if lang == "de" else f"W{week}"
    return format_date(start, "MMM yy", locale=lang)


def _description(columns: list[chart.Column], period: Period, lang: str) -> str:
    _ = translations(lang).gettext
    received = sum(c.received for c in columns)
    closed = sum(c.closed for c in columns)
    first, last = columns[0].label, columns[-1].label
    text = _("Request cases received and closed per month, %(first)s to %(last)s.")
    if period == "week":
        text = _("Request cases received and closed per week, %(first)s to %(last)s.")
    totals = _("In total %(received)d received and %(closed)d closed.")
    return f"{text % {'first': first, 'last': last}} {totals % {'received': received, 'closed': closed}}"


def _kinds(by_kind_state: dict[str, dict[str, int]]) -> list[str]:
    known = [kind.value for kind in RequestKind]
    return [k for k in known if k in by_kind_state] + sorted(set(by_kind_state) - set(known))


def router() -> APIRouter:
    routes = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

    @routes.get("/dashboard")
    def dashboard(
        request: Request,
        _session: Annotated[Session, require_role(Role.DPO)],
        period: Annotated[Period, Query()] = "month",
    ) -> Response:
        ledger = ledger_of(request)
        lang = page_language(request)
        today = cases.today(ledger)
        zone = ZoneInfo(ledger.settings.timezone)
        since = add_months(today, -12) + timedelta(days=1)
        with ledger.engine.connect() as connection:
            figures = overview.figures(connection, today, since, zone)
            periods: list[PeriodCount] = overview.timeline(connection, today, zone, period)
            avoided = feedback.contacts_avoided(connection, since, today)
        share, median = figures.on_time_share, figures.median_days
        columns = [chart.Column(_label(p.start, period, lang), p.received, p.closed) for p in periods]
        return render(
            request,
            "dashboard.html.j2",
            title="dashboard",
            figures=figures,
            kinds=_kinds(figures.by_kind_state),
            states=STATES,
            state_totals={s: sum(row.get(s, 0) for row in figures.by_kind_state.values()) for s in STATES},
            chart=chart.layout(columns),
            columns=columns,
            chart_desc=_description(columns, period, lang),
            period=period,
            avoided=avoided,
            today=today,
            share=format_percent(share, "#,##0 %" if lang == "de" else "#,##0%", locale=lang)
            if share is not None
            else "–",
            median=format_decimal(median, "#,##0.#", locale=lang) if median is not None else "–",
        )

    return routes
