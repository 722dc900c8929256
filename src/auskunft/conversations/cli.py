"""`auskunft conversations ...`: the inbox, a conversation, replies, notes, assignment, status, queues."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from auskunft.conversations import agent, outbox, queues
from auskunft.conversations.model import Status
from auskunft.errors import AuskunftError
from auskunft.ledger import Actor, Ledger

app = typer.Typer(help="Customer-service conversations on every channel.", no_args_is_help=True)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

As = Annotated[str | None, typer.Option("--as", help="Who acts (audit trail); default: cli:<user>.")]
Reason = Annotated[str | None, typer.Option(help="Why (audit trail).")]


def _actor(name: str | None, reason: str | None) -> Actor:
    return Actor(name, reason) if name else Actor.cli(reason)


def _fail(exc: AuskunftError) -> typer.Exit:
    err.print(f"[red]error:[/red] {exc}", highlight=False)
    return typer.Exit(2)


def _iso(value: Any) -> Any:
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else value


@app.command("list")
def list_(
    queue: Annotated[str | None, typer.Option(help="Only this queue (kundenservice, technik, ...).")] = None,
    status: Annotated[str, typer.Option(help="open, pending, closed or all.")] = "open",
    assignee: Annotated[str | None, typer.Option(help="Only those assigned to this agent.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The inbox: conversations, the one whose first response is due soonest first."""
    try:
        with Ledger.open() as ledger, ledger.engine.connect() as connection:
            rows = agent.inbox(
                connection, queue=queue, status=None if status == "all" else status, assignee=assignee
            )
    except AuskunftError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(json.dumps([{k: _iso(v) for k, v in vars_(r).items()} for r in rows], indent=2))
        return
    table = Table("id", "queue", "channel", "status", "topic", "assignee", "first response due")
    for r in rows:
        due = r.first_response_due.strftime("%d.%m. %H:%M") if r.first_response_due else "–"
        table.add_row(str(r.id), r.queue, r.channel, r.status, (r.topic or "")[:50], r.assignee or "", due)
    out.print(table)


def vars_(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__dataclass_fields__}


@app.command()
def show(
    conversation: Annotated[int, typer.Argument(help="Conversation id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    actor: As = None,
    reason: Reason = None,
) -> None:
    """One conversation with its messages and internal notes (audited)."""
    try:
        with Ledger.open() as ledger:
            view = agent.show(ledger, conversation, _actor(actor, reason))
    except AuskunftError as exc:
        raise _fail(exc) from None
    data = vars_(view)
    data["messages"] = [{k: _iso(v) for k, v in vars_(m).items()} for m in view.messages]
    if as_json:
        typer.echo(json.dumps({k: _iso(v) for k, v in data.items()}, indent=2, ensure_ascii=False))
        return
    out.print(
        f"[bold]#{view.id}[/bold] {view.topic or ''} — {view.queue}, {view.channel}, {view.status}",
        highlight=False,
    )
    if view.case_ids:
        out.print(f"request cases: {', '.join(map(str, view.case_ids))}")
    for m in view.messages:
        flags = f" [{', '.join(m.flags)}]" if m.flags else ""
        out.print(
            f"\n[bold]{m.direction}[/bold] {m.at:%d.%m.%Y %H:%M} {m.author or ''}{flags}", highlight=False
        )
        out.print(m.body, markup=False, highlight=False)
        for name, ctype, size, kind in m.attachments:
            out.print(f"  📎 {name} ({ctype}, {size} bytes{', raw' if kind == 'raw' else ''})", markup=False)


def _text(text: str | None, file: typer.FileText | None) -> str:
    if text is not None and file is None:
        return text
    if file is not None and text is None:
        return file.read()
    raise typer.BadParameter("give exactly one of --text and --file")


@app.command()
def reply(
    conversation: Annotated[int, typer.Argument(help="Conversation id.")],
    text: Annotated[str | None, typer.Option(help="The reply.")] = None,
    file: Annotated[typer.FileText | None, typer.Option(help="Read the reply from this file.")] = None,
    actor: As = None,
) -> None:
    """Reply to the customer (sent by email on email conversations)."""
    body = _text(text, file)
    try:
        with Ledger.open() as ledger:
            message_id = agent.write(
                ledger, conversation, body, _actor(actor, None), mailer=outbox.smtp_mailer(ledger.settings)
            )
    except AuskunftError as exc:
        raise _fail(exc) from None
    err.print(f"reply {message_id} stored")


@app.command()
def note(
    conversation: Annotated[int, typer.Argument(help="Conversation id.")],
    text: Annotated[str, typer.Option(help="The internal note.")],
    actor: As = None,
) -> None:
    """Add an internal note (never sent; part of the customer's Art. 15 answer)."""
    try:
        with Ledger.open() as ledger:
            message_id = agent.write(ledger, conversation, text, _actor(actor, None), note=True)
    except AuskunftError as exc:
        raise _fail(exc) from None
    err.print(f"note {message_id} stored")


@app.command()
def assign(
    conversation: Annotated[int, typer.Argument(help="Conversation id.")],
    to: Annotated[str | None, typer.Option(help="The agent; leave out to unassign.")] = None,
    actor: As = None,
) -> None:
    """Assign a conversation to an agent."""
    try:
        with Ledger.open() as ledger:
            agent.assign(ledger, conversation, to, _actor(actor, None))
    except AuskunftError as exc:
        raise _fail(exc) from None


@app.command()
def status(
    conversation: Annotated[int, typer.Argument(help="Conversation id.")],
    value: Annotated[Status, typer.Argument(help="open, pending or closed.")],
    actor: As = None,
) -> None:
    """Set a conversation's status."""
    try:
        with Ledger.open() as ledger:
            agent.set_status(ledger, conversation, value, _actor(actor, None))
    except AuskunftError as exc:
        raise _fail(exc) from None


@app.command()
def move(
    conversation: Annotated[int, typer.Argument(help="Conversation id.")],
    queue: Annotated[str, typer.Argument(help="Queue key.")],
    actor: As = None,
) -> None:
    """Move a conversation to another queue."""
    try:
        with Ledger.open() as ledger:
            agent.move(ledger, conversation, queue, _actor(actor, None))
    except AuskunftError as exc:
        raise _fail(exc) from None


@app.command("queues")
def queues_() -> None:
    """List the queues with their addresses and first-response times."""
    with Ledger.open() as ledger, ledger.engine.begin() as connection:
        rows = queues.all_queues(connection)
    table = Table("key", "name", "address", "first response (h)")
    for q in rows:
        table.add_row(q.key, q.label("de"), q.address or "", str(q.first_response_hours))
    out.print(table)


@app.command("queue-set")
def queue_set(
    key: Annotated[str, typer.Argument(help="Queue key, e.g. technik.")],
    name_de: Annotated[str, typer.Option(help="German name.")],
    name_en: Annotated[str, typer.Option(help="English name.")],
    address: Annotated[str | None, typer.Option(help="The department's email address.")] = None,
    hours: Annotated[int, typer.Option(help="First-response time in hours.")] = 24,
) -> None:
    """Create or change a queue."""
    try:
        with Ledger.open() as ledger, ledger.engine.begin() as connection:
            queues.ensure_defaults(connection)
            queues.save(connection, queues.QueueSpec(key, name_de, name_en, address, hours))
    except AuskunftError as exc:
        raise _fail(exc) from None
