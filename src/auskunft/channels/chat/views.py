"""The live chat's routes: the visitor's page and socket, the agents' socket (docs/chat.md).

`GET /chat` sets no cookie and stores nothing: the chat begins only when the visitor presses "Chat
starten" and then sends `start` over `WS /chat/ws`. The visitor's chat token lives in the browser's
sessionStorage (gone with the tab), never in a cookie. `WS /chat/agent/ws` needs an API key with the scope
`conversations`, sent as `Authorization: Bearer ...` or as the first message `{"type": "auth", "key": ...}`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from functools import cache
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from auskunft import templating
from auskunft.channels.chat.config import PATH
from auskunft.channels.chat.hub import ChatError, Hub, Session
from auskunft.channels.form import notice as notices
from auskunft.channels.form import pages as form_pages
from auskunft.channels.form.views import reference
from auskunft.domain.identifiers import normalise_email
from auskunft.errors import AuskunftError, InvalidIdentifier
from auskunft.i18n import Language, language, translations
from auskunft.ledger import Ledger
from auskunft.web import apikeys
from auskunft.web.apikeys import ApiKey, Scope

log = logging.getLogger(__name__)

SOCKET = f"{PATH}/ws"
AGENT_SOCKET = f"{PATH}/agent/ws"
SCRIPT = f"{PATH}/static/chat.js"
STYLE = f"{PATH}/static/chat.css"
POLICY_VIOLATION = 1008
AUTH_TIMEOUT = 10.0
MAX_FRAME = 16 * 1024

Lang = Annotated[str | None, Query(max_length=5, description="de (default) or en")]


class SocketPeer:
    def __init__(self, websocket: WebSocket, name: str) -> None:
        self.websocket = websocket
        self.name = name

    async def send(self, data: dict[str, Any]) -> None:
        with contextlib.suppress(WebSocketDisconnect):
            await self.websocket.send_json(data)


@cache
def _environment(lang: str) -> Any:
    return templating.environment("auskunft.channels.chat", lang)


@cache
def _static(name: str) -> bytes:
    if name == "chat.css":
        return form_pages.stylesheet()
    return resources.files(__package__).joinpath(f"static/{name}").read_bytes()


def router(hub: Hub, ledger: Any) -> APIRouter:
    """`ledger`: a callable giving the application's ledger (opened at start-up)."""
    routes = APIRouter(tags=["live chat"], include_in_schema=False)

    @routes.get(PATH, name="chat")
    def page(lang: Lang = None) -> Response:
        chosen = language(lang)
        return _page(ledger(), hub, chosen)

    @routes.get(SCRIPT)
    def script() -> Response:
        return Response(_static("chat.js"), media_type="text/javascript", headers=_STATIC_HEADERS)

    @routes.get(STYLE)
    def style() -> Response:
        return Response(_static("chat.css"), media_type="text/css", headers=_STATIC_HEADERS)

    @routes.websocket(SOCKET)
    async def visitor_socket(websocket: WebSocket) -> None:
        if not _same_origin(websocket):
            await websocket.close(POLICY_VIOLATION)
            return
        await websocket.accept()
        await _visitor(websocket, hub, ledger())

    @routes.websocket(AGENT_SOCKET)
    async def agent_socket(websocket: WebSocket) -> None:
        if not _same_origin(websocket):
            await websocket.close(POLICY_VIOLATION)
            return
        header = websocket.headers.get("authorization", "")
        if header:
            key = await _verify(ledger(), header.removeprefix("Bearer ").strip())
            if key is None:
                await websocket.close(POLICY_VIOLATION)
                return
            await websocket.accept()
        else:
            await websocket.accept()
            key = await _first_message_auth(websocket, ledger())
            if key is None:
                await websocket.send_json({"type": "error", "code": "unauthenticated"})
                await websocket.close(POLICY_VIOLATION)
                return
        await _agent(websocket, hub, key)

    return routes


_STATIC_HEADERS = {"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"}


def _same_origin(websocket: WebSocket) -> bool:
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    host = websocket.headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")


def _page(ledger: Ledger, hub: Hub, lang: Language) -> Response:
    tr = translations(lang).gettext
    with ledger.engine.connect() as connection:
        register = ledger.register(connection)
    config = hub.config
    notice = notices.notice(register, config.purpose, lang, retention=config.retention_rule)
    retention = notice.purpose.retention if notice.purpose else None
    texts = {
        "started": tr("The chat has started. Write your question; a member of our team will join you."),
        "agent_joined": tr("A member of our team has joined the chat."),
        "agent_left": tr("The member of our team has left the chat."),
        "ended": tr("The chat has ended. Thank you!"),
        "closed": tr("The connection was interrupted. Reload the page to continue the chat."),
        "reference": tr("Your reference number: {reference}"),
        "you": tr("You"),
        "agent": tr("Customer service"),
        "error": tr("That did not work. Please try again."),
        "invalid_email": tr("Please enter a valid email address, or leave the field empty."),
        "busy": tr("All our chat lines are busy. Please try again later or use the contact form."),
        "rate_limited": tr("Please wait a moment before writing again."),
        "too_long": tr("Your message is too long. Please split it up."),
    }
    controller = register.controller
    html = (
        _environment(lang)
        .get_template("chat.html.j2")
        .render(
            lang=lang,
            title=tr("Live chat"),
            company=controller.name if controller else "",
            css_url=STYLE,
            script_url=SCRIPT,
            socket=SOCKET,
            texts=json.dumps(texts, ensure_ascii=False),
            retention=retention,
            notice=form_pages.notice_html(notice, lang),
        )
    )
    headers = {
        **form_pages.PAGE_HEADERS,
        "Content-Security-Policy": (
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        ),
    }
    return HTMLResponse(html, headers=headers)


