"""The web application: `create_app()` wires the ledger, the error handlers and the routers.

Run it with `auskunft serve`. The REST API lives under /api/v1 (docs/api.md), its OpenAPI
description under /api/docs; the portal and the agents' console will join as further routers.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auskunft.channels import chat, form
from auskunft.knowledge import web as knowledge_web
from auskunft.ledger import Ledger
from auskunft.web import api, console, errors, opendsr, portal
from auskunft.web.api import cases, consents
from auskunft.web.api.events import MAX_EVENTS_BYTES

DESCRIPTION = """Every request under `/api/v1` carries an API key (`auskunft apikey add`) as
`Authorization: Bearer ak_...` that grants the scope the route names; the links people click in emails
(`/consent/confirm`, `/consent/unsubscribe`) carry a single-use or signed token instead. Errors come as
`{"error": {"code": ..., "message": ...}}`. Every access to personal data is written to the audit trail."""


class NoStore:
    """Responses carry personal data: no browser or proxy cache may keep them (unless a route says so).

    Every response also says how long the application took to start it (`Server-Timing: app;dur=ms`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Cache-Control", "no-store")
                # Time spent in the application until the response starts (W3C Server-Timing), for
                # monitoring and the load benchmark; it says nothing about the person.
                headers.append("Server-Timing", f"app;dur={(time.perf_counter() - started) * 1000:.2f}")
            await send(message)

        await self.app(scope, receive, send_no_store)


def create_app(
    ledger: Ledger | None = None, *, max_events_bytes: int = MAX_EVENTS_BYTES, channels: bool = True
) -> FastAPI:
    """The application over `ledger`, or over the configured ledger, opened at start-up and closed at
    shutdown. `max_events_bytes`: the largest body `POST /api/v1/events` accepts (413 beyond).
    `channels`: install the contact form and the live chat with their default configuration (tests that
    configure them themselves pass False)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.ledger is not None:
            yield
            return
        app.state.ledger = Ledger.open()
        try:
            yield
        finally:
            app.state.ledger.close()
            app.state.ledger = None

    app = FastAPI(
        title="auskunft",
        summary="The personal-data ledger and its Art. 15 answers.",
        description=DESCRIPTION,
        version="1",
        docs_url="/api/docs",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.ledger = ledger
    app.state.max_events_bytes = max_events_bytes
    errors.install(app)
    console.install(app)
    app.include_router(api.router)
    app.include_router(cases.router, prefix="/api/v1")
    opendsr.install(app)
    app.include_router(consents.router)
    if channels:
        form.install(app)
        chat.install(app)
        knowledge_web.install(app)
        portal.install(app)
    app.add_middleware(NoStore)
    return app
