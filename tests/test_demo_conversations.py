"""The demo company's customer service shows conversations on every channel and requests at every urgency."""

from __future__ import annotations

from datetime import UTC, datetime

from auskunft.conversations import agent
from auskunft.demo import conversations
from auskunft.ledger import Ledger
from auskunft.requests import overview

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def test_demo_contacts_arrive_on_every_channel_and_open_requests_of_every_urgency(ledger: Ledger) -> None:
    assert conversations.load(ledger, NOW) == len(conversations.CONTACTS)
    assert conversations.load(ledger, NOW) == 0
    with ledger.engine.connect() as connection:
        channels = {c.channel for c in agent.inbox(connection, status=None)}
        listed = overview.list_cases(connection, NOW.date())
    assert channels == {"email", "hotline", "contact_form", "chat"}
    assert {(i.case.kind.value, i.urgency.value) for i in listed} == {
        ("access", "overdue"),
        ("objection", "due_soon"),
        ("erasure", "on_track"),
    }
