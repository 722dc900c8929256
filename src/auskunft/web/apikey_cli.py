"""`auskunft apikey ...`: create, list and revoke the keys of the REST API."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from auskunft.errors import AuskunftError
from auskunft.ledger import Ledger
from auskunft.web import apikeys
from auskunft.web.apikeys import Scope

app = typer.Typer(help="Keys of the REST API (docs/api.md).", no_args_is_help=True)
err = Console(stderr=True, soft_wrap=True, highlight=False)
out = Console(soft_wrap=True, highlight=False)


def _fail(exc: AuskunftError) -> typer.Exit:
    err.print(f"[red]error:[/red] {exc}")
    return typer.Exit(2)


@app.command()
def add(
    name: Annotated[str, typer.Argument(help="Who uses the key, e.g. newsletter-tool (audit: api:NAME).")],
    scope: Annotated[list[Scope], typer.Option("--scope", help="A scope to grant; repeat for more.")],
) -> None:
    """Create a key. The key is printed once, on standard output: store it now."""
    try:
        with Ledger.open() as ledger, ledger.engine.begin() as connection:
            key, secret = apikeys.create(connection, name, scope)
    except AuskunftError as exc:
        raise _fail(exc) from None
    err.print(f"API key {key.prefix} for {key.name}: {', '.join(sorted(key.scopes))}", markup=False)
    err.print("the key is shown only now; store it safely:")
    typer.echo(secret)


@app.command("list")
def list_keys() -> None:
    """List the keys (prefix, name, scopes, created, revoked); secrets are not stored."""
    try:
        with Ledger.open() as ledger, ledger.engine.connect() as connection:
            found = apikeys.keys(connection)
    except AuskunftError as exc:
        raise _fail(exc) from None
    if not found:
        err.print("no API keys")
        return
    table = Table("prefix", "name", "scopes", "created (UTC)", "revoked (UTC)")
    for key in found:
        table.add_row(
            key.prefix,
            key.name,
            " ".join(sorted(key.scopes)),
            f"{key.created_at:%Y-%m-%d %H:%M}",
            f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "",
        )
    out.print(table)


@app.command()
def revoke(
    prefix: Annotated[str, typer.Argument(help="Prefix of the key (see `auskunft apikey list`).")],
) -> None:
    """Revoke a key: every request with it is refused from now on."""
    try:
        with Ledger.open() as ledger, ledger.engine.begin() as connection:
            key = apikeys.revoke(connection, prefix)
    except AuskunftError as exc:
        raise _fail(exc) from None
    err.print(f"API key {key.prefix} ({key.name}) revoked", markup=False)
