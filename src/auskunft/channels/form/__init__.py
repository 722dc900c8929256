"""The contact form (docs/form.md): configured fields only, Art. 13 information beside it, spam protection
without third parties, an optional double opt-in, and every submission a conversation with the form's URL as
its source.

`install(app)` adds its routes to the web application.
"""

from __future__ import annotations

import time

from fastapi import FastAPI

from auskunft.channels.form.channel import FormChannel
from auskunft.channels.form.config import FormConfig, configured
from auskunft.channels.form.guard import Clock
from auskunft.channels.form.views import router
from auskunft.config import get_settings
from auskunft.conversations.outbox import Mailer
from auskunft.ledger import Ledger

__all__ = ["FormChannel", "Mailer", "install"]


def install(
    app: FastAPI,
    config: FormConfig | None = None,
    *,
    mailer: Mailer | None = None,
    clock: Clock = time.time,
) -> FormChannel:
    """Add `GET`/`POST /kontakt` to `app`; the channel is kept as `app.state.contact_form`.

    `config`: the form; default: `AUSKUNFT_CONTACT_FORM_FILE`, else the demo company's form.
    """

    def ledger() -> Ledger:
        opened = app.state.ledger
        assert isinstance(opened, Ledger), "the ledger is opened when the application starts"
        return opened

    channel = FormChannel(ledger, config or configured(get_settings()), mailer=mailer, clock=clock)
    app.state.contact_form = channel
    app.include_router(router(channel))
    return channel
