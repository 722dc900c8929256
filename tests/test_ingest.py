"""The single ingestion path: linking, idempotence, provenance and bad input."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from auskunft.answer.builder import SubjectQuery, find_subject
from auskunft.domain.identifiers import IdentifierKind
from auskunft.ledger import Ledger
from auskunft.store import tables as t
from tests.conftest import ERIKA_EVENTS


def _count(ledger: Ledger, table: type[t.Base]) -> int:
    with ledger.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)


def _subject(ledger: Ledger, kind: IdentifierKind, value: str) -> int | None:
    with ledger.engine.connect() as connection:
        return find_subject(connection, ledger.index, SubjectQuery(kind, value))


def test_six_issue_lines_are_stored_as_one_subject(erika: Ledger) -> None:
    assert _count(erika, t.Subject) == 1
    assert _count(erika, t.Record) == 3
    assert _count(erika, t.ConsentEvent) == 2
    assert _count(erika, t.Disclosure) == 1


def test_phone_given_with_email_links_to_the_same_subject(erika: Ledger) -> None:
    by_email = _subject(erika, IdentifierKind.EMAIL, "Erika.Muster@example.de")
    by_phone = _subject(erika, IdentifierKind.PHONE, "030 1234567")
    assert by_email is not None
    assert by_email == by_phone


def test_reingesting_the_same_events_changes_nothing(erika: Ledger) -> None:
    before = [_count(erika, table) for table in (t.Subject, t.Record, t.ConsentEvent, t.Disclosure)]
    report = erika.ingest_lines(ERIKA_EVENTS.splitlines())
    assert report.ok
    assert report.duplicates == 6
    assert sum(report.stored.values()) == 0
    assert [_count(erika, table) for table in (t.Subject, t.Record, t.ConsentEvent, t.Disclosure)] == before


def test_same_event_with_reordered_keys_counts_as_a_repeat(erika: Ledger) -> None:
    first = json.loads(ERIKA_EVENTS.splitlines()[0])
    reordered = json.dumps(dict(reversed(list(first.items()))))
    report = erika.ingest_lines([reordered])
    assert report.ok
    assert report.duplicates == 1


def test_event_id_reused_with_other_content_is_refused_as_conflict(erika: Ledger) -> None:
    changed = json.loads(ERIKA_EVENTS.splitlines()[0])
    changed["value"] = "Erika Mustermann"
    report = erika.ingest_lines([json.dumps(changed)])
    assert not report.ok
    assert report.errors[0].line == 1
    assert "different content" in report.errors[0].reason
    assert _count(erika, t.Record) == 3


def test_bad_lines_are_reported_with_number_and_reason_and_good_lines_stored(ledger: Ledger) -> None:
    good = json.loads(ERIKA_EVENTS.splitlines()[0])

    def variant(**changes: object) -> str:
        event = {**good, **changes}
        return json.dumps({k: v for k, v in event.items() if v is not None})

    lines = [
        variant(event_id="ok-1"),
        "{not json",
        variant(event_id="bad-category", category="user.shoe_size"),
        variant(event_id="no-source", source=None),
        variant(event_id="bad-date", collected_at="gestern"),
        variant(event_id="bad-key", subject={"email": "a@example.de", "shoe": "42"}),
        variant(event_id="bad-email", subject={"email": "not-an-address"}),
        variant(event_id="bad-type", type="gossip"),
        "",
        variant(event_id="ok-2", value="Erika M."),
    ]
    report = ledger.ingest_lines(lines)
    reasons = {error.line: error.reason for error in report.errors}
    assert set(reasons) == {2, 3, 4, 5, 6, 7, 8}
    assert "invalid JSON" in reasons[2]
    assert "unknown category 'user.shoe_size'" in reasons[3]
    assert "provenance is required" in reasons[4]
    assert "unparseable date 'gestern'" in reasons[5]
    assert "unknown subject key 'shoe'" in reasons[6]
    assert "subject.email" in reasons[7]
    assert "unknown event type" in reasons[8]
    assert report.stored["record"] == 2
    assert _count(ledger, t.Record) == 2


def test_error_messages_do_not_repeat_personal_data(ledger: Ledger) -> None:
    line = json.dumps(
        {
            "event_id": "x",
            "type": "record",
            "subject": {"email": "geheim.person@example"},
            "category": "user.name",
            "value": "Geheim Person",
            "source": {"kind": "channel", "channel": "hotline"},
            "collected_at": "2026-01-01",
            "purposes": ["customer_service"],
        }
    )
    report = ledger.ingest_lines([line])
    assert not report.ok
    assert "geheim" not in str(report.errors[0]).lower()


def test_record_from_third_party_without_name_is_refused(ledger: Ledger) -> None:
    event = json.loads(ERIKA_EVENTS.splitlines()[2])
    event["source"] = {"kind": "third_party", "detail": "Mietliste"}
    report = ledger.ingest_lines([json.dumps(event)])
    assert "needs 'name'" in report.errors[0].reason


def test_identifiers_given_together_merge_two_known_subjects(ledger: Ledger) -> None:
    base = json.loads(ERIKA_EVENTS.splitlines()[0])
    by_email = {**base, "event_id": "m1"}
    by_customer_number = {
        **base,
        "event_id": "m2",
        "subject": {"customer_number": "k-1000"},
        "category": "user.unique_id",
        "value": "K-1000",
    }
    consent = json.loads(ERIKA_EVENTS.splitlines()[3])
    consent_a = {**consent, "event_id": "m3"}
    consent_b = {**consent, "event_id": "m4", "subject": {"customer_number": "K-1000"}, "action": "confirmed"}
    assert ledger.ingest_objects([by_email, by_customer_number, consent_a, consent_b]).ok
    assert _count(ledger, t.Subject) == 2
    both = {
        **base,
        "event_id": "m5",
        "subject": {"email": base["subject"]["email"], "customer_number": " k-1000 "},
    }
    report = ledger.ingest_objects([both])
    assert report.subjects_merged == 1
    one = _subject(ledger, IdentifierKind.EMAIL, base["subject"]["email"])
    assert one == _subject(ledger, IdentifierKind.CUSTOMER_NUMBER, "K-1000")
    with ledger.engine.connect() as connection:
        owners = set(connection.scalars(select(t.Record.subject_id)))
        consents = connection.execute(select(t.Consent.id, t.Consent.subject_id)).all()
        events = connection.scalar(select(func.count()).select_from(t.ConsentEvent))
    assert owners == {one}
    assert [row.subject_id for row in consents] == [one]
    assert events == 2


def test_merge_within_one_batch_points_pending_rows_at_the_survivor(ledger: Ledger) -> None:
    base = json.loads(ERIKA_EVENTS.splitlines()[0])
    events = [
        {**base, "event_id": "b1"},
        {**base, "event_id": "b2", "subject": {"phone": "+49 170 5550000"}, "value": "E. Muster"},
        {
            **base,
            "event_id": "b3",
            "subject": {"phone": "+49 170 5550000", "email": base["subject"]["email"]},
        },
    ]
    report = ledger.ingest_objects(events)
    assert report.ok
    assert report.subjects_merged == 1
    with ledger.engine.connect() as connection:
        owners = set(connection.scalars(select(t.Record.subject_id)))
    assert len(owners) == 1


def test_small_batches_give_the_same_ledger_as_one_batch(ledger: Ledger) -> None:
    report = ledger.ingestor(batch_size=2).ingest_lines(ERIKA_EVENTS.splitlines())
    assert report.ok
    assert report.subjects_created == 1
    assert _count(ledger, t.Record) == 3


def test_identifiers_are_stored_with_a_keyed_hash_not_a_plain_one(erika: Ledger) -> None:
    import hashlib

    plain = hashlib.blake2b(b"email\x1ferika.muster@example.de", digest_size=32).digest()
    with erika.engine.connect() as connection:
        lookups = set(connection.scalars(select(t.Identifier.lookup)))
    assert plain not in lookups
    assert erika.index.lookup("email", "erika.muster@example.de") in lookups


def test_sources_are_stored_once_however_many_records_use_them(ledger: Ledger) -> None:
    base = json.loads(ERIKA_EVENTS.splitlines()[0])
    events = [{**base, "event_id": f"s{i}", "value": f"Name {i}"} for i in range(5)]
    assert ledger.ingest_objects(events).ok
    assert _count(ledger, t.Source) == 1


def test_merge_keeps_an_open_double_opt_in_of_the_merged_person(ledger: Ledger) -> None:
    from auskunft.consent import doi

    consent = json.loads(ERIKA_EVENTS.splitlines()[3])
    assert ledger.ingest_objects([{**consent, "event_id": "k1", "subject": {"customer_number": "K-9"}}]).ok
    pending = doi.request(
        ledger,
        {"email": "zweite.adresse@example.de"},
        "newsletter",
        "email",
        "Ja, Newsletter.",
        "nl-2026-01",
        {"ip": "203.0.113.9"},
        base_url="https://www.example.de",
    )
    link = {
        **consent,
        "event_id": "k2",
        "subject": {"customer_number": "K-9", "email": "zweite.adresse@example.de"},
    }
    report = ledger.ingest_objects([link])
    assert report.ok, report.errors
    assert report.subjects_merged == 1
    doi.confirm(ledger, pending.token, {"ip": "203.0.113.9"})
    with ledger.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(t.Consent)) == 1
