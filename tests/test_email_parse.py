"""Email bytes become one `Inbound`: decoded, threaded, limited; bad mail is kept and flagged, never lost."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from auskunft.channels.email.parse import HASH_PREFIX, Limits, parse
from auskunft.conversations.model import Channel, Flag, Inbound
from tests.conftest import DATA

EMAIL = DATA / "email"
LIMITS = Limits()
ARRIVED = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)


def inbound(name: str, limits: Limits = LIMITS) -> Inbound:
    return parse((EMAIL / name).read_bytes(), limits, arrived_at=ARRIVED)


def raw_of(message: Inbound) -> bytes:
    [raw] = [a.data for a in message.attachments if a.kind == "raw"]
    return raw


def test_sender_subject_date_and_id_are_decoded() -> None:
    message = inbound("plain_de.eml")
    assert message.channel is Channel.EMAIL
    assert message.sender == {"email": "erika.muster@example.de"}
    assert message.sender_name == "Erika Müster"
    assert message.topic == "Frage zur Größe meiner Bestellung"
    assert message.to == "service@beispiel-versand.de"
    assert message.external_id == "<20251103101500.1234@mail.example.de>"
    assert message.received_at == datetime(2025, 11, 3, 9, 15, tzinfo=UTC)
    assert "ist mir zu groß" in message.body
    assert message.flags == frozenset()
    assert message.attachments == ()


def test_reply_names_the_messages_it_answers_in_thread_refs() -> None:
    message = inbound("reply_de.eml")
    assert message.thread_refs == ("<reply-1@beispiel-versand.de>", "<20251103101500.1234@mail.example.de>")


def test_html_only_mail_becomes_text_without_scripts_or_styles() -> None:
    body = inbound("html_only.eml").body
    assert body == "Wo bleibt meine Lieferung?\n\nStraße 1\n12345 Berlin"


def test_plain_alternative_is_preferred_to_html() -> None:
    assert inbound("alternative.eml").body == "Die Rechnung fehlt."


def test_utf8_without_declared_charset_is_read_cleanly() -> None:
    message = inbound("no_charset_utf8.eml")
    assert message.body == "Grüße aus München"
    assert message.flags == frozenset()


@pytest.mark.parametrize("name", ["unknown_charset.eml", "wrong_charset.eml"])
def test_text_in_a_broken_charset_is_read_flagged_and_kept_raw(name: str) -> None:
    message = inbound(name)
    assert message.body == "Grüße aus München"
    assert Flag.MALFORMED in message.flags
    assert raw_of(message) == (EMAIL / name).read_bytes()


def test_message_without_from_is_kept_flagged_with_raw() -> None:
    message = inbound("no_from.eml")
    assert message.sender == {}
    assert message.flags == {Flag.MALFORMED}
    assert message.body == "Ohne Absender."
    assert raw_of(message) == (EMAIL / "no_from.eml").read_bytes()
    assert "no From address" in message.meta["problems"]


def test_invalid_from_address_gives_no_sender() -> None:
    message = inbound("invalid_from.eml")
    assert message.sender == {}
    assert Flag.MALFORMED in message.flags
    assert raw_of(message)


def test_broken_mime_structure_is_kept_as_malformed_with_what_could_be_read() -> None:
    message = inbound("broken_mime.eml")
    assert Flag.MALFORMED in message.flags
    assert message.body.startswith("Hallo, ich m")
    assert any("CloseBoundaryNotFoundDefect" in p for p in message.meta["problems"])
    assert raw_of(message) == (EMAIL / "broken_mime.eml").read_bytes()


def test_message_without_message_id_gets_a_stable_hash_id() -> None:
    raw = (EMAIL / "no_message_id.eml").read_bytes()
    first = parse(raw, LIMITS)
    assert first.external_id == HASH_PREFIX + hashlib.sha256(raw).hexdigest()
    assert parse(raw, LIMITS).external_id == first.external_id
    assert parse(raw.replace(b"\n", b"\r\n"), LIMITS).external_id == first.external_id  # as IMAP gives it


def test_overlong_ids_are_replaced_by_their_hash_everywhere_alike() -> None:
    long_id = "<" + "x" * 600 + "@example.de>"
    message = parse(f"From: max@example.de\nMessage-ID: {long_id}\n\nhi\n".encode(), LIMITS)
    reply = parse(f"From: max@example.de\nIn-Reply-To: {long_id}\n\nhi\n".encode(), LIMITS)
    assert message.external_id is not None
    assert len(message.external_id) < 100
    assert reply.thread_refs == (message.external_id,)


def test_thread_refs_keep_the_parent_and_the_newest_references() -> None:
    references = " ".join(f"<r{n}@example.de>" for n in range(200))
    raw = f"From: max@example.de\nIn-Reply-To: <p@example.de>\nReferences: {references}\n\nhi\n"
    refs = parse(raw.encode(), LIMITS).thread_refs
    assert refs[0] == "<p@example.de>"
    assert refs[-1] == "<r199@example.de>"
    assert len(refs) == 51


def test_unreadable_date_falls_back_to_arrival_time() -> None:
    message = inbound("no_message_id.eml")
    assert message.received_at == ARRIVED
    assert message.meta["date_unreadable"] is True


def test_date_in_the_future_falls_back_to_arrival_time() -> None:
    raw = (EMAIL / "plain_de.eml").read_bytes().replace(b"3 Nov 2025", b"3 Nov 2031")
    message = parse(raw, LIMITS, arrived_at=ARRIVED)
    assert message.received_at == ARRIVED
    assert message.received_at.tzinfo is not None


def test_attachments_are_kept_with_name_and_type() -> None:
    message = inbound("attachments.eml")
    assert [(a.filename, a.content_type, a.kind) for a in message.attachments] == [
        ("schaden-gross.png", "image/png", "attachment"),
        ("Rechnung_ü.pdf", "application/pdf", "attachment"),
    ]
    assert message.attachments[1].data == b"%PDF-1.4 small invoice\n"
    assert message.flags == frozenset()


def test_attachment_over_the_limit_is_listed_but_not_kept() -> None:
    message = inbound("attachments.eml", Limits(max_attachment_bytes=5000))
    assert [a.filename for a in message.attachments] == ["Rechnung_ü.pdf"]
    assert message.flags == {Flag.ATTACHMENT_DROPPED}
    [dropped] = message.meta["dropped_attachments"]
    assert dropped["filename"] == "schaden-gross.png"
    assert dropped["content_type"] == "image/png"
    assert dropped["size"] == 6150
    assert dropped["reason"] == "attachment_limit"


def test_attachments_beyond_the_message_total_are_listed_but_not_kept() -> None:
    message = inbound("attachments.eml", Limits(max_message_bytes=6160, max_attachment_bytes=6160))
    assert [a.filename for a in message.attachments if a.kind == "attachment"] == ["schaden-gross.png"]
    assert [d["reason"] for d in message.meta["dropped_attachments"]] == ["message_limit"]
    assert {Flag.ATTACHMENT_DROPPED, Flag.OVERSIZED} <= message.flags


def test_oversized_message_is_kept_whole_as_raw_and_flagged() -> None:
    raw = (EMAIL / "attachments.eml").read_bytes()
    message = parse(raw, Limits(max_message_bytes=2048, max_attachment_bytes=1024))
    assert Flag.OVERSIZED in message.flags
    assert raw_of(message) == raw
    assert message.meta["size"] == len(raw)
    assert "raw_truncated" not in message.meta
    assert message.body == "Anbei die Fotos und die Rechnung."


def test_raw_beyond_the_hard_cap_keeps_its_first_bytes_and_says_so() -> None:
    raw = (EMAIL / "attachments.eml").read_bytes()
    message = parse(raw, Limits(max_message_bytes=1024, max_attachment_bytes=1024, max_raw_bytes=4096))
    assert raw_of(message) == raw[:4096]
    assert message.meta["raw_truncated"] is True
    assert message.meta["size"] == len(raw)


def test_partly_fetched_message_reports_its_full_size() -> None:
    raw = (EMAIL / "attachments.eml").read_bytes()[:3000]
    message = parse(raw, Limits(max_message_bytes=2048, max_raw_bytes=3000), size=9000)
    assert Flag.OVERSIZED in message.flags
    assert message.meta["size"] == 9000
    assert message.meta["raw_truncated"] is True


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage without headers",
        b"From: <>\nContent-Type: multipart/mixed\n\nno boundary at all",
        b"From: a@example.de\nSubject: =?x-bogus?q?=FF?=\nContent-Type: text/plain; charset*=bogus''x\n\nhi",
        b"From: a@example.de\nContent-Type: message/rfc822\n\nnot a message",
    ],
)
def test_no_bytes_make_the_parser_fail(raw: bytes) -> None:
    message = parse(raw, LIMITS)
    assert message.received_at.tzinfo is not None
    assert message.external_id
    assert "\x00" not in message.body


def test_nul_characters_never_reach_the_text() -> None:
    message = parse(b"From: Max <max@example.de>\nSubject: a\x00b\n\nline\x00one\n", LIMITS)
    assert message.topic == "ab"
    assert message.body == "lineone"


def test_forwarded_message_is_an_attachment_not_the_body() -> None:
    inner = EmailMessage()
    inner["From"] = "someone@example.org"
    inner["Subject"] = "Original"
    inner.set_content("inner text\n")
    outer = EmailMessage()
    outer["From"] = "max@example.de"
    outer["Subject"] = "Fwd: Original"
    outer.set_content("see below\n")
    outer.add_attachment(inner)
    message = parse(bytes(outer), LIMITS)
    assert message.body == "see below"
    [attached] = message.attachments
    assert attached.content_type == "message/rfc822"
    assert b"inner text" in attached.data


def test_every_sample_file_parses() -> None:
    for path in sorted(EMAIL.glob("*.eml")):
        message = parse(path.read_bytes(), LIMITS)
        assert message.external_id, path.name
