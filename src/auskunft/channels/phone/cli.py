"""`auskunft phone ...`: log a call, import call records, look up a caller."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from auskunft.channels.phone import records_csv
from auskunft.channels.phone.calls import Call, log_call
from auskunft.channels.phone.lookup import caller_history
from auskunft.errors import AuskunftError
from auskunft.ledger import Actor, Ledger

app = typer.Typer(help="The hotline: call log and caller look-up.", no_args_is_help=True)
err = Console(stderr=True, soft_wrap=True)


def _fail(exc: AuskunftError) -> typer.Exit:
    err.print(f"[red]error:[/red] {exc}", highlight=False)
    return typer.Exit(2)


@app.command("log")
def log_(
    caller: Annotated[str, typer.Option(help="The caller's number.")],
    notes: Annotated[str, typer.Option(help="What was said / agreed.")] = "",
    duration: Annotated[int, typer.Option(help="Duration in seconds.")] = 0,
    agent: Annotated[str | None, typer.Option(help="The agent who took the call.")] = None,
    line: Annotated[str | None, typer.Option(help="The hotline number it came in on.")] = None,
    outbound: Annotated[bool, typer.Option(help="We called them.")] = False,
    at: Annotated[str | None, typer.Option(help="Start (ISO 8601); default now.")] = None,
) -> None:
    """Log a call: the caller's number and the notes land in their history and their answer."""
    try:
        started = datetime.fromisoformat(at) if at else datetime.now(UTC)
    except ValueError:
        raise typer.BadParameter("--at must be ISO 8601") from None
    try:
        with Ledger.open() as ledger:
            if started.tzinfo is None:
                from zoneinfo import ZoneInfo

                started = started.replace(tzinfo=ZoneInfo(ledger.settings.timezone))
            received = log_call(
                ledger,
                Call(caller, started, duration, agent, notes, "outbound" if outbound else "inbound", line),
            )
    except AuskunftError as exc:
        raise _fail(exc) from None
    err.print(
        f"call logged in conversation {received.conversation_id}"
        + (f"; request case {received.case_id} opened" if received.case_id else "")
    )


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV export of the telephone system.")],
    map_: Annotated[
        list[str] | None, typer.Option("--map", help="field=Column, e.g. caller=Rufnummer.")
    ] = None,
) -> None:
    """Import call records (CSV, column mapping in docs/phone.md); bad rows reported, the rest stored."""
    try:
        mapping = records_csv.parse_mapping(map_ or [])
        with Ledger.open() as ledger:
            report = records_csv.import_file(ledger, file, mapping)
    except AuskunftError as exc:
        raise _fail(exc) from None
    err.print(
        f"{report.rows} rows: {report.stored} calls stored, {report.duplicates} already there, "
        f"{report.requests} request cases, {len(report.errors)} refused",
        highlight=False,
    )
    for error in report.errors[:50]:
        err.print(f"  {error}", markup=False, highlight=False)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def lookup(
    number: Annotated[str, typer.Argument(help="The caller's number.")],
    reason: Annotated[str | None, typer.Option(help="Why (audit trail).")] = None,
) -> None:
    """Who is calling: the customer, their conversations and open requests (JSON; audited)."""
    try:
        with Ledger.open() as ledger:
            history = caller_history(ledger, number, Actor.cli(reason))
    except AuskunftError as exc:
        raise _fail(exc) from None
    typer.echo(
        json.dumps(
            {
                "subject_id": history.subject_id,
                "conversations": [
                    {
                        "id": c.id,
                        "channel": c.channel,
                        "status": c.status,
                        "topic": c.topic,
                        "updated_at": c.updated_at.isoformat(timespec="seconds"),
                    }
                    for c in history.conversations
                ],
                "open_cases": [
                    {
                        "id": i.case.id,
                        "number": i.case.number,
                        "kind": i.case.kind.value,
                        "state": i.case.state.value,
                        "due_on": i.case.due_on.isoformat(),
                        "urgency": i.urgency.value,
                    }
                    for i in history.open_cases
                ],
            },
            indent=2,
            ensure_ascii=False,
        )
    )