async def _receive(websocket: WebSocket) -> dict[str, Any] | None:
    """The next message as an object; None when the socket closed. Oversized or malformed frames: {}."""
    try:
        text = await websocket.receive_text()
    except WebSocketDisconnect:
        return None
    if len(text) > MAX_FRAME:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _text(data: dict[str, Any], key: str, limit: int = 320) -> str | None:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        return None
    return " ".join(value.split())[:limit]


async def _visitor(websocket: WebSocket, hub: Hub, ledger: Ledger) -> None:
    peer = SocketPeer(websocket, "visitor")
    session: Session | None = None
    page_url = _page_url(ledger, hub)
    try:
        while True:
            data = await _receive(websocket)
            if data is None:
                break
            kind = data.get("type")
            try:
                if session is None and kind == "start":
                    session = await _start(websocket, hub, peer, data)
                elif session is None and kind == "resume":
                    session = hub.resume(peer, str(data.get("token", "")))
                    await peer.send(_resumed(session))
                elif session is not None and kind == "message":
                    received = await hub.visitor_message(session, str(data.get("body", "")), page_url)
                    if received.new_conversation:
                        await peer.send(
                            {"type": "reference", "reference": reference(received.conversation_id)}
                        )
                elif session is not None and kind == "end":
                    await hub.end(session)
                    session = None
                    break
                else:
                    raise ChatError("unexpected", "unexpected message")
            except ChatError as refused:
                await peer.send({"type": "error", "code": refused.code})
    finally:
        if session is not None:
            hub.leave_visitor(session, peer)


async def _start(websocket: WebSocket, hub: Hub, peer: SocketPeer, data: dict[str, Any]) -> Session:
    email = _text(data, "email")
    if email is not None:
        try:
            email = normalise_email(email)
        except InvalidIdentifier:
            raise ChatError("invalid_email", "not a valid email address") from None
    ip = websocket.client.host if websocket.client else "unknown"
    session = await hub.start(peer, ip, _text(data, "name", 200), email, language(_text(data, "lang")))
    await peer.send({"type": "started", "chat": session.id, "token": session.token})
    return session


def _resumed(session: Session) -> dict[str, Any]:
    return {
        "type": "resumed",
        "chat": session.id,
        "reference": reference(session.conversation_id) if session.conversation_id else None,
        "history": [line.json(session.id) for line in session.lines],
    }


def _page_url(ledger: Ledger, hub: Hub) -> str:
    if hub.config.public_url:
        return hub.config.public_url
    with ledger.engine.connect() as connection:
        controller = ledger.register(connection).controller
    return f"{controller.website.rstrip('/')}{PATH}" if controller and controller.website else PATH


async def _verify(ledger: Ledger, secret: str) -> ApiKey | None:
    def check() -> ApiKey:
        with ledger.engine.connect() as connection:
            key = apikeys.verify(connection, secret)
        key.require(Scope.CONVERSATIONS)
        return key

    try:
        return await run_in_threadpool(check)
    except AuskunftError:
        return None


async def _first_message_auth(websocket: WebSocket, ledger: Ledger) -> ApiKey | None:
    try:
        data = await asyncio.wait_for(_receive(websocket), AUTH_TIMEOUT)
    except TimeoutError:
        return None
    if not data or data.get("type") != "auth" or not isinstance(data.get("key"), str):
        return None
    return await _verify(ledger, data["key"])


async def _agent(websocket: WebSocket, hub: Hub, key: ApiKey) -> None:
    peer = SocketPeer(websocket, key.name)
    await peer.send({"type": "hello", "agent": key.name})
    await hub.add_agent(peer)
    try:
        while True:
            data = await _receive(websocket)
            if data is None:
                break
            kind, chat = data.get("type"), str(data.get("chat", ""))
            try:
                if kind == "join":
                    await hub.join(peer, chat)
                elif kind == "message":
                    await hub.agent_message(peer, chat, str(data.get("body", "")), key.actor)
                elif kind == "leave":
                    await hub.leave(peer, chat)
                elif kind == "end":
                    await hub.end(hub.session(chat))
                elif kind == "list":
                    await hub.add_agent(peer)
                else:
                    raise ChatError("unexpected", "unexpected message")
            except ChatError as refused:
                await peer.send({"type": "error", "code": refused.code, "chat": chat or None})
    finally:
        await hub.remove_agent(peer)
