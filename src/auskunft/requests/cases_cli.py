"""`auskunft requests ...` for cases: list, show, open, verify, send-code, extend, refuse, answer, warn.

Attached to the `requests` command group (requests/cli.py, which holds `classify`) by `register`.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from auskunft.conversations import outbox
from auskunft.domain.identifiers import exactly_one
from auskunft.errors import AuskunftError
from auskunft.ledger import Actor, Ledger
from auskunft.requests import cases, decisions, overview
from auskunft.requests.kinds import RequestKind

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

CaseId = Annotated[int, typer.Argument(help="Case id.")]
As = Annotated[str | None, typer.Option("--as", help="Who acts (audit trail); default: cli:<user>.")]
_STYLE = {"overdue": "bold red", "due_soon": "yellow", "on_track": "", "closed": "dim"}


def _actor(name: str | None, reason: str | None = None) -> Actor:
    return Actor(name, reason) if name else Actor.cli(reason)


def _fail(exc: AuskunftError) -> typer.Exit:
    err.print(f"[red]error:[/red] {exc}", highlight=False)
    return typer.Exit(2)


def _case_json(case: cases.Case) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(case, name) for name in case.__dataclass_fields__}
    data["number"] = case.number
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}


def list_cases(
    all_: Annotated[bool, typer.Option("--all", help="Closed cases too.")] = False,
    kind: Annotated[RequestKind | None, typer.Option(help="Only this kind.")] = None,
    due_within: Annotated[int | None, typer.Option(help="Only those due within this many days.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Request cases by deadline: overdue and due within a week highlighted."""
    try:
        with Ledger.open() as ledger, ledger.engine.connect() as connection:
            items = overview.list_cases(
                connection,
                cases.today(ledger),
                open_only=not all_,
                kind=kind.value if kind else None,
                due_within=due_within,
            )
    except AuskunftError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(
            json.dumps(
                [_case_json(i.case) | {"urgency": i.urgency.value, "days_left": i.days_left} for i in items],
                indent=2,
            )
        )
        return
    table = Table("id", "number", "kind", "state", "received", "due", "days left", "channel")
    for item in items:
        c = item.case
        table.add_row(
            str(c.id),
            c.number,
            c.kind.value,
            c.state.value,
            f"{c.received_on:%d.%m.%Y}",
            f"{c.due_on:%d.%m.%Y}",
            str(item.days_left),
            c.channel,
            style=_STYLE[item.urgency.value],
        )
    out.print(table)


