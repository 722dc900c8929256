"""What the portal keeps while the application runs: its sessions, rate limits and the mailer."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cached_property
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from auskunft.config import Settings
from auskunft.conversations import outbox
from auskunft.i18n import Language, language
from auskunft.ledger import Ledger
from auskunft.register.model import ControllerInfo
from auskunft.web.auth import csrf
from auskunft.web.portal import pages
from auskunft.web.portal.sessions import PortalSession, Sessions, cookie_name
from auskunft.web.portal.signin import Limits

FORM_KEY_LABEL = "portal-form"
SESSION_KEY_LABEL = "portal-session"


class Portal:
    """`ledger`: gives the application's ledger (opened at start-up). `mailer`: sends sign-in codes; None:
    the SMTP server of the settings (nothing is sent without one). `settings`: default the ledger's."""

    def __init__(
        self,
        ledger: Callable[[], Ledger],
        *,
        mailer: outbox.Mailer | None = None,
        settings: Settings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ledger = ledger
        self._mailer = mailer
        self._settings = settings
        self.clock = clock

    @property
    def ledger(self) -> Ledger:
        return self._ledger()

    @cached_property
    def settings(self) -> Settings:
        return self._settings or self.ledger.settings

    @cached_property
    def mailer(self) -> outbox.Mailer | None:
        return self._mailer or outbox.smtp_mailer(self.settings)

    @cached_property
    def sessions(self) -> Sessions:
        return Sessions.of(self.ledger.index.subkey(SESSION_KEY_LABEL), self.settings, self.clock)

    @cached_property
    def limits(self) -> Limits:
        return Limits(self.settings, self.clock)

    @cached_property
    def form_key(self) -> bytes:
        """Signs the forms shown before sign-in (no session, no cookie yet)."""
        return self.ledger.index.subkey(FORM_KEY_LABEL)

    @property
    def cookie(self) -> str:
        return cookie_name(self.settings)

    def form_token(self) -> str:
        return csrf.login_token(self.form_key)

    def form_token_valid(self, token: str | None) -> bool:
        return csrf.login_token_valid(self.form_key, token)

    def session(self, request: Request) -> PortalSession | None:
        return self.sessions.find(request.cookies.get(self.cookie))

    def controller(self) -> ControllerInfo | None:
        with self.ledger.engine.connect() as connection:
            return self.ledger.register(connection).controller

    def page(self, name: str, lang: Language, status: int = 200, /, **context: Any) -> Response:
        return pages.render(name, lang, self.controller(), self.settings.timezone, status, **context)

    def set_cookie(self, response: Response, token: str) -> None:
        response.set_cookie(
            self.cookie,
            token,
            max_age=self.settings.portal_session_max_minutes * 60,
            path="/",
            secure=self.settings.cookie_secure,
            httponly=True,
            samesite="strict",
        )

    def clear_cookie(self, response: Response) -> None:
        response.delete_cookie(
            self.cookie, path="/", secure=self.settings.cookie_secure, httponly=True, samesite="strict"
        )


def lang_of(request: Request) -> Language:
    return language(request.query_params.get("lang"))
