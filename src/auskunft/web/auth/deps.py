"""What console routes depend on: the signed-in session with a role, checked for CSRF on every change.

    user: Annotated[Session, require_role(Role.AGENT)]

No session: a browser (Accept: text/html) is sent to the login page, any other client gets 401. A role
below the one required: 403. A state-changing request without the session's CSRF token, or from another
origin: 403. The responses are made in `console.render.error_response`.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from auskunft.ledger import Ledger
from auskunft.web.apikeys import Forbidden, Unauthenticated
from auskunft.web.auth import csrf, sessions
from auskunft.web.auth.ratelimit import LoginLimiter
from auskunft.web.auth.sessions import Session
from auskunft.web.auth.users import Role


class LoginRequired(Unauthenticated):
    """The console needs a signed-in user (no session, or it has ended)."""


class RoleRefused(Forbidden):
    """The signed-in user's role does not allow this page or action."""


class CsrfRefused(Forbidden):
    """A state-changing request without the session's CSRF token, or from another origin."""


class TooManyAttempts(Forbidden):
    """Too many failed logins for this name or from this address; `retry_after` seconds to wait."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many failed logins; try again later")
        self.retry_after = retry_after


def ledger_of(request: Request) -> Ledger:
    ledger = request.app.state.ledger
    assert isinstance(ledger, Ledger), "the ledger is opened when the application starts"
    return ledger


def limiter_of(request: Request) -> LoginLimiter:
    """The application's login limiter, made on first use from the ledger's settings."""
    state = request.app.state
    limiter = getattr(state, "login_limiter", None)
    if limiter is None:
        settings = ledger_of(request).settings
        limiter = LoginLimiter(
            settings.login_failures_per_name, settings.login_failures_per_ip, settings.login_window_minutes
        )
        state.login_limiter = limiter
    assert isinstance(limiter, LoginLimiter)
    return limiter


def session_token(request: Request) -> str | None:
    return request.cookies.get(sessions.cookie_name(ledger_of(request).settings))


def current_session(request: Request) -> Session | None:
    """The live session of the request, if any (also kept on `request.state.session` for templates)."""
    if hasattr(request.state, "session"):
        known = request.state.session
        return known if isinstance(known, Session) else None
    token = session_token(request)
    found: Session | None = None
    if token:
        ledger = ledger_of(request)
        with ledger.engine.begin() as connection:
            found = sessions.find(connection, token, ledger.settings)
    request.state.session = found
    return found


async def _checked(request: Request, needed: Role) -> Session:
    session = await run_in_threadpool(current_session, request)
    if session is None:
        raise LoginRequired("please sign in to the console")
    if request.method in csrf.UNSAFE:
        if not csrf.same_origin(request):
            raise CsrfRefused("the request came from another site")
        if not csrf.token_matches(session.csrf_secret, await csrf.given_token(request)):
            raise CsrfRefused("the form's security token is missing or out of date; reload the page")
    if not session.user.role.allows(needed):
        raise RoleRefused(f"this needs the role {needed.value}")
    return session


def require_role(needed: Role) -> Any:
    """A dependency giving the signed-in session if its user has `needed` (or a higher role)."""

    async def signed_in(request: Request) -> Session:
        return await _checked(request, needed)

    return Depends(signed_in)
