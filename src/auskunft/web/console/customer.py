"""The customer view: the five answers about one person on one screen, and the caller look-up.

Nothing of the person is shown before there is a reason: given in the form, or taken from the
conversation or request case the view was opened from (checked to belong to the person). Every view
goes through `Ledger.answer_subject` and is written to the audit trail with the user and the reason;
so is the Art. 15 letter (PDF) made from here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from sqlalchemy import or_, select
from starlette.responses import Response

from auskunft.answer.render import Format
from auskunft.answer.render import render as render_answer
from auskunft.channels.phone.lookup import caller_history
from auskunft.conversations import agent
from auskunft.domain.request_case import CaseState, urgency
from auskunft.errors import InvalidInput, NotFound
from auskunft.i18n import language
from auskunft.ledger import Actor, Ledger
from auskunft.requests import cases, overview
from auskunft.store import conversation_tables as ct
from auskunft.store import tables as t
from auskunft.web.auth.deps import ledger_of, require_role
from auskunft.web.auth.sessions import Session
from auskunft.web.auth.users import Role
from auskunft.web.console import flow
from auskunft.web.console.render import ConsoleRoute, page_language, render

Agent = Annotated[Session, require_role(Role.AGENT)]
Reason = Annotated[str, Form(max_length=500)]
MIN_REASON = 5


def _subject(ledger: Ledger, subject_id: int) -> int:
    """The live subject `subject_id` names (following a merge); NotFound for an unknown or erased one."""
    with ledger.engine.connect() as connection:
        for _ in range(10):
            row = connection.execute(
                select(t.Subject.merged_into_id, t.Subject.erased_at).where(t.Subject.id == subject_id)
            ).first()
            if row is None or row.erased_at is not None:
                raise NotFound(f"no person {subject_id}")
            if row.merged_into_id is None:
                return subject_id
            subject_id = row.merged_into_id
    raise NotFound(f"no person {subject_id}")


def _derived_reason(
    ledger: Ledger, subject_id: int, conversation: int | None, case: int | None
) -> str | None:
    """The context the view was opened from, if it really concerns this person."""
    with ledger.engine.connect() as connection:
        if conversation is not None:
            owner = connection.scalar(
                select(ct.Conversation.subject_id).where(ct.Conversation.id == conversation)
            )
            if owner == subject_id:
                return f"conversation {conversation}"
        if case is not None:
            owner = connection.scalar(select(ct.RequestCase.subject_id).where(ct.RequestCase.id == case))
            if owner == subject_id:
                return f"request case {case}"
    return None


def _checked_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON:
        raise InvalidInput(f"say why you open this person's data (at least {MIN_REASON} characters)")
    return reason


def _open_cases(ledger: Ledger, subject_id: int, conversation_ids: list[int]) -> list[overview.Listed]:
    """Open cases of the person, and those from their conversations whose requester is not verified yet."""
    today = cases.today(ledger)
    with ledger.engine.connect() as connection:
        rows = connection.execute(
            select(*cases._COLUMNS)
            .where(
                or_(
                    ct.RequestCase.subject_id == subject_id,
                    ct.RequestCase.conversation_id.in_(conversation_ids),
                ),
                ct.RequestCase.state.not_in([CaseState.ANSWERED.value, CaseState.REFUSED.value]),
            )
            .order_by(ct.RequestCase.due_on)
        )
        found = [cases._case(row) for row in rows]
    return [
        overview.Listed(
            case, urgency(case.state, case.due_on, today, overview.WARN_DAYS), (case.due_on - today).days
        )
        for case in found
    ]


def _view(request: Request, session: Session, subject_id: int, reason: str) -> Response:
    ledger = ledger_of(request)
    lang = page_language(request)
    answer = ledger.answer_subject(
        subject_id, lang, Actor(session.user.actor, f"console customer view: {reason}")
    )
    with ledger.engine.connect() as connection:
        conversations = agent.inbox(connection, status=None, subject_id=subject_id, limit=50)
    names = [r.value for r in answer.records if r.category == "user.name"]
    identifiers = answer.subject.identifiers if answer.subject else []
    title = names[-1] if names else (identifiers[0].value if identifiers else f"#{subject_id}")
    return render(
        request,
        "customer.html.j2",
        title="customer",
        subject_id=subject_id,
        name=title,
        a=answer,
        timeline=sorted(answer.records, key=lambda r: r.collected_at, reverse=True),
        flow=flow.layout(answer),
        purpose_labels={p.key: p.label for p in answer.purposes},
        open_cases=_open_cases(ledger, subject_id, [c.id for c in conversations]),
        conversations=conversations,
        reason=reason,
        now=datetime.now(UTC),
    )


def router() -> APIRouter:
    routes = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

    @routes.get("/subjects/{subject_id}")
    def customer(
        request: Request,
        session: Agent,
        subject_id: int,
        from_conversation: int | None = None,
        from_case: int | None = None,
    ) -> Response:
        ledger = ledger_of(request)
        subject_id = _subject(ledger, subject_id)
        reason = _derived_reason(ledger, subject_id, from_conversation, from_case)
        if reason is None:
            return render(request, "reason.html.j2", title="reason", subject_id=subject_id)
        return _view(request, session, subject_id, reason)

    @routes.post("/subjects/{subject_id}/view")
    def customer_with_reason(
        request: Request, session: Agent, subject_id: int, reason: Reason = ""
    ) -> Response:
        subject_id = _subject(ledger_of(request), subject_id)
        return _view(request, session, subject_id, _checked_reason(reason))

    @routes.post("/subjects/{subject_id}/answer.pdf")
    def answer_pdf(
        request: Request,
        session: Agent,
        subject_id: int,
        reason: Reason = "",
        lang: Annotated[str, Form(max_length=5)] = "",
    ) -> Response:
        ledger = ledger_of(request)
        subject_id = _subject(ledger, subject_id)
        actor = Actor(session.user.actor, f"console Art. 15 letter: {_checked_reason(reason)}")
        answer = ledger.answer_subject(subject_id, language(lang or page_language(request)), actor)
        pdf = render_answer(answer, Format.PDF)
        assert isinstance(pdf, bytes)
        stamp = datetime.now(UTC).strftime("%Y%m%d")
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="auskunft-{subject_id}-{stamp}.pdf"'},
        )

    @routes.get("/caller")
    def caller(
        request: Request, session: Agent, number: Annotated[str, Query(max_length=40)] = ""
    ) -> Response:
        number = number.strip()
        history = None
        error = None
        if number:
            try:
                history = caller_history(ledger_of(request), number, Actor(session.user.actor, "console"))
            except (InvalidInput, ValueError):
                error = "invalid_number"
        return render(
            request,
            "caller.html.j2",
            title="caller",
            number=number,
            history=history,
            error=error,
            now=datetime.now(UTC),
        )

    return routes
