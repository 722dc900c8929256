"""Who is calling: the caller's number finds the customer, their conversations and open requests."""

from __future__ import annotations

from dataclasses import dataclass

from auskunft.answer.builder import SubjectQuery, find_subject
from auskunft.conversations import agent
from auskunft.conversations.service import audit
from auskunft.domain.identifiers import IdentifierKind
from auskunft.ledger import Actor, Ledger
from auskunft.requests import cases, overview


@dataclass(frozen=True, slots=True)
class CallerHistory:
    subject_id: int | None
    conversations: list[agent.Summary]
    open_cases: list[overview.Listed]


def caller_history(ledger: Ledger, number: str, actor: Actor) -> CallerHistory:
    """The person behind `number` and their history; the look-up is audited. Unknown number: empty."""
    with ledger.engine.begin() as connection:
        subject_id = find_subject(
            connection,
            ledger.index,
            SubjectQuery(IdentifierKind.PHONE, number),
            ledger.settings.default_region,
        )
        audit(connection, actor, "caller.lookup", subject_id, "caller number look-up")
        if subject_id is None:
            return CallerHistory(None, [], [])
        conversations = agent.inbox(connection, status=None, subject_id=subject_id, limit=50)
        today = cases.today(ledger)
        open_cases = [
            item
            for item in overview.list_cases(connection, today)
            if item.case.subject_id == subject_id
            or item.case.conversation_id in {c.id for c in conversations}
        ]
    return CallerHistory(subject_id, conversations, open_cases)
