"""Deadline arithmetic and state rules of request cases (Art. 12(3) GDPR)."""

from __future__ import annotations

from datetime import date

import pytest

from auskunft.domain.request_case import (
    CaseState,
    Extension,
    Urgency,
    check_extension,
    check_transition,
    deadline,
    urgency,
)
from auskunft.errors import Conflict, InvalidInput


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 1, 15), date(2026, 2, 15)),
        (date(2026, 12, 20), date(2027, 1, 20)),
    ],
)
def test_deadline_is_one_calendar_month_clamped_to_the_month_end(received: date, due: date) -> None:
    assert deadline(received) == due


def test_extension_adds_months_to_the_original_receipt_date() -> None:
    assert deadline(date(2026, 1, 31), 2) == date(2026, 4, 30)


def test_extension_needs_a_reason_and_cannot_exceed_two_months() -> None:
    received = date(2026, 3, 2)
    with pytest.raises(InvalidInput, match="reason"):
        check_extension(received, 0, Extension(1, "  "), date(2026, 3, 10))
    assert check_extension(received, 0, Extension(2, "many systems"), date(2026, 3, 10)) == 2
    with pytest.raises(Conflict, match="at most 2"):
        check_extension(received, 2, Extension(1, "more"), date(2026, 3, 10))


def test_extension_after_the_first_month_is_refused() -> None:
    with pytest.raises(Conflict, match="within one month"):
        check_extension(date(2026, 3, 2), 0, Extension(1, "late"), date(2026, 4, 3))


def test_closed_case_cannot_change_state() -> None:
    with pytest.raises(Conflict, match="already answered"):
        check_transition(CaseState.ANSWERED, CaseState.REFUSED)
    check_transition(CaseState.IDENTITY_CHECK, CaseState.IN_PROGRESS)


def test_urgency_marks_overdue_and_due_this_week() -> None:
    due = date(2026, 5, 10)
    assert urgency(CaseState.RECEIVED, due, date(2026, 5, 11)) is Urgency.OVERDUE
    assert urgency(CaseState.IN_PROGRESS, due, date(2026, 5, 4)) is Urgency.DUE_SOON
    assert urgency(CaseState.IN_PROGRESS, due, date(2026, 4, 20)) is Urgency.ON_TRACK
    assert urgency(CaseState.ANSWERED, due, date(2026, 6, 1)) is Urgency.CLOSED
