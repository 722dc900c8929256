"""The chat's messages go where every channel's go: the conversation service."""

from __future__ import annotations

from auskunft.conversations import agent, outbox, service
from auskunft.conversations.model import Inbound, Received
from auskunft.ledger import Actor, Ledger


class ServiceStore:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.mailer = outbox.smtp_mailer(ledger.settings)
        """Sends the acknowledgement when a chat message turns out to be a data-subject request."""

    def inbound(self, inbound: Inbound) -> Received:
        return service.receive(self.ledger, inbound, self.mailer)

    def outbound(self, conversation_id: int, body: str, author: str) -> None:
        agent.write(self.ledger, conversation_id, body, Actor(author))
