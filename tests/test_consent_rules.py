"""The state a consent's events put it in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from auskunft.domain.consent import ConsentAction, ConsentStatus, ConsentStep, status

T0 = datetime(2026, 3, 2, 10, tzinfo=UTC)


def steps(*actions: str) -> list[ConsentStep]:
    return [ConsentStep(ConsentAction(a), T0 + timedelta(minutes=i)) for i, a in enumerate(actions)]


def test_double_opt_in_request_alone_grants_nothing() -> None:
    assert status(steps("requested")) is ConsentStatus.PENDING


def test_confirmed_double_opt_in_is_granted() -> None:
    assert status(steps("requested", "confirmed")) is ConsentStatus.GRANTED


def test_withdrawal_ends_consent() -> None:
    assert status(steps("requested", "confirmed", "withdrawn")) is ConsentStatus.WITHDRAWN


def test_stale_confirmation_after_withdrawal_does_not_revive_consent() -> None:
    assert status(steps("requested", "confirmed", "withdrawn", "confirmed")) is ConsentStatus.WITHDRAWN


def test_new_request_and_confirmation_after_withdrawal_grants_again() -> None:
    assert status(steps("granted", "withdrawn", "requested", "confirmed")) is ConsentStatus.GRANTED


def test_events_are_taken_in_time_order_not_arrival_order() -> None:
    late_withdrawal = ConsentStep(ConsentAction.WITHDRAWN, T0 + timedelta(days=3))
    assert status([late_withdrawal, *steps("requested", "confirmed")]) is ConsentStatus.WITHDRAWN
