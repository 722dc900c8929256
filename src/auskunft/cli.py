"""The command line: `auskunft` (Typer). Every command is documented in docs/cli.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from auskunft import subject_cli
from auskunft.answer.builder import SubjectQuery
from auskunft.answer.render import Format, render
from auskunft.channels.email import cli as email_cli
from auskunft.channels.phone import cli as phone_cli
from auskunft.consent import cli as consent_cli
from auskunft.conversations import cli as conversations_cli
from auskunft.domain.identifiers import exactly_one
from auskunft.errors import AuskunftError
from auskunft.i18n import language
from auskunft.knowledge import legal_cli, search_cli
from auskunft.ledger import Actor, Ledger
from auskunft.marketing import cli as marketing_cli
from auskunft.requests import cases_cli
from auskunft.requests import cli as requests_cli
from auskunft.web import apikey_cli, serve_cli, users_cli
from auskunft.web.opendsr import cli as opendsr_cli

app = typer.Typer(
    help="auskunft: the personal-data ledger and its Art. 15 answers.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold personal data
)
register_app = typer.Typer(help="The register of processing activities (Art. 30 GDPR).", no_args_is_help=True)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
app.add_typer(register_app, name="register")
app.add_typer(db_app, name="db")
app.add_typer(marketing_cli.app, name="marketing")
app.add_typer(consent_cli.app, name="consent")
app.add_typer(apikey_cli.app, name="apikey")
app.add_typer(serve_cli.app, name="serve")
app.add_typer(users_cli.app, name="users")
app.add_typer(opendsr_cli.app, name="opendsr")
app.add_typer(subject_cli.app, name="subject")
app.add_typer(legal_cli.app, name="legal")
app.add_typer(search_cli.faq_app, name="faq")
app.add_typer(conversations_cli.app, name="conversations")
app.add_typer(email_cli.app, name="email")
app.add_typer(phone_cli.app, name="phone")
cases_cli.register(requests_cli.app)
app.add_typer(requests_cli.app, name="requests")

err = Console(stderr=True, soft_wrap=True)


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the schema or bring it to the newest migration."""
    try:
        Ledger.open().close()
    except AuskunftError as exc:
        raise _fail(str(exc)) from None
    err.print("schema is current")


@app.command()
def ingest(
    file: Annotated[str, typer.Argument(help="JSON Lines file of events, or - for standard input.")],
    output: Annotated[str, typer.Option("--report", help="Report format: text or json.")] = "text",
) -> None:
    """Ingest events (docs/events.md). Bad lines are reported; valid lines are stored all the same."""
    try:
        if file == "-":
            with Ledger.open() as ledger:
                report = ledger.ingest_lines(sys.stdin)
        else:
            try:
                handle = Path(file).open(encoding="utf-8")  # noqa: SIM115 - closed below
            except OSError as exc:
                raise _fail(f"cannot read {file}: {exc.strerror}") from None
            with handle, Ledger.open() as ledger:
                report = ledger.ingest_lines(handle)
    except AuskunftError as exc:
        raise _fail(str(exc)) from None
    except UnicodeDecodeError:
        raise _fail(f"{file} is not UTF-8 text") from None
    if output == "json":
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        stored = ", ".join(f"{n} {kind}" for kind, n in sorted(report.stored.items())) or "nothing"
        err.print(
            f"{report.lines} lines: stored {stored}; {report.duplicates} already stored; "
            f"{report.subjects_created} new subjects, {report.subjects_merged} merged; "
            f"{len(report.errors)} refused",
            highlight=False,
        )
        for error in report.errors:
            err.print(f"  {error}", highlight=False, markup=False)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def demo(
    customers: Annotated[
        int, typer.Option(help="Number of ordinary customers besides the storylines.")
    ] = 200,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing if the ledger holds anyone.")
    ] = False,
) -> None:
    """Load the demo company "Beispiel Versand GmbH" (register and histories). Idempotent."""
    from auskunft.demo import users as demo_users
    from auskunft.demo.generator import STORYLINES
    from auskunft.demo.load import load_demo

    try:
        with Ledger.open() as ledger:
            if if_empty and not ledger.is_empty():
                err.print("the ledger already holds data; demo not loaded")
                err.print("console logins of the demo: " + "; ".join(demo_users.logins()), highlight=False)
                return
            loaded, report = load_demo(ledger, customers)
    except AuskunftError as exc:
        raise _fail(str(exc)) from None
    stored = sum(report.stored.values())
    err.print(
        f"demo company loaded: {loaded.activities} activities, {loaded.recipients} recipients; "
        f"{stored} events stored, {report.duplicates} already there, {report.subjects_created} people",
        highlight=False,
    )
    err.print("storyline customers: " + ", ".join(STORYLINES.values()), highlight=False)
    err.print(
        "console logins (http://127.0.0.1:8000/console): " + "; ".join(demo_users.logins()), highlight=False
    )
    if not report.ok:
        for error in report.errors[:20]:
            err.print(f"  {error}", highlight=False, markup=False)
        raise typer.Exit(1)


@register_app.command("load")
def register_load(
    file: Annotated[Path, typer.Argument(help="Register file (YAML, docs/register.md).")],
) -> None:
    """Load the register of processing activities, recipients and retention rules."""
    try:
        with Ledger.open() as ledger:
            report = ledger.load_register(file)
    except AuskunftError as exc:
        raise _fail(str(exc)) from None
    err.print(
        f"register loaded: {report.activities} activities, {report.recipients} recipients, "
        f"{report.retention_rules} retention rules"
    )


@app.command()
def answer(
    email: Annotated[str | None, typer.Option(help="Email address of the person.")] = None,
    phone: Annotated[str | None, typer.Option(help="Phone number of the person.")] = None,
    customer_number: Annotated[str | None, typer.Option(help="Customer number of the person.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.TEXT,
    lang: Annotated[str, typer.Option(help="Language of the answer: de or en.")] = "de",
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of standard output.")] = None,
    reason: Annotated[str | None, typer.Option(help="Why the data are looked at (audit trail).")] = None,
) -> None:
    """Build the Art. 15 answer for one person."""
    one = exactly_one(email, phone, customer_number)
    if one is None:
        raise _fail("give exactly one of --email, --phone, --customer-number")
    if lang not in ("de", "en"):
        raise _fail("--lang must be de or en")
    kind, value = one
    try:
        with Ledger.open() as ledger:
            result = ledger.answer(SubjectQuery(kind, value), language(lang), Actor.cli(reason))
    except AuskunftError as exc:
        raise _fail(str(exc)) from None
    data = render(result, fmt)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        err.print(f"written to {out}")
    elif fmt is Format.PDF and sys.stdout.isatty():
        raise _fail("refusing to write a PDF to the terminal; use --out FILE")
    else:
        sys.stdout.buffer.write(data)
        if not data.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")
