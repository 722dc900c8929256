"""The permission engine as the application uses it: `may_send` over the ledger, with its audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert

from auskunft.i18n import Language
from auskunft.ledger import Actor, Ledger
from auskunft.marketing.facts import AddressOrigin, Target, gather
from auskunft.marketing.rules import Channel, Decision, decide
from auskunft.marketing.texts import basis_text, reason_text
from auskunft.store import tables as t


@dataclass(frozen=True, slots=True)
class Check:
    """A decision with what it was taken for and the address's origins."""

    target: Target
    channel: Channel
    purpose: str
    at: datetime
    subject_id: int | None
    decision: Decision
    origins: list[AddressOrigin]

    def as_dict(self, lang: Language) -> dict[str, Any]:
        d = self.decision
        return {
            "allowed": d.allowed,
            "decision": "allow" if d.allowed else "deny",
            "basis": d.basis.value if d.basis else None,
            "basis_label": basis_text(d, lang),
            "channel": self.channel.value,
            "purpose": self.purpose,
            "at": self.at.isoformat(),
            "known": self.subject_id is not None,
            "reasons": [
                {"code": r.code, "ok": r.ok, "text": reason_text(r, lang), "detail": r.detail}
                for r in d.reasons
            ],
            "address_origin": [
                {
                    "kind": o.kind,
                    "channel": o.channel,
                    "name": o.name,
                    "detail": o.detail,
                    "since": o.since.isoformat(),
                }
                for o in self.origins
            ],
        }


def may_send(
    ledger: Ledger,
    target: Target,
    channel: Channel,
    purpose: str,
    actor: Actor,
    at: datetime | None = None,
    objection_notice_in_message: bool = True,
) -> Check:
    """May `purpose` advertising go to `target` on `channel` at `at` (default: now)? Audited."""
    moment = at or datetime.now(UTC)
    with ledger.engine.begin() as connection:
        register = ledger.register(connection)
        facts, subject, origins = gather(
            connection,
            ledger.index,
            register,
            target,
            channel,
            purpose,
            moment,
            ledger.settings.default_region,
            objection_notice_in_message,
        )
        connection.execute(
            insert(t.AuditEntry).values(
                at=datetime.now(UTC),
                actor=actor.name,
                action="marketing.checked",
                subject_id=subject,
                reason=actor.reason,
            )
        )
    return Check(target, channel, purpose, moment, subject, decide(facts), origins)
