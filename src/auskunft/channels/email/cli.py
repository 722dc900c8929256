"""`auskunft email ...`: fetch from the IMAP mailbox, import .eml and .mbox files (docs/email.md)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from auskunft.channels.email import imap, importer
from auskunft.channels.email.summary import Summary
from auskunft.errors import AuskunftError
from auskunft.ledger import Ledger

app = typer.Typer(help="The email channel: IMAP mailbox and saved mail.", no_args_is_help=True)
err = Console(stderr=True, soft_wrap=True, highlight=False)

Report = Annotated[str, typer.Option("--report", help="Report format: text or json.")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


def _show(summary: Summary, output: str) -> None:
    if output == "json":
        typer.echo(json.dumps(summary.as_dict(), indent=2))
        return
    err.print(summary.as_text())
    for error in summary.errors:
        err.print(f"  {error}", markup=False)


@app.command("fetch")
def fetch(
    once: Annotated[bool, typer.Option("--once", help="Poll once and stop (the default).")] = False,
    watch: Annotated[
        int | None,
        typer.Option("--watch", min=1, help="Poll every SECONDS until interrupted.", metavar="SECONDS"),
    ] = None,
    output: Report = "text",
) -> None:
    """Fetch new messages from the IMAP mailbox into conversations."""
    if once and watch is not None:
        raise _fail("give either --once or --watch")
    try:
        with Ledger.open() as ledger:
            while True:
                try:
                    summary = imap.fetch(ledger)
                except AuskunftError as exc:
                    if watch is None:
                        raise
                    err.print(f"[red]error:[/red] {exc}")  # keep watching: the server may be back
                else:
                    _show(summary, output)
                    if watch is None and not summary.ok:
                        raise typer.Exit(1)
                if watch is None:
                    return
                time.sleep(watch)
    except AuskunftError as exc:
        raise _fail(str(exc)) from None
    except KeyboardInterrupt:
        err.print("stopped")


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="An .eml file, an .mbox file, or a folder of them.")],
    output: Report = "text",
) -> None:
    """Import saved mail; files that cannot be read are listed, the rest is imported."""
    try:
        with Ledger.open() as ledger:
            summary = importer.import_path(ledger, path)
    except AuskunftError as exc:
        raise _fail(str(exc)) from None
    _show(summary, output)
    if not summary.ok:
        raise typer.Exit(1)
