"""The live chat (docs/chat.md): a visitor and an agent over WebSockets, nothing stored and no cookie set
before the visitor starts it, the transcript a conversation with its own retention rule (`chat_transcript`).

`install(app)` adds its routes to the web application.
"""

from __future__ import annotations

from fastapi import FastAPI

from auskunft.channels.chat.config import ChatConfig
from auskunft.channels.chat.hub import Hub, Store
from auskunft.channels.chat.store import ServiceStore
from auskunft.channels.chat.views import router
from auskunft.ledger import Ledger

__all__ = ["ChatConfig", "Hub", "install"]


def install(app: FastAPI, config: ChatConfig | None = None) -> Hub:
    """Add `/chat`, `/chat/ws` and `/chat/agent/ws` to `app`; the hub is kept as `app.state.chat`."""

    def ledger() -> Ledger:
        opened = app.state.ledger
        assert isinstance(opened, Ledger), "the ledger is opened when the application starts"
        return opened

    def store() -> Store:
        return ServiceStore(ledger())

    hub = Hub(config or ChatConfig(), store)
    app.state.chat = hub
    app.include_router(router(hub, ledger))
    return hub
