"""The suppression list, erasure (Art. 17 GDPR) and what survives it; advertising in the Art. 15 answer.

Done when: a suppressed address stays blocked after erasure and re-import.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import event, func, insert, select
from typer.testing import CliRunner

from auskunft import erasure
from auskunft.answer.builder import SubjectQuery, find_subject
from auskunft.answer.render import to_html, to_text
from auskunft.cli import app
from auskunft.domain.identifiers import IdentifierKind
from auskunft.errors import Conflict
from auskunft.ledger import Actor, Ledger
from auskunft.marketing.engine import Check, may_send
from auskunft.marketing.facts import Target
from auskunft.marketing.rules import Channel
from auskunft.marketing.suppression import is_suppressed, suppress
from auskunft.store import tables as t
from tests.conftest import DATA

EMAIL = "erika.muster@example.de"
PHONE = "+49 30 1234567"
DPO = Actor("test:dpo", "request 2026-17")
LATER = datetime(2026, 9, 1, tzinfo=UTC)
BLOCKED = {"suppressed", "objected"}


def _register(tmp_path: Path, *, profiles: bool = True) -> Path:
    """The test register, its advertising purposes profiled for the permission engine."""
    document: dict[str, Any] = yaml.safe_load((DATA / "register.yaml").read_text("utf-8"))
    activities = {a["key"]: a for a in document["activities"]}
    phone_offers = {
        "key": "phone_offers",
        "name": {"de": "Telefonangebote", "en": "Offers by phone"},
        "legal_basis": ["art6_1_a"],
        "categories": ["user.contact.phone_number"],
        "retention": "ads_until_objection",
    }
    document["activities"].append(phone_offers)
    if profiles:
        activities["newsletter"]["marketing"] = {"advertising": True, "channels": ["email"]}
        activities["advertising_postal"]["marketing"] = {"advertising": True, "channels": ["postal"]}
        phone_offers["marketing"] = {"advertising": True, "channels": ["phone", "sms"]}
    path = tmp_path / "register.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
    return path


@pytest.fixture
def marketed(erika: Ledger, tmp_path: Path) -> Ledger:
    erika.load_register(_register(tmp_path))
    return erika


def objection(
    event_id: str, at: str, purpose: str | None = None, channel: str | None = None
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "type": "objection",
        "subject": {"email": EMAIL},
        "at": at,
        "purpose": purpose,
        "channel": channel,
        "via": "letter" if purpose is None else "unsubscribe_link",
    }


def ingest(ledger: Ledger, *events: dict[str, Any]) -> None:
    report = ledger.ingest_objects(events)
    assert report.ok, report.errors


def check(
    ledger: Ledger, channel: Channel, purpose: str, target: Target | None = None, at: datetime = LATER
) -> Check:
    return may_send(ledger, target or Target(IdentifierKind.EMAIL, EMAIL), channel, purpose, DPO, at)


def codes(result: Check) -> set[str]:
    return {reason.code for reason in result.decision.blocking}


def subject_of(ledger: Ledger, email: str = EMAIL) -> int:
    with ledger.engine.connect() as connection:
        found = find_subject(connection, ledger.index, SubjectQuery(IdentifierKind.EMAIL, email))
    assert found is not None
    return found


def rows_of(ledger: Ledger, subject_id: int) -> dict[str, int]:
    with ledger.engine.connect() as connection:
        counts = {
            table.__tablename__: connection.scalar(
                select(func.count()).select_from(table).where(table.subject_id == subject_id)
            )
            for table in (t.Record, t.Identifier, t.Consent, t.Disclosure, t.Objection)
        }
        counts["consent_events"] = connection.scalar(select(func.count()).select_from(t.ConsentEvent))
        counts["consent_tokens"] = connection.scalar(select(func.count()).select_from(t.ConsentToken))
    return {name: int(n or 0) for name, n in counts.items()}


# -- the suppression list ----------------------------------------------------------------------------
def test_objection_to_all_marketing_suppresses_every_address_and_blocks_every_channel(
    marketed: Ledger,
) -> None:
    assert check(marketed, Channel.EMAIL, "newsletter").decision.allowed  # confirmed double opt-in
    ingest(marketed, objection("o1", "2026-04-01T09:00:00+02:00"))
    for kind, value in ((IdentifierKind.EMAIL, EMAIL), (IdentifierKind.PHONE, PHONE)):
        entry = is_suppressed(marketed, kind, value)
        assert entry is not None
        assert (entry.reason, entry.at) == ("objection", datetime(2026, 4, 1, 7, tzinfo=UTC))
    with marketed.engine.connect() as connection:
        stored = connection.execute(select(t.Suppression.lookup, t.Suppression.kind)).all()
    assert {kind for _, kind in stored} == {"email", "phone"}
    assert all(len(lookup) == 32 and EMAIL.encode() not in lookup for lookup, _ in stored)  # hashes only
    phone = Target(IdentifierKind.PHONE, PHONE)
    for channel, purpose, target in (
        (Channel.EMAIL, "newsletter", None),
        (Channel.PHONE, "phone_offers", phone),
        (Channel.SMS, "phone_offers", phone),
        (Channel.POSTAL, "advertising_postal", None),  # the objection covers all direct marketing
    ):
        result = check(marketed, channel, purpose, target)
        assert not result.decision.allowed, (channel, purpose)
        assert codes(result) & BLOCKED, (channel, codes(result))


def test_objection_to_one_purpose_blocks_only_that_purpose_and_lists_nothing(marketed: Ledger) -> None:
    ingest(marketed, objection("o1", "2026-04-01T09:00:00+02:00", "newsletter", "email"))
    assert is_suppressed(marketed, IdentifierKind.EMAIL, EMAIL) is None
    assert codes(check(marketed, Channel.EMAIL, "newsletter")) == {"objected"}
    postal = check(marketed, Channel.POSTAL, "advertising_postal")
    assert postal.decision.allowed
    assert postal.decision.basis is not None


def test_objection_in_the_batch_that_creates_the_person_and_repeated_objections(ledger: Ledger) -> None:
    person = {"email": "neu@example.org", "phone": "+49 40 7654321"}
    record = {
        "event_id": "r1",
        "type": "record",
        "subject": person,
        "category": "user.name",
        "value": "Nina Neu",
        "source": {"kind": "channel", "channel": "shop_checkout"},
        "collected_at": "2026-03-01T10:00:00+01:00",
        "purposes": ["contract"],
    }
    first = {**objection("o1", "2026-03-02T10:00:00+01:00"), "subject": {"email": "neu@example.org"}}
    ingest(ledger, record, first)
    assert is_suppressed(ledger, IdentifierKind.PHONE, "+49 40 7654321") is not None
    again = {**first, "event_id": "o2", "at": "2026-05-02T10:00:00+02:00"}
    ingest(ledger, again)  # already listed: nothing changes, nothing fails
    entry = is_suppressed(ledger, IdentifierKind.EMAIL, "neu@example.org")
    assert entry is not None
    assert entry.at == datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_suppress_by_identifier_or_subject(erika: Ledger) -> None:
    assert suppress(erika, [Target(IdentifierKind.EMAIL, "fremd@example.com")], "do_not_contact") == 1
    assert is_suppressed(erika, IdentifierKind.EMAIL, "Fremd@Example.com") is not None
    assert suppress(erika, subject_of(erika), "do_not_contact", actor=DPO) == 2  # email and phone
    assert suppress(erika, [Target(IdentifierKind.PHONE, PHONE)], "again") == 0
    entry = is_suppressed(erika, IdentifierKind.PHONE, "030 1234567")
    assert entry is not None
    assert entry.reason == "do_not_contact"


# -- erasure -----------------------------------------------------------------------------------------
def _add_token(ledger: Ledger, subject_id: int) -> None:
    with ledger.engine.begin() as connection:
        consent_id = connection.scalar(select(t.Consent.id).where(t.Consent.subject_id == subject_id))
        now = datetime.now(UTC)
        connection.execute(
            insert(t.ConsentToken).values(
                token_hash=b"\x01" * 32, consent_id=consent_id, created_at=now, expires_at=now
            )
        )


def test_erasure_deletes_everything_verifies_and_keeps_the_objection(marketed: Ledger) -> None:
    ingest(marketed, objection("o1", "2026-04-01T09:00:00+02:00", "newsletter", "email"))
    subject_id = subject_of(marketed)
    _add_token(marketed, subject_id)
    report = marketed.erase(subject_id, DPO, "Art. 17 request 2026-17")
    assert report.deleted == {
        "message_attachments": 0,
        "messages": 0,
        "conversations": 0,
        "verification_codes": 0,
        "consent_tokens": 1,
        "consent_events": 2,
        "consents": 1,
        "records": 3,
        "disclosures": 1,
        "objections": 1,
        "identifiers": 2,
    }
    assert report.suppressed  # she objected: suppressed by default
    assert set(rows_of(marketed, subject_id).values()) == {0}
    with marketed.engine.connect() as connection:
        subject = connection.execute(select(t.Subject).where(t.Subject.id == subject_id)).one()
        audit = connection.execute(
            select(t.AuditEntry.actor, t.AuditEntry.reason).where(
                t.AuditEntry.subject_id == subject_id, t.AuditEntry.action == "subject.erased"
            )
        ).all()
        reasons = set(connection.scalars(select(t.Suppression.reason)))
    assert subject.erased_at == report.erased_at
    assert audit == [("test:dpo", "Art. 17 request 2026-17")]
    assert reasons == {"objection"}  # the objection outlives the erasure
    assert not marketed.answer(SubjectQuery(IdentifierKind.EMAIL, EMAIL), "en", DPO).processed
    with pytest.raises(Conflict):
        marketed.erase(subject_id, DPO, "twice")


def test_erasure_suppresses_by_default_only_after_objection_or_withdrawal(erika: Ledger) -> None:
    report = erika.erase(subject_of(erika), DPO, "request")
    assert not report.suppressed
    assert is_suppressed(erika, IdentifierKind.EMAIL, EMAIL) is None
    withdrawn = {
        "event_id": "w1",
        "type": "consent",
        "subject": {"email": "lukas@example.de"},
        "purpose": "newsletter",
        "channel": "email",
        "action": "granted",
        "at": "2026-01-01T10:00:00+01:00",
        "method": "written",
    }
    ingest(erika, withdrawn, {**withdrawn, "event_id": "w2", "action": "withdrawn", "at": "2026-02-01"})
    assert erika.erase(subject_of(erika, "lukas@example.de"), DPO, "request").suppressed
    entry = is_suppressed(erika, IdentifierKind.EMAIL, "lukas@example.de")
    assert entry is not None
    assert entry.reason == "erasure"


def test_erasure_that_leaves_rows_raises_and_rolls_back(
    erika: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = erasure._delete

    def skipping_records(connection: Any, table: Any, condition: Any) -> int:
        return 0 if table is t.Record else real(connection, table, condition)

    monkeypatch.setattr(erasure, "_delete", skipping_records)
    subject_id = subject_of(erika)
    before = rows_of(erika, subject_id)
    with pytest.raises(erasure.ErasureIncomplete, match="records"):
        erika.erase(subject_id, DPO, "request", suppress=True)
    assert rows_of(erika, subject_id) == before
    with erika.engine.connect() as connection:
        assert connection.scalar(select(t.Subject.erased_at).where(t.Subject.id == subject_id)) is None
        assert connection.scalar(select(func.count()).select_from(t.Suppression)) == 0
        assert connection.scalar(select(func.count()).where(t.AuditEntry.action == "subject.erased")) == 0


def test_suppressed_address_stays_blocked_after_erasure_and_reimport(marketed: Ledger) -> None:
    old = subject_of(marketed)
    result = CliRunner().invoke(
        app, ["subject", "erase", "--email", EMAIL, "--suppress", "--reason", "Art. 17", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["deleted"]["records"] == 3
    bought = {"kind": "third_party", "name": "Adresshandel Beispiel KG", "received_at": "2026-08-01"}
    ingest(
        marketed,
        {
            "event_id": "bought-1",
            "type": "record",
            "subject": {"email": EMAIL.upper()},
            "category": "user.contact.email",
            "value": EMAIL,
            "source": bought,
            "collected_at": "2026-08-01",
            "purposes": ["newsletter"],
        },
        {
            "event_id": "bought-2",
            "type": "consent",
            "subject": {"email": EMAIL},
            "purpose": "newsletter",
            "channel": "email",
            "action": "granted",
            "at": "2026-08-01",
            "method": "written",
            "source": bought,
        },
    )
    assert subject_of(marketed) != old
    denied = check(marketed, Channel.EMAIL, "newsletter", at=datetime.now(UTC))  # listed since the erasure
    assert not denied.decision.allowed
    assert [r.code for r in denied.decision.reasons] == ["suppressed"]
    assert denied.decision.reasons[0].detail["reason"] == "erasure"
    again = CliRunner().invoke(app, ["subject", "erase", "--email", "nobody@example.org", "--reason", "x"])
    assert again.exit_code == 1


# -- the Art. 15 answer --------------------------------------------------------------------------------
def test_answer_lists_objections_and_what_we_may_send_on_which_basis(marketed: Ledger) -> None:
    ingest(marketed, objection("o1", "2026-04-01T09:00:00+02:00", "newsletter", "email"))
    answer = marketed.answer(SubjectQuery(IdentifierKind.EMAIL, EMAIL), "en", DPO)
    (listed,) = answer.objections
    assert (listed.purpose_label, listed.channel_label, listed.via_label) == (
        "Newsletter",
        "Email",
        "Unsubscribe link",
    )
    decisions = {(p.purpose, p.channel): p for p in answer.marketing}
    assert set(decisions) == {
        ("newsletter", "email"),
        ("advertising_postal", "postal"),
        ("phone_offers", "phone"),
        ("phone_offers", "sms"),
    }
    newsletter = decisions["newsletter", "email"]
    assert (newsletter.decision, [r.code for r in newsletter.reasons]) == ("deny", ["objected"])
    postal = decisions["advertising_postal", "postal"]
    assert (postal.decision, postal.basis) == ("allow", "art6_1_f")
    assert postal.basis_label == "Legitimate interest (Art. 6(1)(f) GDPR)"
    phone = decisions["phone_offers", "phone"]
    assert phone.decision == "deny"
    assert "phone_needs_consent" in {r.code for r in phone.reasons}
    assert all(r.text for p in answer.marketing for r in p.reasons)
    # The letter links citations to the article pages: compare the HTML's text.
    html, text = re.sub(r"<[^>]+>", "", to_html(answer)), to_text(answer)
    for rendered in (html, text):
        assert "Advertising" in rendered
        assert "Unsubscribe link" in rendered
        assert "Legitimate interest (Art. 6(1)(f) GDPR)" in rendered


def test_answer_after_objection_to_all_marketing_denies_every_channel(marketed: Ledger) -> None:
    ingest(marketed, objection("o1", "2026-04-01T09:00:00+02:00"))
    answer = marketed.answer(SubjectQuery(IdentifierKind.EMAIL, EMAIL), "de", DPO)
    assert answer.objections[0].purpose is None
    assert answer.marketing
    assert all(p.decision == "deny" for p in answer.marketing)
    assert all({r.code for r in p.reasons} & BLOCKED for p in answer.marketing)


def test_marketing_costs_one_query_and_only_where_the_register_has_advertising(
    erika: Ledger, tmp_path: Path
) -> None:
    def queries() -> int:
        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        event.listen(erika.engine, "before_cursor_execute", count)
        try:
            answer = erika.answer(SubjectQuery(IdentifierKind.EMAIL, EMAIL), "de", DPO)
        finally:
            event.remove(erika.engine, "before_cursor_execute", count)
        assert answer.processed
        return sum("suppressions" in statement for statement in statements) * 1000 + len(statements)

    erika.load_register(_register(tmp_path, profiles=False))
    erika.answer(SubjectQuery(IdentifierKind.EMAIL, EMAIL), "de", DPO)  # register cached
    plain = queries()
    assert plain < 1000  # no suppression lookup without advertising purposes
    erika.load_register(_register(tmp_path, profiles=True))
    erika.answer(SubjectQuery(IdentifierKind.EMAIL, EMAIL), "de", DPO)
    assert queries() == plain + 1000 + 1
