"""`auskunft serve`: the web application under uvicorn."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from auskunft.errors import AuskunftError
from auskunft.ledger import Ledger
from auskunft.web.api.events import MAX_EVENTS_BYTES
from auskunft.web.app import create_app

app = typer.Typer()
err = Console(stderr=True, soft_wrap=True, highlight=False)


class WithoutQuery(logging.Filter):
    """Drops the query string from uvicorn's access log: it names people (`/api/v1/answers?email=...`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5 and isinstance(record.args[2], str):
            client, method, path, version, status = record.args
            record.args = (client, method, str(path).split("?", 1)[0], version, status)
        return True


@app.callback(invoke_without_command=True)
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    max_events_bytes: Annotated[
        int, typer.Option(min=1, help="Largest body POST /api/v1/events accepts (413 beyond).")
    ] = MAX_EVENTS_BYTES,
) -> None:
    """Serve the web application: the REST API under /api/v1, its documentation under /api/docs."""
    try:
        ledger = Ledger.open()
    except AuskunftError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    with ledger:
        config = uvicorn.Config(create_app(ledger, max_events_bytes=max_events_bytes), host=host, port=port)
        logging.getLogger("uvicorn.access").addFilter(WithoutQuery())
        uvicorn.Server(config).run()
