"""`auskunft users ...`: the people who sign in to the console (add, list, disable, enable, passwd)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from auskunft.errors import AuskunftError, InvalidInput
from auskunft.ledger import Ledger
from auskunft.web.auth import users
from auskunft.web.auth.users import Role

app = typer.Typer(help="Users of the console: agents, DPO, admins (docs/console.md).", no_args_is_help=True)
err = Console(stderr=True, soft_wrap=True, highlight=False)
out = Console(soft_wrap=True, highlight=False)

PasswordFile = Annotated[
    Path | None,
    typer.Option(
        "--password-file",
        help="Read the password from the first line of this file (e.g. a secret mounted by the deployment); "
        "without it the password is asked for twice, not echoed.",
        dir_okay=False,
    ),
]


def _fail(exc: AuskunftError) -> typer.Exit:
    err.print(f"[red]error:[/red] {exc}")
    return typer.Exit(2)


def _password(password_file: Path | None) -> str:
    if password_file is None:
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    try:
        lines = password_file.read_text("utf-8").splitlines()
    except OSError as exc:
        raise InvalidInput(f"cannot read the password file: {exc.strerror}") from None
    if not lines or not lines[0]:
        raise InvalidInput("the password file is empty")
    return lines[0]


@app.command()
def add(
    login: Annotated[str, typer.Argument(help="Login name: a-z, 0-9, '.', '_', '-' (audit: user:LOGIN).")],
    role: Annotated[Role, typer.Option("--role", help="agent, dpo or admin.")],
    password_file: PasswordFile = None,
    name: Annotated[str | None, typer.Option("--name", help="Name shown in the console.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Work email address of the user.")] = None,
) -> None:
    """Create a console user with a role."""
    try:
        password = _password(password_file)
        with Ledger.open() as ledger, ledger.engine.begin() as connection:
            user = users.create(connection, login, role, password, display_name=name, email=email)
    except AuskunftError as exc:
        raise _fail(exc) from None
    err.print(f"user {user.login} ({user.role.value}) created")


@app.command("list")
def list_users() -> None:
    """List the users: login, name, role, active, last login."""
    try:
        with Ledger.open() as ledger, ledger.engine.connect() as connection:
            found = users.all_users(connection)
    except AuskunftError as exc:
        raise _fail(exc) from None
    if not found:
        err.print("no users (create one with: auskunft users add NAME --role admin)")
        return
    table = Table("login", "name", "role", "active", "last login (UTC)")
    for user in found:
        table.add_row(
            user.login,
            user.display_name,
            user.role.value,
            "yes" if user.active else "no",
            f"{user.last_login_at:%Y-%m-%d %H:%M}" if user.last_login_at else "",
        )
    out.print(table)


@app.command()
def disable(login: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable a user: they cannot sign in, and their sessions end now."""
    try:
        with Ledger.open() as ledger, ledger.engine.begin() as connection:
            user = users.set_active(connection, login, False)
    except AuskunftError as exc:
        raise _fail(exc) from None
    err.print(f"user {user.login} disabled")


@app.command()
def enable(login: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Enable a disabled user again."""
    try:
        with Ledger.open() as ledger, ledger.engine.begin() as connection:
            user = users.set_active(connection, login, True)
    except AuskunftError as exc:
        raise _fail(exc) from None
    err.print(f"user {user.login} enabled")


@app.command()
def passwd(
    login: Annotated[str, typer.Argument(help="Login name.")], password_file: PasswordFile = None
) -> None:
    """Set a new password; every session of the user ends."""
    try:
        password = _password(password_file)
        with Ledger.open() as ledger, ledger.engine.begin() as connection:
            user = users.set_password(connection, login, password)
    except AuskunftError as exc:
        raise _fail(exc) from None
    err.print(f"password of {user.login} changed; their sessions have ended")
