"""`auskunft opendsr deliver`: queue the status callbacks of changed cases and deliver what is due."""

from __future__ import annotations

import typer
from rich.console import Console

from auskunft.errors import AuskunftError
from auskunft.ledger import Ledger
from auskunft.web.opendsr import callbacks

app = typer.Typer(help="OpenDSR, the processor side (docs/opendsr.md).", no_args_is_help=True)
err = Console(stderr=True, soft_wrap=True, highlight=False)


@app.callback()
def opendsr() -> None:
    """OpenDSR, the processor side: status callbacks to the controllers."""


@app.command()
def deliver() -> None:
    """Send the status callbacks that are due (run it every minute, e.g. from cron).

    Exit status 1 when a callback was given up in this run (the controller must be told otherwise).
    """
    try:
        with Ledger.open() as ledger:
            report = callbacks.run(ledger)
    except AuskunftError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    err.print(
        f"delivered {report.delivered}, retrying later {report.retrying}, waiting {report.waiting}, "
        f"given up {len(report.given_up)}",
        markup=False,
    )
    for subject_request_id in report.given_up:
        err.print(f"given up: callbacks of OpenDSR request {subject_request_id}", markup=False)
    if report.given_up:
        raise typer.Exit(1)
