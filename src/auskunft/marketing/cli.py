"""`auskunft marketing ...`: permission checks from the command line."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console

from auskunft.domain.dates import parse_instant
from auskunft.domain.identifiers import exactly_one
from auskunft.errors import AuskunftError
from auskunft.i18n import language
from auskunft.ledger import Actor, Ledger
from auskunft.marketing import campaign_cli
from auskunft.marketing.engine import Check, may_send
from auskunft.marketing.facts import Target
from auskunft.marketing.rules import Channel
from auskunft.marketing.texts import basis_text, reason_text

app = typer.Typer(help="Marketing permission (GDPR, UWG § 7).", no_args_is_help=True)
err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True, highlight=False)


def _target(email: str | None, phone: str | None, customer_number: str | None) -> Target:
    one = exactly_one(email, phone, customer_number)
    if one is None:
        err.print("[red]error:[/red] give exactly one of --email, --phone, --customer-number")
        raise typer.Exit(2)
    return Target(*one)


def _moment(at: str | None) -> datetime | None:
    if at is None:
        return None
    try:
        return parse_instant(at).at
    except ValueError:
        err.print(f"[red]error:[/red] unparseable date {at!r} (use ISO 8601)")
        raise typer.Exit(2) from None


Email = Annotated[str | None, typer.Option(help="Email address to check.")]
Phone = Annotated[str | None, typer.Option(help="Phone number to check.")]
CustomerNumber = Annotated[str | None, typer.Option(help="Check the person with this customer number.")]
At = Annotated[str | None, typer.Option(help="Moment of sending (ISO 8601); default: now.")]
Lang = Annotated[str, typer.Option(help="Language of the reasons: de or en.")]
Format = Annotated[str, typer.Option("--format", help="text or json.")]


def _run(
    target: Target, channel: Channel, purpose: str, at: datetime | None, notice: bool, why: str
) -> Check:
    try:
        with Ledger.open() as ledger:
            return may_send(ledger, target, channel, purpose, Actor.cli(why), at, notice)
    except AuskunftError as exc:
        err.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(2) from None


def _print(check: Check, fmt: str, lang: str) -> None:
    lang_ = language(lang)
    if fmt == "json":
        typer.echo(json.dumps(check.as_dict(lang_), ensure_ascii=False, indent=2))
        return
    d = check.decision
    verdict = "[green]ERLAUBT / ALLOWED[/green]" if d.allowed else "[red]VERBOTEN / DENIED[/red]"
    out.print(f"{verdict}  {check.purpose} · {check.channel.value} · {check.at:%Y-%m-%d %H:%M}")
    if d.basis:
        out.print(f"  {basis_text(d, lang_)}")
    for reason in d.reasons:
        mark = "[green]✓[/green]" if reason.ok else "[red]✗[/red]"
        out.print(f"  {mark} {reason_text(reason, lang_)}")
    for origin in check.origins:
        where = origin.name or origin.channel or origin.kind
        detail = f" ({origin.detail})" if origin.detail else ""
        out.print(f"  ↳ {origin.since:%Y-%m-%d}: {origin.kind} {where}{detail}")


@app.command()
def check(
    channel: Annotated[Channel, typer.Option(help="email, sms, fax, phone or postal.")],
    purpose: Annotated[str, typer.Option(help="Purpose key of the register, e.g. newsletter.")],
    email: Email = None,
    phone: Phone = None,
    customer_number: CustomerNumber = None,
    at: At = None,
    no_objection_notice: Annotated[
        bool,
        typer.Option("--no-objection-notice", help="The message lacks the notice of the right to object."),
    ] = False,
    fmt: Format = "text",
    lang: Lang = "de",
) -> None:
    """May this advertising be sent? Exit status 0 when allowed, 1 when denied."""
    target = _target(email, phone, customer_number)
    result = _run(target, channel, purpose, _moment(at), not no_objection_notice, "marketing check")
    _print(result, fmt, lang)
    raise typer.Exit(0 if result.decision.allowed else 1)


@app.command()
def why(
    purpose: Annotated[str, typer.Option(help="Purpose of the message received, e.g. review_request.")],
    at: Annotated[str, typer.Option(help="When the message was received (ISO 8601).")],
    channel: Annotated[Channel, typer.Option(help="Channel of the message.")] = Channel.EMAIL,
    email: Email = None,
    phone: Phone = None,
    fmt: Format = "text",
    lang: Lang = "de",
) -> None:
    """Why did this person get this message? The basis that applied then, and where the address came from."""
    target = _target(email, phone, None)
    result = _run(target, channel, purpose, _moment(at), True, "why did I get this message")
    _print(result, fmt, lang)


app.command("check-list")(campaign_cli.check_list)