def show(
    case_id: CaseId, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """One case with its trail of events."""
    try:
        with Ledger.open() as ledger, ledger.engine.connect() as connection:
            case = cases.get(connection, case_id)
            trail = overview.events(connection, case_id)
    except AuskunftError as exc:
        raise _fail(exc) from None
    if as_json:
        data = _case_json(case) | {
            "events": [
                {"at": at, "actor": actor, "action": action, "detail": detail}
                for at, actor, action, detail in trail
            ]
        }
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    out.print(
        f"[bold]{case.number}[/bold] {case.kind.value} ({case.language}), {case.state.value}; received "
        f"{case.received_on:%d.%m.%Y} via {case.channel}, due {case.due_on:%d.%m.%Y}",
        highlight=False,
    )
    if case.reference:
        out.print(f"their reference: {case.reference}", markup=False)
    if case.extension_reason:
        out.print(f"extended by {case.extended_months} month(s): {case.extension_reason}", markup=False)
    if case.outcome:
        out.print(f"outcome: {case.outcome}", markup=False)
    for at, actor, action, detail in trail:
        extra = ", ".join(f"{k}={v}" for k, v in detail.items())
        out.print(f"  {at}  {actor:<20} {action} {extra}", markup=False, highlight=False)


def open_(
    kind: Annotated[RequestKind, typer.Option(help="Kind of request.")],
    email: Annotated[str | None, typer.Option(help="The requester's email address.")] = None,
    phone: Annotated[str | None, typer.Option(help="The requester's phone number.")] = None,
    customer_number: Annotated[str | None, typer.Option(help="The requester's customer number.")] = None,
    received: Annotated[str | None, typer.Option(help="Date received (YYYY-MM-DD); default today.")] = None,
    channel: Annotated[str, typer.Option(help="How it came: letter, hotline, portal, ...")] = "letter",
    lang: Annotated[str, typer.Option(help="Language of the requester: de or en.")] = "de",
    reference: Annotated[str | None, typer.Option(help="The requester's own reference.")] = None,
    actor: As = None,
) -> None:
    """Open a case for a request that came by letter, phone or in person."""
    one = exactly_one(email, phone, customer_number)
    if one is None:
        raise typer.BadParameter("give exactly one of --email, --phone, --customer-number")
    try:
        with Ledger.open() as ledger:
            day = date.fromisoformat(received) if received else cases.today(ledger)
            case_id = cases.open_manual(
                ledger,
                kind,
                day,
                {one[0].value: one[1]},
                _actor(actor),
                channel=channel,
                language="en" if lang == "en" else "de",
                reference=reference,
            )
    except ValueError:
        raise typer.BadParameter("--received must be YYYY-MM-DD") from None
    except AuskunftError as exc:
        raise _fail(exc) from None
    err.print(f"case {case_id} opened")


def verify(
    case_id: CaseId,
    code: Annotated[str, typer.Argument(help="The code the requester returned.")],
    actor: As = None,
) -> None:
    """Enter the identity code the requester returned; the case goes in progress."""
    try:
        with Ledger.open() as ledger:
            case = cases.verify(ledger, case_id, code, _actor(actor))
    except AuskunftError as exc:
        raise _fail(exc) from None
    err.print(f"case {case.number}: identity verified, {case.state.value}")


def send_code(case_id: CaseId, actor: As = None) -> None:
    """Send a new identity code to the address on file (voids the earlier one)."""
    try:
        with Ledger.open() as ledger:
            cases.start_identity_check(ledger, case_id, outbox.smtp_mailer(ledger.settings), _actor(actor))
    except AuskunftError as exc:
        raise _fail(exc) from None
    err.print("done; see `auskunft requests show` for where the code went")


def extend(
    case_id: CaseId,
    months: Annotated[int, typer.Option(help="Months to extend by (1 or 2; at most 2 in all).")],
    reason: Annotated[str, typer.Option(help="Why (told to the requester, Art. 12(3) GDPR).")],
    actor: As = None,
) -> None:
    """Extend the deadline by up to two months, with the reason told to the requester."""
    try:
        with Ledger.open() as ledger:
            case = decisions.extend(
                ledger, case_id, months, reason, _actor(actor), outbox.smtp_mailer(ledger.settings)
            )
    except AuskunftError as exc:
        raise _fail(exc) from None
    err.print(f"case {case.number}: due {case.due_on:%d.%m.%Y}")


def refuse(
    case_id: CaseId,
    reason: Annotated[str, typer.Option(help="Why (told to the requester).")],
    actor: As = None,
) -> None:
    """Refuse the request with a reason (Art. 12(4) GDPR); the requester is told, with their remedies."""
    try:
        with Ledger.open() as ledger:
            decisions.refuse(ledger, case_id, reason, _actor(actor), outbox.smtp_mailer(ledger.settings))
    except AuskunftError as exc:
        raise _fail(exc) from None
    err.print(f"case {case_id} refused")


def answer(case_id: CaseId, actor: As = None) -> None:
    """Send the Art. 15 answer (PDF + JSON) to the verified requester and close the case."""
    try:
        with Ledger.open() as ledger:
            decisions.respond_access(ledger, case_id, _actor(actor), outbox.smtp_mailer(ledger.settings))
    except AuskunftError as exc:
        raise _fail(exc) from None
    err.print(f"case {case_id} answered")


def close(
    case_id: CaseId, outcome: Annotated[str, typer.Option(help="What was done.")], actor: As = None
) -> None:
    """Close a case as answered, saying what was done."""
    try:
        with Ledger.open() as ledger:
            decisions.close(ledger, case_id, outcome, _actor(actor))
    except AuskunftError as exc:
        raise _fail(exc) from None
    err.print(f"case {case_id} closed")


def warn(days: Annotated[int, typer.Option(help="Warn this many days before the deadline.")] = 7) -> None:
    """Warn about open cases due within DAYS or overdue (run daily); exit 1 when any is overdue."""
    try:
        with Ledger.open() as ledger:
            warned = overview.warn(ledger, cases.today(ledger), days)
    except AuskunftError as exc:
        raise _fail(exc) from None
    for item in warned:
        c = item.case
        err.print(
            f"{item.urgency.value}: {c.number} {c.kind.value}, due {c.due_on:%d.%m.%Y} "
            f"({item.days_left} days)",
            highlight=False,
        )
    if any(item.urgency.value == "overdue" for item in warned):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("list")(list_cases)
    app.command("show")(show)
    app.command("open")(open_)
    app.command("verify")(verify)
    app.command("send-code")(send_code)
    app.command("extend")(extend)
    app.command("refuse")(refuse)
    app.command("answer")(answer)
    app.command("close")(close)
    app.command("warn")(warn)
