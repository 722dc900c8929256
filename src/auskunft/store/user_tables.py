"""Users of the console (agents, DPO, admins) and their server-side sessions.

Passwords are kept only as argon2id hashes, session tokens only as their SHA-256. No IP address is
stored: the login rate limit keeps addresses in memory for its window only (web/auth/ratelimit.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from auskunft.store.tables import Base


class User(Base):
    """Someone who signs in to the console, with one role: agent, dpo or admin."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    """The login name, lower-case."""
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(Text)
    """argon2id, in the PHC string format of argon2-cffi."""
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]


class UserSession(Base):
    """A signed-in browser: only the SHA-256 of its token is kept."""

    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    """The absolute end of the session, whatever its activity."""
    csrf_secret: Mapped[str] = mapped_column(String(64))
    """The synchronizer token every form of the session carries."""
    language: Mapped[str] = mapped_column(String(2))
    user_agent: Mapped[str | None] = mapped_column(String(200))
