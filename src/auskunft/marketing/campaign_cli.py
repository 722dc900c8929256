"""`auskunft marketing check-list FILE.csv`: a whole campaign list against the permission rules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from auskunft.domain.dates import parse_instant
from auskunft.errors import AuskunftError
from auskunft.i18n import language
from auskunft.ledger import Actor, Ledger
from auskunft.marketing.campaign import check_list as check
from auskunft.marketing.rules import Channel

err = Console(stderr=True, soft_wrap=True, highlight=False)
out = Console(soft_wrap=True, highlight=False)


def check_list(
    file: Annotated[Path, typer.Argument(help="CSV list of addresses (header row optional; ',' or ';').")],
    channel: Annotated[Channel, typer.Option(help="email, sms, fax, phone or postal.")],
    purpose: Annotated[str, typer.Option(help="Purpose key of the register, e.g. newsletter.")],
    column: Annotated[
        str | None, typer.Option(help="Address column: header name or number; default email, else the first.")
    ] = None,
    allowed: Annotated[Path | None, typer.Option(help="Allowed list; default FILE.allowed.csv.")] = None,
    denied: Annotated[Path | None, typer.Option(help="Denied list; default FILE.denied.csv.")] = None,
    at: Annotated[str | None, typer.Option(help="Moment of sending (ISO 8601); default: now.")] = None,
    lang: Annotated[str, typer.Option(help="Language of the reasons: de or en.")] = "de",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
) -> None:
    """Check a campaign list: writes the allowed and the denied list (with reasons), prints the counts."""
    if not file.is_file():
        err.print(f"[red]error:[/red] no such file: {escape(str(file))}")
        raise typer.Exit(2)
    try:
        moment = parse_instant(at).at if at else None
    except ValueError:
        err.print(f"[red]error:[/red] unparseable date {at!r} (use ISO 8601)")
        raise typer.Exit(2) from None
    allowed_path = allowed or file.with_name(file.stem + ".allowed.csv")
    denied_path = denied or file.with_name(file.stem + ".denied.csv")
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=quiet or not sys.stderr.isatty(),
        transient=True,
        auto_refresh=False,  # no refresh thread: the list is read by a forked process (campaign_reader)
    )
    try:
        with progress, Ledger.open() as ledger:
            task = progress.add_task(file.name, total=file.stat().st_size)

            def advance(read: int) -> None:
                progress.advance(task, read)
                progress.refresh()

            summary = check(
                ledger,
                file,
                channel,
                purpose,
                Actor.cli(f"campaign list {file.name}"),
                allowed_path=allowed_path,
                denied_path=denied_path,
                at=moment,
                column=column,
                lang=language(lang),
                advance=advance,
            )
    except AuskunftError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
    if quiet:
        return
    out.print(
        f"{summary.lines:,} addresses in {summary.seconds:.1f} s: "
        f"[green]{summary.allowed:,} allowed[/green] → {escape(str(allowed_path))}, "
        f"[red]{summary.denied:,} denied[/red] → {escape(str(denied_path))}"
    )
    if summary.header is not None:
        out.print(f"  header row: {', '.join(summary.header)}", markup=False)
    for basis, count in summary.by_basis.most_common():
        out.print(f"  ✓ {basis}: {count:,}")
    for code, count in summary.by_reason.most_common():
        out.print(f"  ✗ {code}: {count:,}")
