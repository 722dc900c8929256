"""Checking a campaign list: may this advertising go to each of these addresses? (`marketing check-list`)

The list is read as a stream, in chunks of some 50,000 lines, by a process of its own (`campaign_reader`):
each address is normalised (plain ASCII emails on a fast path that gives exactly what
`identifiers.normalise` gives) and blind-indexed. Meanwhile `CampaignFacts` asks the ledger in bulk.
`rules.decide` decides, once per distinct set of facts. Every line of the list ends up in one of the two
output files: the allowed list (address, basis) or the denied list (address, line, reason codes, reasons
in words) — a broken row or a malformed address as `invalid_address`, a repeated address as
`duplicate_address` (its first line is checked). One audit entry records the campaign and its counts.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from auskunft.i18n import Language
from auskunft.ledger import Actor, Ledger
from auskunft.marketing.address_list import AddressList, address_normaliser
from auskunft.marketing.campaign_facts import SALE_REASONS, CampaignFacts
from auskunft.marketing.campaign_reader import prepared
from auskunft.marketing.facts import ADDRESS_KIND, purpose_profile
from auskunft.marketing.rules import Channel, Reason, decide
from auskunft.marketing.texts import reason_text
from auskunft.store import tables as t

INVALID = "invalid_address"
DUPLICATE = "duplicate_address"


@dataclass(slots=True)
class Summary:
    lines: int = 0
    allowed: int = 0
    denied: int = 0
    by_basis: Counter[str] = field(default_factory=Counter)
    by_reason: Counter[str] = field(default_factory=Counter)
    header: list[str] | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "allowed": self.allowed,
            "denied": self.denied,
            "by_basis": dict(self.by_basis.most_common()),
            "by_reason": dict(self.by_reason.most_common()),
            "seconds": round(self.seconds, 3),
        }


Verdict = tuple[bool, str, str]
"""Allowed; the basis (allowed) or the reason codes (denied); the rest of the output row, as CSV."""


def _cell(value: str) -> str:
    """One CSV cell (RFC 4180 quoting)."""
    if "," in value or '"' in value or "\n" in value or "\r" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def _own_verdict(code: str, lang: Language, **detail: int) -> Verdict:
    return (
        False,
        code,
        f"{code},{_cell(reason_text(Reason(code, False, {k: str(v) for k, v in detail.items()}), lang))}\n",
    )


def _estimate(path: Path) -> int:
    """About how many lines the file holds, from its first 64 KiB."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    return path.stat().st_size * head.count(b"\n") // max(len(head), 1)


def check_list(
    ledger: Ledger,
    path: Path,
    channel: Channel,
    purpose: str,
    actor: Actor,
    *,
    allowed_path: Path,
    denied_path: Path,
    at: datetime | None = None,
    column: str | None = None,
    lang: Language = "de",
    advance: Callable[[int], None] | None = None,
) -> Summary:
    """Check every address of the list at `path`; write the allowed and the denied list. Audited."""
    started = datetime.now(UTC)
    moment = at or started
    normalised = address_normaliser(ADDRESS_KIND[channel], ledger.settings.default_region)
    addresses = AddressList(path, column, normalised)
    addresses.check()
    tally: Counter[Verdict] = Counter()
    email = channel is Channel.EMAIL
    verdicts: dict[int, Verdict] = {}
    lookup = partial(ledger.index.lookup, ADDRESS_KIND[channel].value)
    with (
        allowed_path.open("w", encoding="utf-8") as allowed_file,
        denied_path.open("w", encoding="utf-8") as denied_file,
        prepared(addresses, lookup) as chunks,  # read in a process of its own while the facts load
        ledger.engine.connect() as connection,
    ):
        allowed_file.write("address,basis\n")
        denied_file.write("address,line,reasons,text\n")
        profile = purpose_profile(ledger.register(connection), purpose)
        facts = CampaignFacts(connection, channel, profile, moment, normalised, _estimate(path))

        def verdict(signature: int) -> Verdict:
            known = facts.facts(signature)
            decision = decide(known)
            if decision.allowed:
                basis = decision.basis.value if decision.basis else decision.reasons[0].code
                return True, basis, f"{basis}\n"
            unexamined = SALE_REASONS if known.known and not facts.sales_read else ()
            blocking = [reason for reason in decision.blocking if reason.code not in unexamined]
            codes = " ".join(reason.code for reason in blocking)
            text = " ".join(reason_text(reason, lang) for reason in blocking)
            return False, codes, f"{codes},{_cell(text)}\n"

        reported = 0
        for chunk in chunks:
            # the signatures of the new addresses, in the order of their first lines
            signatures = facts.signatures(chunk.fresh, chunk.lookup_list())
            for signature, count in Counter(signatures).items():
                if signature not in verdicts:
                    verdicts[signature] = verdict(signature)
                tally[verdicts[signature]] += count
            first_seen = map(verdicts.__getitem__, signatures)
            repeated = chunk.repeated
            allowed: list[str] = []
            denied: list[str] = []
            for number, given, address in zip(*chunk.lines, strict=True):
                if address is not None and number not in repeated:
                    found = next(first_seen)
                    if not email:  # a valid email address needs no quoting
                        given = _cell(given)
                else:
                    found = (
                        _own_verdict(INVALID, lang, line=number)
                        if address is None
                        else _own_verdict(DUPLICATE, lang, first=repeated[number])
                    )
                    tally[found] += 1
                    given = _cell(given)
                if found[0]:
                    allowed.append(f"{given},{found[2]}")
                else:
                    denied.append(f"{given},{number},{found[2]}")
            allowed_file.write("".join(allowed))
            denied_file.write("".join(denied))
            if advance is not None:
                advance(chunk.read - reported)
                reported = chunk.read
        connection.rollback()
    summary = Summary(header=addresses.header)
    for (ok, codes, _), count in tally.items():
        if ok:
            summary.allowed += count
            summary.by_basis[codes] += count
        else:
            summary.denied += count
            for code in codes.split():
                summary.by_reason[code] += count
    summary.lines = summary.allowed + summary.denied
    summary.seconds = (datetime.now(UTC) - started).total_seconds()
    _audit(ledger, actor, channel, purpose, moment, summary)
    return summary


def _audit(
    ledger: Ledger, actor: Actor, channel: Channel, purpose: str, at: datetime, summary: Summary
) -> None:
    """One entry for the whole list: who, which campaign, the counts — no addresses."""
    counts = {"purpose": purpose, "channel": channel.value, "at": at.isoformat(), **summary.as_dict()}
    counts.pop("seconds")
    reason = f"{actor.reason}: {json.dumps(counts)}" if actor.reason else json.dumps(counts)
    with ledger.engine.begin() as connection:
        connection.execute(
            insert(t.AuditEntry).values(
                at=datetime.now(UTC), actor=actor.name, action="marketing.list_checked", reason=reason
            )
        )
