"""Pages beyond the agents' work: the audit trail (DPO and admin) and the users (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from auskunft.errors import Conflict
from auskunft.store import tables as t
from auskunft.web.auth import users
from auskunft.web.auth.deps import ledger_of, require_role
from auskunft.web.auth.sessions import Session
from auskunft.web.auth.users import Role
from auskunft.web.console.render import ConsoleRoute, render

AUDIT_ROWS = 200


def router() -> APIRouter:
    routes = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

    @routes.get("/audit")
    def audit_trail(request: Request, _session: Annotated[Session, require_role(Role.DPO)]) -> Response:
        with ledger_of(request).engine.connect() as connection:
            rows = connection.execute(
                select(
                    t.AuditEntry.at,
                    t.AuditEntry.actor,
                    t.AuditEntry.action,
                    t.AuditEntry.subject_id,
                    t.AuditEntry.reason,
                )
                .order_by(t.AuditEntry.id.desc())
                .limit(AUDIT_ROWS)
            ).all()
        return render(request, "audit.html.j2", title="audit", rows=rows)

    @routes.get("/users")
    def user_list(request: Request, _session: Annotated[Session, require_role(Role.ADMIN)]) -> Response:
        with ledger_of(request).engine.connect() as connection:
            found = users.all_users(connection)
        return render(request, "users.html.j2", title="users", users=found)

    @routes.post("/users/{login}/active")
    def set_active(
        request: Request,
        session: Annotated[Session, require_role(Role.ADMIN)],
        login: str,
        active: Annotated[bool, Form()] = False,
    ) -> Response:
        if users.normalise_login(login) == session.user.login and not active:
            raise Conflict("you cannot disable yourself")
        with ledger_of(request).engine.begin() as connection:
            users.set_active(connection, login, active)
        return RedirectResponse("/console/users", 303)

    return routes
