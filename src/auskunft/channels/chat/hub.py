"""The live chats of this process: sessions, the visitors and agents connected to them, and the relay.

A chat exists in memory from the moment the visitor presses "Chat starten"; nothing of it is written
until the visitor's first message, which `receive` files into a new conversation. Every later message
continues that conversation: the transcript is the conversation (retention rule `chat_transcript`).
Agents' messages are stored as outbound messages before they are relayed. One process, one event loop:
the hub is used from that loop only, and the ledger is written from worker threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from starlette.concurrency import run_in_threadpool

from auskunft.channels.chat.config import ChatConfig
from auskunft.channels.form.guard import RateLimit
from auskunft.conversations.model import Channel, Inbound, Received
from auskunft.errors import InvalidInput


class Peer(Protocol):
    """One connected socket."""

    name: str

    async def send(self, data: dict[str, Any]) -> None: ...


class Store(Protocol):
    """Where messages go (the conversation service); called from worker threads."""

    def inbound(self, inbound: Inbound) -> Received: ...

    def outbound(self, conversation_id: int, body: str, author: str) -> None: ...


class ChatError(InvalidInput):
    """A chat action was refused; `code` says why (safe to show, no personal data)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Line:
    sender: str
    """visitor, agent"""
    body: str
    at: datetime
    author: str | None = None

    def json(self, chat: str) -> dict[str, Any]:
        return {
            "type": "message",
            "chat": chat,
            "from": self.sender,
            "body": self.body,
            "at": self.at.isoformat(),
        }


@dataclass(eq=False)
class Session:
    id: str
    token: str
    name: str | None
    email: str | None
    lang: str
    started_at: datetime
    last_activity: float
    conversation_id: int | None = None
    visitors: set[Peer] = field(default_factory=set)
    agents: set[Peer] = field(default_factory=set)
    lines: list[Line] = field(default_factory=list)
    sent: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def summary(self) -> dict[str, Any]:
        return {
            "chat": self.id,
            "name": self.name,
            "email": self.email,
            "started_at": self.started_at.isoformat(),
            "messages": len(self.lines),
            "conversation": self.conversation_id,
            "agents": sorted(agent.name for agent in self.agents),
            "waiting": not self.agents,
        }


