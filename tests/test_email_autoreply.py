"""Automatic mail (out-of-office notes, receipts, bounces) is recognised and never answered automatically."""

from __future__ import annotations

import pytest

from auskunft.channels.email.autoreply import answers_automatically
from auskunft.channels.email.parse import Limits, parse
from auskunft.conversations.model import Flag
from tests.conftest import DATA

EMAIL = DATA / "email"

AUTO_REPLIES = [
    "auto_submitted.eml",
    "x_autoreply.eml",
    "precedence_auto_reply.eml",
    "precedence_bulk.eml",
    "precedence_junk.eml",
    "out_of_office.eml",
    "abwesenheitsnotiz.eml",
    "automatische_antwort.eml",
    "x_auto_response_suppress.eml",
    "read_receipt.eml",
]
BOUNCES = ["dsn_postfix.eml", "bounce_daemon_only.eml", "bounce_empty_return_path.eml"]
ORDINARY = [
    "plain_de.eml",
    "reply_de.eml",
    "html_only.eml",
    "alternative.eml",
    "attachments.eml",
    "ordinary_out_of_office_hours.eml",
]


def flags_of(name: str) -> frozenset[Flag]:
    return parse((EMAIL / name).read_bytes(), Limits()).flags


@pytest.mark.parametrize("name", AUTO_REPLIES)
def test_auto_reply_is_flagged(name: str) -> None:
    assert flags_of(name) == {Flag.AUTO_REPLY}


@pytest.mark.parametrize("name", BOUNCES)
def test_bounce_is_flagged(name: str) -> None:
    assert flags_of(name) == {Flag.BOUNCE}


@pytest.mark.parametrize("name", ORDINARY)
def test_ordinary_mail_is_not_taken_for_automatic(name: str) -> None:
    assert not flags_of(name) & {Flag.AUTO_REPLY, Flag.BOUNCE}


def test_auto_submitted_no_is_an_ordinary_message() -> None:
    raw = (EMAIL / "plain_de.eml").read_bytes().replace(b"MIME-Version", b"Auto-Submitted: no\nMIME-Version")
    assert parse(raw, Limits()).flags == frozenset()


def test_bounce_says_why_without_naming_anyone() -> None:
    meta = parse((EMAIL / "dsn_postfix.eml").read_bytes(), Limits()).meta
    assert "multipart/report; report-type=delivery-status" in meta["automatic"]
    assert not any("@" in reason for reason in meta["automatic"])


def test_delivery_report_is_kept_as_attachment_for_evidence() -> None:
    message = parse((EMAIL / "dsn_postfix.eml").read_bytes(), Limits())
    types = [a.content_type for a in message.attachments]
    assert "message/delivery-status" in types
    assert "could not\nbe delivered" in message.body


def test_only_mail_written_by_a_person_is_answered_automatically() -> None:
    assert answers_automatically(frozenset())
    assert answers_automatically({Flag.ATTACHMENT_DROPPED, Flag.MALFORMED})
    assert not answers_automatically({Flag.AUTO_REPLY})
    assert not answers_automatically({Flag.BOUNCE})
