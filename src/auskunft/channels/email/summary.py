"""What a fetch or an import did: counts by outcome and the problems met (never personal data)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from auskunft.conversations.model import Inbound, Received


@dataclass
class Summary:
    messages: int = 0
    received: int = 0
    duplicates: int = 0
    flagged: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    """One line per file or message that could not be read or filed: where, and why."""

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, inbound: Inbound, received: Received) -> None:
        self.messages += 1
        if received.duplicate:
            self.duplicates += 1
            return
        self.received += 1
        self.flagged.update(flag.value for flag in inbound.flags)
        self.requests += received.case_id is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "messages": self.messages,
            "received": self.received,
            "duplicates": self.duplicates,
            "flagged": dict(sorted(self.flagged.items())),
            "requests": self.requests,
            "errors": self.errors,
        }

    def as_text(self) -> str:
        flagged = ", ".join(f"{name} {n}" for name, n in sorted(self.flagged.items()))
        return (
            f"{self.messages} messages: {self.received} received, {self.duplicates} already there, "
            f"{sum(self.flagged.values())} flags ({flagged or 'none'}), "
            f"{self.requests} data-subject requests recognised; {len(self.errors)} problems"
        )