class Hub:
    def __init__(
        self, config: ChatConfig, store: Callable[[], Store], clock: Callable[[], float] = time.monotonic
    ):
        self.config = config
        self._store = store
        self._clock = clock
        self.sessions: dict[str, Session] = {}
        self._by_token: dict[str, Session] = {}
        self.agents: set[Peer] = set()
        self.starts = RateLimit(config.starts_per_ip, config.window_minutes * 60.0, clock)
        self._messages = RateLimit(config.messages_per_minute, 60.0, clock)

    # -- visitors ----------------------------------------------------------------------------------
    async def start(self, peer: Peer, ip: str, name: str | None, email: str | None, lang: str) -> Session:
        self.sweep()
        if len(self.sessions) >= self.config.max_sessions:
            raise ChatError("busy", "all chat lines are busy")
        if not self.starts.hit(ip):
            raise ChatError("rate_limited", "too many chats started")
        session = Session(
            id=secrets.token_hex(6),
            token=secrets.token_urlsafe(24),
            name=name,
            email=email,
            lang=lang,
            started_at=datetime.now(UTC),
            last_activity=self._clock(),
        )
        session.visitors.add(peer)
        self.sessions[session.id] = session
        self._by_token[session.token] = session
        await self._lobby()
        return session

    def resume(self, peer: Peer, token: str) -> Session:
        session = self._by_token.get(token)
        if session is None:
            raise ChatError("unknown_chat", "this chat has ended")
        session.visitors.add(peer)
        session.last_activity = self._clock()
        return session

    async def visitor_message(self, session: Session, body: str, page_url: str | None) -> Received:
        body = self._checked(body)
        if not self._messages.hit(session.id):
            raise ChatError("rate_limited", "too many messages")
        async with session.lock:
            session.sent += 1
            first = session.conversation_id is None
            inbound = Inbound(
                channel=Channel.CHAT,
                received_at=datetime.now(UTC),
                body=body,
                sender={"email": session.email} if session.email else {},
                sender_name=session.name if first else None,
                queue=self.config.queue if first else None,
                to=page_url,
                external_id=f"chat-{session.id}-{session.sent}",
                conversation_id=session.conversation_id,
                meta={"chat": session.id, "lang": session.lang},
            )
            received = await run_in_threadpool(self._store().inbound, inbound)
            session.conversation_id = received.conversation_id
        line = Line("visitor", body, inbound.received_at)
        await self._relay(session, line)
        if first:
            await self._lobby()
        return received

    async def end(self, session: Session) -> None:
        self.sessions.pop(session.id, None)
        self._by_token.pop(session.token, None)
        for peer in [*session.visitors, *session.agents]:
            await _send(peer, {"type": "ended", "chat": session.id})
        session.visitors.clear()
        session.agents.clear()
        await self._lobby()

    def leave_visitor(self, session: Session, peer: Peer) -> None:
        session.visitors.discard(peer)

    # -- agents ------------------------------------------------------------------------------------
    async def add_agent(self, peer: Peer) -> None:
        self.sweep()
        self.agents.add(peer)
        await _send(peer, self._chats())

    async def join(self, peer: Peer, chat: str) -> Session:
        session = self.session(chat)
        session.agents.add(peer)
        await _send(
            peer,
            {
                "type": "joined",
                "chat": session.id,
                "conversation": session.conversation_id,
                "history": [line.json(session.id) for line in session.lines],
            },
        )
        for visitor in session.visitors:
            await _send(visitor, {"type": "agent_joined", "chat": session.id})
        await self._lobby()
        return session

    async def agent_message(self, peer: Peer, chat: str, body: str, author: str) -> None:
        session = self.session(chat)
        if peer not in session.agents:
            raise ChatError("not_joined", "join the chat first")
        body = self._checked(body)
        if session.conversation_id is None:
            raise ChatError("no_conversation", "the visitor has not written yet")
        await run_in_threadpool(self._store().outbound, session.conversation_id, body, author)
        await self._relay(session, Line("agent", body, datetime.now(UTC), author))

    async def leave(self, peer: Peer, chat: str) -> None:
        session = self.sessions.get(chat)
        if session is None or peer not in session.agents:
            return
        session.agents.discard(peer)
        for visitor in session.visitors:
            await _send(visitor, {"type": "agent_left", "chat": session.id})
        await self._lobby()

    async def remove_agent(self, peer: Peer) -> None:
        self.agents.discard(peer)
        for session in list(self.sessions.values()):
            if peer in session.agents:
                await self.leave(peer, session.id)

    # -- housekeeping ------------------------------------------------------------------------------
    def sweep(self) -> None:
        """End chats idle longer than `idle_minutes` (in memory only: what was written stays stored)."""
        edge = self._clock() - self.config.idle_minutes * 60.0
        for session in [s for s in self.sessions.values() if s.last_activity < edge]:
            self.sessions.pop(session.id, None)
            self._by_token.pop(session.token, None)

    def session(self, chat: str) -> Session:
        session = self.sessions.get(chat)
        if session is None:
            raise ChatError("unknown_chat", "no such chat (ended?)")
        return session

    def _checked(self, body: str) -> str:
        body = body.strip()
        if not body:
            raise ChatError("empty", "the message is empty")
        if len(body) > self.config.max_message:
            raise ChatError("too_long", f"a message has at most {self.config.max_message} characters")
        return body

    async def _relay(self, session: Session, line: Line) -> None:
        session.last_activity = self._clock()
        session.lines.append(line)
        del session.lines[: -self.config.history]
        for peer in [*session.visitors, *session.agents]:
            await _send(peer, line.json(session.id))

    def _chats(self) -> dict[str, Any]:
        return {"type": "chats", "chats": [session.summary() for session in self.sessions.values()]}

    async def _lobby(self) -> None:
        update = self._chats()
        for agent in list(self.agents):
            await _send(agent, update)


async def _send(peer: Peer, data: dict[str, Any]) -> None:
    with contextlib.suppress(RuntimeError, OSError):  # the socket went away; its reader cleans up
        await peer.send(data)
