"""Users of the console and their roles. Created with `auskunft users add`; passwords only as argon2id.

Roles are ranked: an agent works conversations, customers and request cases; the DPO can do all that and
sees the DPO pages (audit trail, register); an admin can do everything, users included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, insert, select, update

from auskunft.errors import Conflict, InvalidInput, NotFound
from auskunft.store import user_tables as ut
from auskunft.web.auth import passwords


class Role(StrEnum):
    AGENT = "agent"
    DPO = "dpo"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, needed: Role) -> bool:
        """Whether this role may do what `needed` may (roles are ranked agent < dpo < admin)."""
        return self.rank >= needed.rank


_RANK = {Role.AGENT: 1, Role.DPO: 2, Role.ADMIN: 3}
_LOGIN = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")


@dataclass(frozen=True, slots=True)
class User:
    id: int
    login: str
    display_name: str
    email: str | None
    role: Role
    active: bool
    created_at: datetime
    last_login_at: datetime | None

    @property
    def actor(self) -> str:
        """The name of the user in the audit trail."""
        return f"user:{self.login}"


_SELECT = select(
    ut.User.id,
    ut.User.login,
    ut.User.display_name,
    ut.User.email,
    ut.User.role,
    ut.User.active,
    ut.User.created_at,
    ut.User.last_login_at,
)


def _user(row: Any) -> User:
    values = dict(row._mapping)
    values["role"] = Role(values["role"])
    return User(**values)


def normalise_login(login: str) -> str:
    return login.strip().lower()


def check_password(password: str) -> None:
    if len(password) < passwords.MIN_LENGTH:
        raise InvalidInput(f"a password has at least {passwords.MIN_LENGTH} characters")
    if len(password) > passwords.MAX_LENGTH:
        raise InvalidInput(f"a password has at most {passwords.MAX_LENGTH} characters")


def create(
    connection: Connection,
    login: str,
    role: Role,
    password: str,
    *,
    display_name: str | None = None,
    email: str | None = None,
) -> User:
    """A new active user; InvalidInput for a malformed name or short password, Conflict if it exists."""
    login = normalise_login(login)
    if not _LOGIN.fullmatch(login):
        raise InvalidInput(
            "a login name is 1 to 100 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit"
        )
    check_password(password)
    if connection.scalar(select(ut.User.id).where(ut.User.login == login)) is not None:
        raise Conflict(f"a user {login!r} exists already")
    name = (display_name or login).strip()[:200] or login
    now = datetime.now(UTC)
    (user_id,) = connection.execute(
        insert(ut.User).values(
            login=login,
            display_name=name,
            email=email.strip()[:320] if email else None,
            role=role.value,
            password_hash=passwords.hash_password(password),
            active=True,
            created_at=now,
            last_login_at=None,
        )
    ).inserted_primary_key or (None,)
    assert isinstance(user_id, int)
    return User(user_id, login, name, email, role, True, now, None)


def by_login(connection: Connection, login: str) -> User:
    row = connection.execute(_SELECT.where(ut.User.login == normalise_login(login))).first()
    if row is None:
        raise NotFound(f"no user {normalise_login(login)!r}")
    return _user(row)


def by_id(connection: Connection, user_id: int) -> User | None:
    row = connection.execute(_SELECT.where(ut.User.id == user_id)).first()
    return _user(row) if row is not None else None


def all_users(connection: Connection) -> list[User]:
    return [_user(row) for row in connection.execute(_SELECT.order_by(ut.User.login))]


def set_active(connection: Connection, login: str, active: bool) -> User:
    """Disable (or enable again) a user; disabling ends every session of theirs."""
    user = by_login(connection, login)
    connection.execute(update(ut.User).where(ut.User.id == user.id).values(active=active))
    if not active:
        from auskunft.web.auth import sessions

        sessions.end_all(connection, user.id)
    return by_login(connection, login)


def set_password(connection: Connection, login: str, password: str) -> User:
    """A new password; every session of the user ends."""
    check_password(password)
    user = by_login(connection, login)
    connection.execute(
        update(ut.User).where(ut.User.id == user.id).values(password_hash=passwords.hash_password(password))
    )
    from auskunft.web.auth import sessions

    sessions.end_all(connection, user.id)
    return user


def authenticate(connection: Connection, login: str, password: str) -> User | None:
    """The active user `login` names if `password` is theirs; None otherwise (however it failed).

    An unknown name costs as much as a wrong password. A hash made with older parameters is renewed.
    """
    row = connection.execute(
        _SELECT.add_columns(ut.User.password_hash).where(ut.User.login == normalise_login(login))
    ).first()
    if row is None:
        passwords.verify(passwords.dummy_hash(), password)
        return None
    if not passwords.verify(row.password_hash, password) or not row.active:
        return None
    values: dict[str, Any] = {"last_login_at": datetime.now(UTC)}
    if passwords.needs_rehash(row.password_hash):
        values["password_hash"] = passwords.hash_password(password)
    connection.execute(update(ut.User).where(ut.User.id == row.id).values(values))
    found = {key: value for key, value in row._mapping.items() if key != "password_hash"}
    found["role"] = Role(found["role"])
    found["last_login_at"] = values["last_login_at"]
    return User(**found)
