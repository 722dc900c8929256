"""One call in the call log: who called (or was called), when, for how long, which agent, what was said."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from auskunft.conversations import service
from auskunft.conversations.model import Channel, Inbound, Received
from auskunft.errors import InvalidInput
from auskunft.ledger import Ledger

MAX_NOTES = 20_000


@dataclass(frozen=True, slots=True)
class Call:
    caller: str
    """The customer's number as the telephone system shows it (normalised to E.164 by the ledger)."""
    started_at: datetime
    duration_s: int
    agent: str | None = None
    notes: str = ""
    direction: Literal["inbound", "outbound"] = "inbound"
    line: str | None = None
    """The hotline number or extension the call came in on (the source detail)."""
    call_id: str | None = None
    """The telephone system's id of the call: importing the same record twice stores it once."""
    queue: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def inbound(call: Call) -> Inbound:
    if call.started_at.tzinfo is None:
        raise InvalidInput("the call's start time has no time zone")
    if call.duration_s < 0:
        raise InvalidInput("a call cannot last less than 0 seconds")
    if len(call.notes) > MAX_NOTES:
        raise InvalidInput(f"call notes longer than {MAX_NOTES} characters")
    meta: dict[str, object] = {"duration_s": call.duration_s, "call_direction": call.direction}
    if call.agent:
        meta["agent"] = call.agent
    meta |= call.extra
    return Inbound(
        channel=Channel.PHONE,
        received_at=call.started_at,
        body=call.notes,
        sender={"phone": call.caller},
        topic=None,
        queue=call.queue,
        to=call.line,
        external_id=call.call_id,
        meta=meta,
        author=call.agent,
    )


def log_call(ledger: Ledger, call: Call) -> Received:
    """Record the call: a conversation of channel `hotline`, the caller's number and notes in the ledger."""
    return service.receive(ledger, inbound(call))
