"""What an ingestion run did: counts, and every line it refused with the reason."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    event_id: str | None
    reason: str

    def __str__(self) -> str:
        event = f" (event {self.event_id})" if self.event_id else ""
        return f"line {self.line}{event}: {self.reason}"


@dataclass(slots=True)
class IngestReport:
    lines: int = 0
    stored: Counter[str] = field(default_factory=Counter)
    """Events newly stored, by type."""
    duplicates: int = 0
    """Events already stored with the same content (skipped: ingestion is idempotent)."""
    subjects_created: int = 0
    subjects_merged: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, object]:
        return {
            "lines": self.lines,
            "stored": dict(self.stored),
            "duplicates": self.duplicates,
            "subjects_created": self.subjects_created,
            "subjects_merged": self.subjects_merged,
            "errors": [{"line": e.line, "event_id": e.event_id, "reason": e.reason} for e in self.errors],
        }
