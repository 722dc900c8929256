"""`auskunft requests classify FILE`: is this message a data-subject request, and of which kind?"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from auskunft.errors import AuskunftError
from auskunft.requests.message_text import from_file
from auskunft.requests.recognise import Recognition, recognise

app = typer.Typer(help="Data-subject requests (Art. 15-21 GDPR): recognition.", no_args_is_help=True)
err = Console(stderr=True, soft_wrap=True)


@app.callback()
def requests() -> None:
    """Data-subject requests: recognition and cases."""


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    return typer.Exit(2)


def _text(result: Recognition) -> str:
    lines = [
        f"kind: {result.kind.value if result.kind else '-'} "
        f"({', '.join(kind.value for kind in result.kinds) or 'no request'})",
        f"confidence: {result.confidence:.2f}  language: {result.language}",
    ]
    if result.reference:
        lines.append(f"reference: {result.reference}")
    if result.date:
        lines.append(f"date: {result.date.isoformat()}")
    if result.direct_marketing:
        lines.append("direct marketing: yes")
    if result.refers_to:
        earlier = result.refers_to.as_dict()
        lines.append("refers to: " + ", ".join(f"{k} {v}" for k, v in earlier.items() if v))
    lines += [f"identity: {key}: {value}".replace("\n", ", ") for key, value in result.identity.items()]
    lines += [f"evidence: {item.kind.value} {item.weight:g} “{item.phrase}”" for item in result.evidence]
    return "\n".join(lines)


@app.command()
def classify(
    file: Annotated[
        str, typer.Argument(help="The message: an e-mail (.eml) or plain text; - for standard input.")
    ],
    fmt: Annotated[str, typer.Option("--format", help="json or text.")] = "json",
    received: Annotated[
        str | None, typer.Option(help="Day the message arrived (ISO date); default: its Date header.")
    ] = None,
) -> None:
    """Recognise a data-subject request in one message and print kind, reference, identity lines, date."""
    if fmt not in ("json", "text"):
        raise _fail(f"unknown format {fmt!r} (use json or text)")
    try:
        day = date.fromisoformat(received) if received else None
    except ValueError:
        raise _fail(f"unparseable date {received!r} (use YYYY-MM-DD)") from None
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise _fail(f"cannot read {file}: {exc.strerror}") from None
    try:
        message = from_file("stdin" if file == "-" else Path(file).name, raw)
    except AuskunftError as exc:
        raise _fail(str(exc)) from None
    result = recognise(message.text, message.subject, received=day or message.received)
    if fmt == "json":
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(_text(result))
