"""`/console/login`, `/console/logout` and the language switch of the console.

The login page sets no cookie; only a successful login does. A failed login says the same whether the
name is unknown, the password wrong or the user disabled. Failures count towards the rate limit by login
name and by client address (`ratelimit.py`); over the limit the answer is 429 with `Retry-After`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from auskunft.i18n import language
from auskunft.web.auth import csrf, sessions, users
from auskunft.web.auth.deps import (
    CsrfRefused,
    TooManyAttempts,
    ledger_of,
    limiter_of,
    require_role,
    session_token,
)
from auskunft.web.auth.sessions import Session
from auskunft.web.auth.users import Role
from auskunft.web.console.render import LOGIN_PATH, ConsoleRoute, render

HOME = "/console/inbox"


def safe_next(target: str | None) -> str:
    """Where to go after login: a console path of ours, never another site."""
    if target and target.startswith("/console") and not target.startswith("//") and "\\" not in target:
        return target
    return HOME


def _login_key(request: Request) -> bytes:
    return ledger_of(request).index.subkey("console-login-form")


def _login_page(
    request: Request,
    status: int = 200,
    *,
    error: str | None = None,
    next_: str | None = None,
    login: str = "",
    lang: str | None = None,
) -> Response:
    return render(
        request,
        "login.html.j2",
        status,
        lang=language(lang or request.query_params.get("lang")),
        login_token=csrf.login_token(_login_key(request)),
        next=safe_next(next_ or request.query_params.get("next")),
        error=error,
        login=login,
    )


def router() -> APIRouter:
    routes = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

    @routes.get("/login")
    def login_form(request: Request) -> Response:
        return _login_page(request)

    @routes.post("/login")
    async def login(
        request: Request,
        login: Annotated[str, Form(max_length=200)] = "",
        password: Annotated[str, Form(max_length=2000)] = "",
        login_token: Annotated[str, Form(max_length=200)] = "",
        next: Annotated[str, Form(max_length=2000)] = HOME,
        lang: Annotated[str, Form(max_length=5)] = "de",
    ) -> Response:
        if not csrf.same_origin(request) or not csrf.login_token_valid(_login_key(request), login_token):
            raise CsrfRefused("the login form is out of date or came from another site; reload it")
        name = users.normalise_login(login)
        address = request.client.host if request.client else None
        limiter = limiter_of(request)
        wait = limiter.retry_after(name, address)
        if wait:
            raise TooManyAttempts(wait)
        ledger = ledger_of(request)

        def check() -> tuple[Session, str] | None:
            with ledger.engine.begin() as connection:
                user = users.authenticate(connection, name, password)
                if user is None:
                    return None
                return sessions.start(
                    connection, user, ledger.settings, language(lang), request.headers.get("user-agent")
                )

        started = await run_in_threadpool(check)
        if started is None:
            limiter.failed(name, address)
            return _login_page(request, error="failed", next_=next, login=login[:100], lang=lang)
        limiter.succeeded(name)
        _, token = started
        response = RedirectResponse(safe_next(next), 303)
        response.set_cookie(
            sessions.cookie_name(ledger.settings),
            token,
            path="/",
            secure=ledger.settings.cookie_secure,
            httponly=True,
            samesite="strict",
        )
        return response

    @routes.post("/logout")
    def logout(request: Request, _session: Annotated[Session, require_role(Role.AGENT)]) -> Response:
        ledger = ledger_of(request)
        token = session_token(request)
        if token:
            with ledger.engine.begin() as connection:
                sessions.end(connection, token)
        response = RedirectResponse(LOGIN_PATH, 303)
        response.delete_cookie(
            sessions.cookie_name(ledger.settings),
            path="/",
            secure=ledger.settings.cookie_secure,
            httponly=True,
            samesite="strict",
        )
        return response

    @routes.post("/language")
    def switch_language(
        request: Request,
        session: Annotated[Session, require_role(Role.AGENT)],
        lang: Annotated[str, Form(max_length=5)] = "de",
        next: Annotated[str, Form(max_length=2000)] = HOME,
    ) -> Response:
        with ledger_of(request).engine.begin() as connection:
            sessions.set_language(connection, session.id, language(lang))
        return RedirectResponse(safe_next(next), 303)

    return routes
