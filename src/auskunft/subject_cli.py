"""`auskunft subject ...`: what is done to one person's data as a whole (erasure, Art. 17 GDPR)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from auskunft.answer.builder import SubjectQuery, find_subject
from auskunft.domain.identifiers import exactly_one
from auskunft.errors import AuskunftError
from auskunft.ledger import Actor, Ledger

app = typer.Typer(help="One person's data as a whole: erasure (Art. 17 GDPR).", no_args_is_help=True)
err = Console(stderr=True, soft_wrap=True)


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    return typer.Exit(code)


@app.command()
def erase(
    reason: Annotated[str, typer.Option(help="Why the data are erased (audit trail), e.g. the request.")],
    email: Annotated[str | None, typer.Option(help="Email address of the person.")] = None,
    phone: Annotated[str | None, typer.Option(help="Phone number of the person.")] = None,
    customer_number: Annotated[str | None, typer.Option(help="Customer number of the person.")] = None,
    suppress: Annotated[
        bool | None,
        typer.Option(
            "--suppress/--no-suppress",
            help="Keep the person's email addresses and phone numbers (as hashes) on the suppression "
            "list. Default: when the person ever objected to advertising or withdrew a consent to it. "
            "An objection on record is always kept there.",
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="Report format: text or json.")] = "text",
) -> None:
    """Erase one person's data: records, identifiers, consents, disclosures, objections. Verified, audited."""
    one = exactly_one(email, phone, customer_number)
    if one is None:
        raise _fail("give exactly one of --email, --phone, --customer-number")
    query = SubjectQuery(*one)
    if not reason.strip():
        raise _fail("--reason must not be empty")
    try:
        with Ledger.open() as ledger:
            with ledger.engine.connect() as connection:
                subject_id = find_subject(connection, ledger.index, query, ledger.settings.default_region)
            if subject_id is None:
                raise _fail("nobody with this identifier is in the ledger; nothing erased", 1)
            report = ledger.erase(subject_id, Actor.cli(reason), reason, suppress)
    except AuskunftError as exc:
        raise _fail(str(exc)) from None
    if fmt == "json":
        typer.echo(json.dumps(report.as_dict(), indent=2))
        return
    deleted = ", ".join(f"{n} {table}" for table, n in report.deleted.items())
    listed = "on the suppression list" if report.suppressed else "not on the suppression list"
    err.print(
        f"subject {report.subject_id} erased and verified: deleted {deleted}; addresses {listed} "
        f"({report.suppressions_added} added)",
        highlight=False,
    )
