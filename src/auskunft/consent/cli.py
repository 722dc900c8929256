"""`auskunft consent ...`: double opt-in, withdrawal, proof and unsubscribe headers from the command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from auskunft.consent import document, doi, proof, unsubscribe
from auskunft.domain.dates import parse_instant
from auskunft.errors import AuskunftError
from auskunft.ledger import Actor, Ledger
from auskunft.marketing.rules import Channel

app = typer.Typer(
    help="Consent: double opt-in, withdrawal and proof (GDPR Art. 7, UWG § 7).", no_args_is_help=True
)
err = Console(stderr=True, soft_wrap=True, highlight=False)

Email = Annotated[str | None, typer.Option(help="Email address of the person.")]
Phone = Annotated[str | None, typer.Option(help="Phone number of the person.")]
CustomerNumber = Annotated[str | None, typer.Option(help="Customer number of the person.")]
Purpose = Annotated[str, typer.Option(help="Purpose key of the register, e.g. newsletter.")]
ChannelOption = Annotated[Channel, typer.Option(help="email, sms, fax, phone or postal.")]
At = Annotated[str | None, typer.Option(help="When (ISO 8601); default: now.")]
Ip = Annotated[str | None, typer.Option(help="IP address the person acted from (evidence).")]
UserAgent = Annotated[str | None, typer.Option(help="User agent of the person's browser (evidence).")]
Lang = Annotated[str, typer.Option(help="Language: de or en.")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


@contextmanager
def _ledger() -> Iterator[Ledger]:
    try:
        with Ledger.open() as ledger:
            yield ledger
    except AuskunftError as exc:
        raise _fail(str(exc)) from None


def _person(email: str | None, phone: str | None, customer_number: str | None) -> dict[str, str]:
    given = {
        key: value
        for key, value in (("email", email), ("phone", phone), ("customer_number", customer_number))
        if value is not None
    }
    if len(given) != 1:
        raise _fail("give exactly one of --email, --phone, --customer-number")
    return given


def _moment(at: str | None) -> datetime | None:
    if at is None:
        return None
    try:
        return parse_instant(at).at
    except ValueError:
        raise _fail(f"unparseable date {at!r} (use ISO 8601)") from None


def _evidence(ip: str | None, user_agent: str | None, **more: str | None) -> dict[str, Any]:
    values = {"ip": ip, "user_agent": user_agent, **more}
    return {key: value for key, value in values.items() if value is not None}


def _write(data: bytes, out: Path | None, binary: bool = False) -> None:
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        err.print(f"written to {out}")
    elif binary and sys.stdout.isatty():
        raise _fail("refusing to write a PDF to the terminal; use --out FILE")
    else:
        sys.stdout.buffer.write(data if data.endswith(b"\n") else data + b"\n")


@app.command()
def request(
    email: Annotated[str, typer.Option(help="Email address the confirmation is sent to.")],
    purpose: Purpose,
    wording_version: Annotated[str, typer.Option(help="Version of the wording shown, e.g. nl-2026-01.")],
    wording: Annotated[str | None, typer.Option(help="The declaration shown, verbatim.")] = None,
    wording_file: Annotated[Path | None, typer.Option(help="Read the declaration from this file.")] = None,
    channel: ChannelOption = Channel.EMAIL,
    ip: Ip = None,
    user_agent: UserAgent = None,
    form_url: Annotated[str | None, typer.Option(help="URL of the form the person used.")] = None,
    source_channel: Annotated[str | None, typer.Option(help="Our channel it came through.")] = None,
    base_url: Annotated[str | None, typer.Option(help="Base of the link; default: website.")] = None,
    ttl_days: Annotated[int, typer.Option(help="Days the confirmation link is valid.")] = 7,
    lang: Lang = "de",
    fmt: Annotated[str, typer.Option("--format", help="eml (the message) or json.")] = "eml",
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of standard output.")] = None,
) -> None:
    """Start a double opt-in: record the request and print the confirmation email to send."""
    if wording is not None and wording_file is None:
        text = wording
    elif wording is None and wording_file is not None:
        text = wording_file.read_text("utf-8").strip()
    else:
        raise _fail("give exactly one of --wording, --wording-file")
    source = {"kind": "channel", "channel": source_channel, "detail": form_url} if source_channel else None
    with _ledger() as ledger:
        pending = doi.request(
            ledger,
            {"email": email},
            purpose,
            channel.value,
            text,
            wording_version,
            _evidence(ip, user_agent, form_url=form_url),
            {k: v for k, v in source.items() if v is not None} if source else None,
            timedelta(days=ttl_days),
            base_url=base_url,
            lang=lang,
        )
    err.print(
        f"requested; confirmation link {pending.token_id} valid until {pending.expires_at:%Y-%m-%d %H:%M} UTC"
    )
    if fmt == "json":
        result = {
            "token": pending.token,
            "link": pending.link,
            "token_id": pending.token_id,
            "event_id": pending.event_id,
            "expires_at": pending.expires_at.isoformat(),
            "subject": str(pending.message["Subject"]),
            "text": pending.message.get_content(),
            "message": pending.message.as_string(),
        }
        _write(json.dumps(result, ensure_ascii=False, indent=2).encode(), out)
    else:
        _write(pending.message.as_bytes(), out)


@app.command()
def confirm(
    token: Annotated[str, typer.Argument(help="The token from the confirmation link.")],
    ip: Ip = None,
    user_agent: UserAgent = None,
    at: At = None,
) -> None:
    """Confirm a double opt-in by its token (single use). Exit status 2 if the token is refused."""
    with _ledger() as ledger:
        done = doi.confirm(ledger, token, _evidence(ip, user_agent), at=_moment(at))
    err.print(f"confirmed: {done.purpose} by {done.channel} at {done.confirmed_at:%Y-%m-%d %H:%M:%S} UTC")


@app.command()
def withdraw(
    purpose: Annotated[str | None, typer.Option(help="Purpose key (not with --token).")] = None,
    channel: ChannelOption = Channel.EMAIL,
    via: Annotated[str, typer.Option(help=", ".join(unsubscribe.ROUTES))] = "letter",
    email: Email = None,
    phone: Phone = None,
    customer_number: CustomerNumber = None,
    token: Annotated[
        str | None, typer.Option(help="An unsubscribe token instead of person and purpose.")
    ] = None,
    at: At = None,
    note: Annotated[str | None, typer.Option(help="Reference or note kept as evidence.")] = None,
) -> None:
    """Record a withdrawal of consent; it takes effect at once (or at --at)."""
    evidence = _evidence(None, None, reference=note)
    with _ledger() as ledger:
        if token is not None:
            done = unsubscribe.withdraw_by_token(ledger, token, via, _moment(at), evidence)
        else:
            if purpose is None:
                raise _fail("give --purpose (or --token)")
            person = _person(email, phone, customer_number)
            done = unsubscribe.withdraw(ledger, person, purpose, channel.value, via, _moment(at), evidence)
    err.print(
        f"{done.recorded_as}: {done.purpose} by {done.channel} via {done.via} at {done.at:%Y-%m-%d %H:%M} UTC"
    )


@app.command("proof")
def proof_command(
    purpose: Purpose,
    channel: ChannelOption = Channel.EMAIL,
    email: Email = None,
    phone: Phone = None,
    customer_number: CustomerNumber = None,
    fmt: Annotated[
        document.Format, typer.Option("--format", help="json, html or pdf.")
    ] = document.Format.JSON,
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of standard output.")] = None,
    lang: Lang = "de",
    reason: Annotated[str | None, typer.Option(help="Why the proof is needed (audit trail).")] = None,
) -> None:
    """The proof of one consent (history, wording, evidence, gaps) as JSON, HTML or PDF. Audited."""
    person = _person(email, phone, customer_number)
    with _ledger() as ledger:
        built = proof.build(
            ledger, person, purpose, channel.value, Actor.cli(reason or "consent proof"), lang
        )
    _write(document.render(built, fmt), out, binary=fmt is document.Format.PDF)


@app.command()
def expire(at: At = None) -> None:
    """Turn double opt-in requests whose link lapsed unconfirmed into `expired` events."""
    with _ledger() as ledger:
        expired = doi.expire(ledger, _moment(at))
    err.print(f"{len(expired)} unconfirmed requests expired")


@app.command("unsubscribe-headers")
def unsubscribe_headers(
    email: Annotated[str, typer.Option(help="Address the message goes to.")],
    purpose: Purpose,
    base_url: Annotated[str, typer.Option(help="https base of the one-click URL.")],
    channel: ChannelOption = Channel.EMAIL,
    mailto: Annotated[str | None, typer.Option(help="Mailbox for unsubscribe replies.")] = None,
) -> None:
    """The RFC 8058 List-Unsubscribe headers for one message."""
    with _ledger() as ledger:
        token = unsubscribe.unsubscribe_token(ledger, email, purpose, channel.value)
    try:
        headers = unsubscribe.list_unsubscribe_headers(base_url, token, mailto)
    except AuskunftError as exc:
        raise _fail(str(exc)) from None
    for name, value in headers.items():
        typer.echo(f"{name}: {value}")
