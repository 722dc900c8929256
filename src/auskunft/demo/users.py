"""The demo company's console users: an agent, the data-protection officer and an administrator.

Their passwords are public (printed by `make run`): a demo ledger is for trying auskunft out, never for
real data.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from auskunft.store import user_tables as ut
from auskunft.web.auth import users
from auskunft.web.auth.users import Role


@dataclass(frozen=True, slots=True)
class DemoUser:
    login: str
    name: str
    role: Role
    password: str


DEMO_USERS = (
    DemoUser("anna.agentin", "Anna Agentin", Role.AGENT, "demo-anna-2026"),
    DemoUser("dora.datenschutz", "Dr. Dora Datenschutz", Role.DPO, "demo-dora-2026"),
    DemoUser("adam.admin", "Adam Admin", Role.ADMIN, "demo-adam-2026"),
)


def load(connection: Connection) -> int:
    """Create the demo users that do not exist yet; returns how many were created."""
    created = 0
    for demo in DEMO_USERS:
        if connection.scalar(select(ut.User.id).where(ut.User.login == demo.login)) is None:
            users.create(
                connection,
                demo.login,
                demo.role,
                demo.password,
                display_name=demo.name,
                email=f"{demo.login}@beispiel-versand.example.de",
            )
            created += 1
    return created


def logins() -> list[str]:
    return [f"{d.login} / {d.password} ({d.role.value})" for d in DEMO_USERS]
