"""The inbox by queue and the conversation page with its actions (reply, note, assign, status, move).

Thin: each route reads its input, calls `auskunft.conversations.agent`, and renders or redirects. Opening
a conversation is audited (`agent.show`); so is every action.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from sqlalchemy import func, select
from starlette.responses import RedirectResponse, Response

from auskunft.conversations import agent, outbox, queues
from auskunft.conversations.model import Status
from auskunft.errors import InvalidInput
from auskunft.ledger import Actor
from auskunft.requests import cases as request_cases
from auskunft.store import conversation_tables as ct
from auskunft.web.auth import users
from auskunft.web.auth.deps import ledger_of, require_role
from auskunft.web.auth.sessions import Session
from auskunft.web.auth.users import Role
from auskunft.web.console.render import ConsoleRoute, render

Agent = Annotated[Session, require_role(Role.AGENT)]
STATUSES = ("open", "pending", "closed", "all")
TEXT = 100_000


def _back(conversation_id: int, done: str) -> Response:
    return RedirectResponse(f"/console/conversations/{conversation_id}?done={done}", 303)


def router() -> APIRouter:
    routes = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

    @routes.get("/")
    def home(_session: Agent) -> Response:
        return RedirectResponse("/console/inbox", 303)

    @routes.get("/inbox")
    def inbox(
        request: Request,
        session: Agent,
        queue: Annotated[str | None, Query(max_length=50)] = None,
        status: Annotated[str, Query(max_length=10)] = "open",
        mine: bool = False,
    ) -> Response:
        if status not in STATUSES:
            raise InvalidInput(f"status is one of {', '.join(STATUSES)}")
        ledger = ledger_of(request)
        with ledger.engine.begin() as connection:
            all_queues = queues.all_queues(connection)
            if queue and queue not in {q.key for q in all_queues}:
                raise InvalidInput("no such queue")
            rows = agent.inbox(
                connection,
                queue=queue or None,
                status=None if status == "all" else status,
                assignee=session.user.login if mine else None,
            )
            counts = dict(
                connection.execute(
                    select(ct.Conversation.queue_id, func.count())
                    .where(ct.Conversation.status == Status.OPEN.value)
                    .group_by(ct.Conversation.queue_id)
                ).all()
            )
        return render(
            request,
            "inbox.html.j2",
            title="inbox",
            queues=all_queues,
            counts=counts,
            queue=queue or "",
            status=status,
            mine=mine,
            rows=rows,
            queue_names={q.key: q for q in all_queues},
            now=datetime.now(UTC),
        )

    @routes.get("/conversations/{conversation_id}")
    def conversation(
        request: Request,
        session: Agent,
        conversation_id: int,
        done: Annotated[str | None, Query(max_length=20)] = None,
    ) -> Response:
        ledger = ledger_of(request)
        view = agent.show(ledger, conversation_id, Actor(session.user.actor, "console"))
        with ledger.engine.connect() as connection:
            all_queues = queues.all_queues(connection)
            linked = [request_cases.get(connection, case_id) for case_id in view.case_ids]
            ref = agent.subject_ref(connection, view.subject_id) if view.subject_id else None
            colleagues = [u for u in users.all_users(connection) if u.active]
        return render(
            request,
            "conversation.html.j2",
            title="conversation",
            c=view,
            queues=all_queues,
            queue_names={q.key: q for q in all_queues},
            cases=linked,
            customer=next(iter(ref.values())) if ref else None,
            colleagues=colleagues,
            statuses=[s.value for s in Status],
            done=done,
            now=datetime.now(UTC),
            can_send=outbox.smtp_mailer(ledger.settings) is not None,
        )

    @routes.post("/conversations/{conversation_id}/reply")
    def reply(
        request: Request,
        session: Agent,
        conversation_id: int,
        body: Annotated[str, Form(max_length=TEXT)] = "",
    ) -> Response:
        ledger = ledger_of(request)
        agent.write(
            ledger,
            conversation_id,
            body,
            Actor(session.user.actor),
            mailer=outbox.smtp_mailer(ledger.settings),
        )
        return _back(conversation_id, "reply")

    @routes.post("/conversations/{conversation_id}/note")
    def note(
        request: Request,
        session: Agent,
        conversation_id: int,
        body: Annotated[str, Form(max_length=TEXT)] = "",
    ) -> Response:
        agent.write(ledger_of(request), conversation_id, body, Actor(session.user.actor), note=True)
        return _back(conversation_id, "note")

    @routes.post("/conversations/{conversation_id}/assign")
    def assign(
        request: Request,
        session: Agent,
        conversation_id: int,
        assignee: Annotated[str, Form(max_length=100)] = "",
    ) -> Response:
        ledger = ledger_of(request)
        chosen: str | None = None
        if assignee:
            with ledger.engine.connect() as connection:
                chosen = users.by_login(connection, assignee).login
        agent.assign(ledger, conversation_id, chosen, Actor(session.user.actor))
        return _back(conversation_id, "assign")

    @routes.post("/conversations/{conversation_id}/status")
    def set_status(
        request: Request,
        session: Agent,
        conversation_id: int,
        status: Annotated[str, Form(max_length=20)] = "",
    ) -> Response:
        try:
            chosen = Status(status)
        except ValueError:
            raise InvalidInput("unknown status") from None
        agent.set_status(ledger_of(request), conversation_id, chosen, Actor(session.user.actor))
        return _back(conversation_id, "status")

    @routes.post("/conversations/{conversation_id}/move")
    def move(
        request: Request,
        session: Agent,
        conversation_id: int,
        queue: Annotated[str, Form(max_length=50)] = "",
    ) -> Response:
        agent.move(ledger_of(request), conversation_id, queue, Actor(session.user.actor))
        return _back(conversation_id, "move")

    return routes
