"""The customer portal (docs/portal.md): the customer service's start page `/` and "Meine Daten", where a
customer signs in with a one-time code sent to an address on file, sees the complete answer about their
data, downloads it (PDF, JSON), withdraws consents, objects to advertising and asks for erasure or
correction.

`install(app)` adds its routes to the web application.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import FastAPI

from auskunft.config import Settings
from auskunft.conversations.outbox import Mailer
from auskunft.ledger import Ledger
from auskunft.web.portal import account, views
from auskunft.web.portal.state import Portal

__all__ = ["Portal", "install"]


def install(
    app: FastAPI,
    *,
    mailer: Mailer | None = None,
    settings: Settings | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Portal:
    """Add `/` and `/meine-daten...` to `app`; the portal is kept as `app.state.portal`.

    `mailer`: sends the sign-in codes; default: the SMTP server of the settings. `settings`: default the
    ledger's. `clock`: monotonic seconds, for sessions and rate limits.
    """

    def ledger() -> Ledger:
        opened = app.state.ledger
        assert isinstance(opened, Ledger), "the ledger is opened when the application starts"
        return opened

    portal = Portal(ledger, mailer=mailer, settings=settings, clock=clock)
    app.state.portal = portal
    app.include_router(views.router(portal))
    app.include_router(account.router(portal))
    return portal
