"""How complete a proof of consent is: what is missing (gaps) and what its reader must know (notes).

The checks follow what courts ask for: the concrete declaration and its version (BGH I ZR 164/09), a
double opt-in for email, evidence of how the consent was given, no pre-ticked box (BGH I ZR 7/16), and
for telephone advertising the five-year documentation duty of § 7a UWG.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from auskunft.domain.consent import ConsentStatus

PROOF_METHODS = ("written", "portal")
"""Email consents given otherwise than by double opt-in that the marketing rules accept as proven."""
PHONE_YEARS = 5


def wording(events: list[dict[str, Any]], grant: dict[str, Any] | None) -> dict[str, str | None] | None:
    """The declaration the person agreed to: on the grant, or on the request it confirmed."""
    upto = events.index(grant) + 1 if grant else len(events)
    shown = next((e for e in reversed(events[:upto]) if e["wording"] or e["wording_version"]), None)
    return {"text": shown["wording"], "version": shown["wording_version"]} if shown else None


def findings(
    state: ConsentStatus,
    channel: str,
    events: list[dict[str, Any]],
    grant: dict[str, Any] | None,
    withdrawn: dict[str, Any] | None,
    objections: list[dict[str, Any]],
) -> tuple[list[str], list[tuple[str, dict[str, str]]]]:
    """What is missing from the proof (gaps), and what else the reader must know (notes)."""
    gaps: list[str] = []
    notes: list[tuple[str, dict[str, str]]] = []
    if grant is None:
        requested = any(e["action"] == "requested" for e in events)
        gaps.append("pending" if requested else "no_grant")
    else:
        upto = events[: events.index(grant) + 1]
        shown = wording(events, grant)
        if shown is None or not shown["text"]:
            gaps.append("no_wording")
        if shown is None or not shown["version"]:
            gaps.append("no_wording_version")
        doi = grant["action"] == "confirmed" and any(e["action"] == "requested" for e in upto)
        if channel == "email" and not doi and grant["method"] not in PROOF_METHODS:
            gaps.append("no_double_opt_in")
        if not any(e["evidence"] for e in upto[-2:]):
            gaps.append("no_evidence")
        if any(e["evidence"].get("pre_ticked") is True for e in upto):
            gaps.append("pre_ticked")
        if channel == "phone" and (doi or grant["method"] == "double_opt_in"):
            gaps.append("doi_for_phone")
        if channel == "phone":
            granted = datetime.fromisoformat(grant["at"]["local"]).date()
            until = date(
                granted.year + PHONE_YEARS, granted.month, min(granted.day, 28 if granted.month == 2 else 31)
            )
            notes.append(("phone_retention", {"until": until.isoformat()}))
    if withdrawn is not None and state is ConsentStatus.WITHDRAWN:
        notes.append(("withdrawn", {"at": _local(withdrawn["at"])}))
    notes += [("objection", {"at": _local(o["at"])}) for o in objections]
    return gaps, notes


def _local(stamp: dict[str, str]) -> str:
    return f"{datetime.fromisoformat(stamp['local']):%Y-%m-%d %H:%M} ({stamp['zone']})"
