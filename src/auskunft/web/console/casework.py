"""Request cases in the console: the list by deadline, a case with its trail, and the decisions on it.

The decisions are those of `auskunft.requests` (verify the code, extend with a reason, refuse with a
reason, close with an outcome, send the Art. 15 answer and close); each is written to the case's trail
and the audit trail by the library. Opening a case page is audited too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from auskunft.conversations import outbox
from auskunft.conversations.service import audit
from auskunft.domain.request_case import MAX_EXTENSION_MONTHS, CaseState, urgency
from auskunft.errors import InvalidInput
from auskunft.ledger import Actor
from auskunft.requests import cases, decisions, overview
from auskunft.requests.kinds import RequestKind
from auskunft.web.auth.deps import ledger_of, require_role
from auskunft.web.auth.sessions import Session
from auskunft.web.auth.users import Role
from auskunft.web.console.render import ConsoleRoute, render

Agent = Annotated[Session, require_role(Role.AGENT)]
Text = Annotated[str, Form(max_length=2000)]
ANSWERABLE = (RequestKind.ACCESS, RequestKind.PORTABILITY)


def _back(case_id: int, done: str) -> Response:
    return RedirectResponse(f"/console/cases/{case_id}?done={done}", 303)


def router() -> APIRouter:
    routes = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

    @routes.get("/cases")
    def case_list(
        request: Request,
        _session: Agent,
        state: Annotated[str, Query(max_length=10)] = "open",
        kind: Annotated[str, Query(max_length=20)] = "",
    ) -> Response:
        if state not in ("open", "all"):
            raise InvalidInput("state is open or all")
        if kind and kind not in {k.value for k in RequestKind}:
            raise InvalidInput("unknown kind of request")
        ledger = ledger_of(request)
        with ledger.engine.connect() as connection:
            listed = overview.list_cases(
                connection, cases.today(ledger), open_only=state == "open", kind=kind or None
            )
        return render(
            request,
            "cases.html.j2",
            title="cases",
            listed=listed,
            state=state,
            kind=kind,
            kinds=[k.value for k in RequestKind],
        )

    @routes.get("/cases/{case_id}")
    def case_page(
        request: Request,
        session: Agent,
        case_id: int,
        done: Annotated[str | None, Query(max_length=20)] = None,
    ) -> Response:
        ledger = ledger_of(request)
        today = cases.today(ledger)
        with ledger.engine.begin() as connection:
            case = cases.get(connection, case_id)
            trail = overview.events(connection, case_id)
            audit(
                connection,
                Actor(session.user.actor, "console"),
                "case.viewed",
                case.subject_id,
                f"case {case_id}",
            )
        return render(
            request,
            "case.html.j2",
            title="case",
            case=case,
            trail=trail,
            urgency=urgency(case.state, case.due_on, today, overview.WARN_DAYS).value,
            days_left=(case.due_on - today).days,
            can_extend=not case.state.closed and case.extended_months < MAX_EXTENSION_MONTHS,
            months_left=MAX_EXTENSION_MONTHS - case.extended_months,
            can_answer=case.kind in ANSWERABLE
            and case.state is CaseState.IN_PROGRESS
            and case.subject_id is not None,
            can_verify=case.state in (CaseState.RECEIVED, CaseState.IDENTITY_CHECK),
            done=done,
        )

    @routes.post("/cases/{case_id}/verify")
    def verify(
        request: Request, session: Agent, case_id: int, code: Annotated[str, Form(max_length=20)] = ""
    ) -> Response:
        cases.verify(ledger_of(request), case_id, code, Actor(session.user.actor))
        return _back(case_id, "verified")

    @routes.post("/cases/{case_id}/extend")
    def extend(
        request: Request,
        session: Agent,
        case_id: int,
        months: Annotated[int, Form(ge=1, le=2)] = 1,
        reason: Text = "",
    ) -> Response:
        ledger = ledger_of(request)
        decisions.extend(
            ledger, case_id, months, reason, Actor(session.user.actor), outbox.smtp_mailer(ledger.settings)
        )
        return _back(case_id, "extended")

    @routes.post("/cases/{case_id}/refuse")
    def refuse(request: Request, session: Agent, case_id: int, reason: Text = "") -> Response:
        ledger = ledger_of(request)
        decisions.refuse(
            ledger, case_id, reason, Actor(session.user.actor), outbox.smtp_mailer(ledger.settings)
        )
        return _back(case_id, "refused")

    @routes.post("/cases/{case_id}/close")
    def close(request: Request, session: Agent, case_id: int, outcome: Text = "") -> Response:
        decisions.close(ledger_of(request), case_id, outcome, Actor(session.user.actor))
        return _back(case_id, "closed")

    @routes.post("/cases/{case_id}/answer")
    def send_answer(request: Request, session: Agent, case_id: int) -> Response:
        ledger = ledger_of(request)
        decisions.respond_access(
            ledger, case_id, Actor(session.user.actor), outbox.smtp_mailer(ledger.settings)
        )
        return _back(case_id, "answered")

    return routes
