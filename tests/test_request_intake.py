"""The letters companies really receive open cases of the right kind and deadline; ordinary mail opens none.

The letters come from ../shared/requests (datenanfragen.de templates and samples); the negative set is ours
(tests/data/messages/negative). Each goes through the same path as a message from the mailbox.
"""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from auskunft.conversations import service
from auskunft.conversations.model import Channel, Inbound
from auskunft.ledger import Ledger
from auskunft.requests import cases
from auskunft.store import conversation_tables as ct

SHARED = Path(__file__).resolve().parents[2] / "shared" / "requests"
NEGATIVE = Path(__file__).parent / "data" / "messages" / "negative"
RECEIVED = datetime(2026, 1, 31, 11, 0, tzinfo=UTC)
KINDS = {
    "access": "access",
    "erasure": "erasure",
    "objection": "objection",
    "rectification": "rectification",
    "auskunft": "access",
    "loeschung": "erasure",
    "werbewiderspruch": "objection",
    "berichtigung": "rectification",
}

LETTERS = sorted((SHARED / "letters").glob("*.eml.txt")) + sorted((SHARED / "samples").glob("*.txt"))


def expected_kind(path: Path) -> str:
    for word, kind in KINDS.items():
        if word in path.name:
            return kind
    raise AssertionError(f"no kind in {path.name}")


def as_inbound(text: str, n: int, sender: str = "anfragende.person@example.com") -> Inbound:
    message = email.message_from_string(text, policy=email.policy.default)
    subject = message["Subject"]
    body = message.get_content() if subject else text
    return Inbound(
        channel=Channel.EMAIL,
        received_at=RECEIVED,
        body=body,
        sender={"email": sender},
        topic=str(subject) if subject else None,
        to="datenschutz@example.de",
        external_id=f"<{n}@x>",
    )


def test_the_shared_letters_are_all_there() -> None:
    assert len(LETTERS) == 18


@pytest.mark.parametrize("path", LETTERS, ids=lambda p: p.name)
def test_every_received_letter_opens_a_case_of_its_kind_due_a_month_later(ledger: Ledger, path: Path) -> None:
    received = service.receive(ledger, as_inbound(path.read_text("utf-8"), 1))
    assert received.case_id is not None, path.name
    with ledger.engine.connect() as connection:
        case = cases.get(connection, received.case_id)
        queue = connection.scalar(
            select(ct.Queue.key)
            .join(ct.Conversation, ct.Conversation.queue_id == ct.Queue.id)
            .where(ct.Conversation.id == received.conversation_id)
        )
    assert case.kind.value == expected_kind(path)
    assert (case.received_on, case.due_on) == (date(2026, 1, 31), date(2026, 2, 28))
    assert queue == "datenschutz"


def test_ordinary_customer_service_mail_opens_no_case(ledger: Ledger) -> None:
    paths = sorted(NEGATIVE.glob("*.txt"))
    assert len(paths) >= 60
    for n, path in enumerate(paths):
        received = service.receive(ledger, as_inbound(path.read_text("utf-8"), n, f"kunde{n}@example.de"))
        assert received.case_id is None, path.name
    with ledger.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(ct.RequestCase)) == 0
        assert connection.scalar(select(func.count()).select_from(ct.Message)) == len(paths)
