"""The rules of a data-subject request case: its deadline and the steps it may take (Art. 12 GDPR).

Deadline: one calendar month after receipt (Art. 12(3) GDPR). Periods in months follow Regulation
(EEC, Euratom) No 1182/71, Art. 3(2)(c): the period ends on the day of the later month that has the same
number as the day of receipt, and on the month's last day where that day does not exist — 31 January +
1 month = 28 (or 29) February. Art. 3(4) of that regulation would move an end falling on a weekend or
public holiday to the next working day; auskunft does not, so the deadline it shows is never later than
the legal one.

Extension: by up to two further months where necessary, given the complexity and number of requests;
the person must be told within the first month, with the reasons (Art. 12(3) sentence 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from auskunft.domain.retention import add_months
from auskunft.errors import Conflict, InvalidInput

MAX_EXTENSION_MONTHS = 2


class CaseState(StrEnum):
    RECEIVED = "received"
    IDENTITY_CHECK = "identity_check"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    REFUSED = "refused"

    @property
    def closed(self) -> bool:
        return self in (CaseState.ANSWERED, CaseState.REFUSED)


_NEXT: dict[CaseState, frozenset[CaseState]] = {
    CaseState.RECEIVED: frozenset(
        {CaseState.IDENTITY_CHECK, CaseState.IN_PROGRESS, CaseState.ANSWERED, CaseState.REFUSED}
    ),
    CaseState.IDENTITY_CHECK: frozenset({CaseState.IN_PROGRESS, CaseState.ANSWERED, CaseState.REFUSED}),
    CaseState.IN_PROGRESS: frozenset({CaseState.ANSWERED, CaseState.REFUSED}),
    CaseState.ANSWERED: frozenset(),
    CaseState.REFUSED: frozenset(),
}
"""An answer to a person whose identity could not be checked is the negative answer ("we hold nothing
under what you gave us"), so ANSWERED is reachable from every open state; personal data go out only to a
verified requester (enforced where the answer is sent, not here)."""


def check_transition(current: CaseState, target: CaseState) -> None:
    """Raise Conflict unless a case in `current` may move to `target`."""
    if target not in _NEXT[current]:
        if current.closed:
            raise Conflict(f"the case is already {current.value}")
        raise Conflict(f"a case cannot go from {current.value} to {target.value}")


def deadline(received_on: date, extended_months: int = 0) -> date:
    """The day by which the request must be answered (inclusive)."""
    if not 0 <= extended_months <= MAX_EXTENSION_MONTHS:
        raise InvalidInput(f"a deadline can be extended by 0 to {MAX_EXTENSION_MONTHS} months")
    return add_months(received_on, 1 + extended_months)


@dataclass(frozen=True, slots=True)
class Extension:
    months: int
    reason: str


def check_extension(received_on: date, already_extended: int, extension: Extension, today: date) -> int:
    """The total months of extension after `extension`; raises when it is not allowed.

    The extension must be decided and communicated within the first month (Art. 12(3) sentence 3), must give
    a reason, and cannot make the total exceed two months.
    """
    if extension.months < 1:
        raise InvalidInput("extend by at least one month")
    if not extension.reason.strip():
        raise InvalidInput("an extension needs a reason (Art. 12(3) GDPR: the person must be told why)")
    total = already_extended + extension.months
    if total > MAX_EXTENSION_MONTHS:
        raise Conflict(
            f"the deadline can be extended by at most {MAX_EXTENSION_MONTHS} months in all "
            f"(already {already_extended})"
        )
    if today > deadline(received_on):
        raise Conflict(
            "an extension must be decided within one month of receipt (Art. 12(3) GDPR); that month is over"
        )
    return total


class Urgency(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TRACK = "on_track"
    CLOSED = "closed"


def urgency(state: CaseState, due_on: date, today: date, warn_days: int = 7) -> Urgency:
    if state.closed:
        return Urgency.CLOSED
    if today > due_on:
        return Urgency.OVERDUE
    if (due_on - today).days <= warn_days:
        return Urgency.DUE_SOON
    return Urgency.ON_TRACK
