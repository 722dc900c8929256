"""Consent: one purpose on one channel, and the state its events put it in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ConsentAction(StrEnum):
    REQUESTED = "requested"
    """Asked for; with double opt-in the confirmation message was sent."""
    CONFIRMED = "confirmed"
    """The person confirmed (double opt-in link clicked)."""
    GRANTED = "granted"
    """Given in one step (signed form, recorded call, checkbox where no confirmation is needed)."""
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    """Lapsed by the company's rule (e.g. unused for years) or a double opt-in never confirmed."""


class ConsentStatus(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class ConsentStep:
    action: ConsentAction
    at: datetime


_RESULT = {
    ConsentAction.REQUESTED: ConsentStatus.PENDING,
    ConsentAction.CONFIRMED: ConsentStatus.GRANTED,
    ConsentAction.GRANTED: ConsentStatus.GRANTED,
    ConsentAction.REFUSED: ConsentStatus.REFUSED,
    ConsentAction.WITHDRAWN: ConsentStatus.WITHDRAWN,
    ConsentAction.EXPIRED: ConsentStatus.EXPIRED,
}


def status(steps: Iterable[ConsentStep]) -> ConsentStatus:
    """The state after all steps, taken in time order.

    A request alone grants nothing: with double opt-in only the confirmation does. A confirmation
    after a withdrawal (a stale link clicked later) does not revive the consent; only a new request
    followed by a confirmation, or a new one-step grant, does.
    """
    current = ConsentStatus.PENDING
    requested_since_end = False
    for step in sorted(steps, key=lambda s: s.at):
        if step.action is ConsentAction.REQUESTED:
            requested_since_end = True
            if current is not ConsentStatus.GRANTED:
                current = ConsentStatus.PENDING
            continue
        if step.action is ConsentAction.CONFIRMED and not requested_since_end:
            continue
        current = _RESULT[step.action]
        if current is not ConsentStatus.GRANTED:
            requested_since_end = False
    return current
