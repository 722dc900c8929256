"""The Art. 15 answer built from the ledger: the five questions, the checklist, the audit trail."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from auskunft.answer.builder import SubjectQuery
from auskunft.answer.model import Answer
from auskunft.domain.identifiers import IdentifierKind
from auskunft.ledger import Actor, Ledger
from auskunft.store import tables as t
from tests.conftest import DATA, SHARED

ERIKA = SubjectQuery(IdentifierKind.EMAIL, "erika.muster@example.de")
AGENT = Actor("agent:anna", "Auskunftsersuchen 2026-AB12CD3")


def _answer(ledger: Ledger, query: SubjectQuery = ERIKA, lang: str = "de") -> Answer:
    return ledger.answer(query, "en" if lang == "en" else "de", AGENT)


def test_answer_shows_name_from_contact_form(erika: Ledger) -> None:
    answer = _answer(erika)
    name = next(r for r in answer.records if r.category == "user.name")
    assert name.value == "Erika Muster"
    assert name.label == "Name"
    assert name.source.channel == "contact_form"
    assert name.source.detail == "https://www.example.de/kontakt"
    assert name.legal_basis is not None
    assert name.legal_basis.citation == "Art. 6 Abs. 1 lit. b DSGVO"


def test_answer_shows_phone_from_hotline(erika: Ledger) -> None:
    phone = next(r for r in _answer(erika).records if r.category == "user.contact.phone_number")
    assert phone.value == "+49 30 1234567"
    assert phone.source.channel == "hotline"


def test_answer_shows_the_address_broker_as_source(erika: Ledger) -> None:
    answer = _answer(erika)
    address = next(r for r in answer.records if r.category == "user.contact.address")
    assert address.source.kind == "third_party"
    assert address.source.name == "Adressverlag Beispiel GmbH"
    assert address.source.detail == "Mietliste 2025-Q1"
    assert str(address.source.received_at) == "2025-02-10"
    assert not address.source.collected_from_subject
    broker = [s for s in answer.sources if s.source.name == "Adressverlag Beispiel GmbH"]
    assert broker
    assert broker[0].categories == ["user.contact.address"]


def test_answer_shows_confirmed_newsletter_consent_with_double_opt_in_proof(erika: Ledger) -> None:
    (consent,) = _answer(erika).consents
    assert (consent.purpose, consent.channel, consent.status) == ("newsletter", "email", "granted")
    assert consent.double_opt_in
    requested, confirmed = consent.events
    assert requested.action == "requested"
    assert requested.wording_version == "nl-2026-01"
    assert requested.wording is not None
    assert requested.wording.startswith("Ja, ich möchte den Newsletter")
    assert requested.evidence["form_url"] == "https://www.example.de/newsletter"
    assert confirmed.action == "confirmed"
    assert confirmed.evidence == {"ip": "203.0.113.7", "user_agent": "Mozilla/5.0"}
    assert consent.granted_at == confirmed.at


def test_answer_shows_the_disclosure_to_the_parcel_service(erika: Ledger) -> None:
    answer = _answer(erika)
    (disclosure,) = answer.disclosures
    assert disclosure.recipient.name == "Paketdienst Beispiel GmbH"
    assert disclosure.recipient.country == "DE"
    assert disclosure.categories == ["user.name", "user.contact.address"]
    assert disclosure.purpose == "delivery"
    assert any(s.recipient.name == "Paketdienst Beispiel GmbH" and s.disclosed for s in answer.recipients)


def test_phone_number_reaches_the_same_answer(erika: Ledger) -> None:
    by_phone = _answer(erika, SubjectQuery(IdentifierKind.PHONE, "+49 30 1234567"))
    assert by_phone.subject is not None
    assert by_phone.subject.id == _answer(erika).subject.id  # type: ignore[union-attr]
    kinds = {i.kind: i.value for i in by_phone.subject.identifiers}
    assert kinds == {"email": "erika.muster@example.de", "phone": "+49301234567"}


def test_unknown_person_gets_a_clear_negative_answer(erika: Ledger) -> None:
    answer = _answer(erika, SubjectQuery(IdentifierKind.EMAIL, "niemand@example.de"))
    assert answer.processed is False
    assert answer.records == []
    assert answer.subject is None
    assert "keine Sie betreffenden personenbezogenen Daten" in answer.statement
    assert {r.key for r in answer.rights} >= {"erasure", "complaint"}


def test_every_answer_is_written_to_the_audit_trail(erika: Ledger) -> None:
    _answer(erika)
    _answer(erika, SubjectQuery(IdentifierKind.EMAIL, "niemand@example.de"))
    with erika.engine.connect() as connection:
        entries = connection.execute(select(t.AuditEntry).order_by(t.AuditEntry.id)).all()
    assert [(e.actor, e.action) for e in entries] == [
        ("agent:anna", "answer.built"),
        ("agent:anna", "answer.not_found"),
    ]
    assert entries[0].subject_id is not None
    assert entries[0].reason == "Auskunftsersuchen 2026-AB12CD3"


def test_register_supplies_purpose_names_retention_and_possible_recipients(erika: Ledger) -> None:
    erika.load_register(DATA / "register.yaml")
    answer = _answer(erika)
    service = next(p for p in answer.purposes if p.key == "customer_service")
    assert service.label == "Kundenservice"
    assert service.registered
    name = next(r for r in answer.records if r.category == "user.name")
    assert name.retention.rule == "service_3y"
    assert str(name.retention.until) == "2029-03-02"
    ads = next(p for p in answer.purposes if p.key == "advertising_postal")
    assert ads.legitimate_interest == "Direktwerbung (ErwG 47)"
    assert answer.controller is not None
    assert answer.controller.dpo_name == "Max Schutz"


def test_processor_in_a_third_country_is_named_with_its_safeguard(erika: Ledger) -> None:
    erika.load_register(DATA / "register.yaml")
    answer = _answer(erika)
    (transfer,) = answer.third_country_transfers
    assert transfer.recipient == "Mailversand Beispiel Inc."
    assert transfer.country == "US"
    assert "Art. 46" in (transfer.safeguard or "")
    possible = next(s for s in answer.recipients if s.recipient.name == "Mailversand Beispiel Inc.")
    assert not possible.disclosed


def test_automated_decision_making_is_explained_where_the_register_declares_it(erika: Ledger) -> None:
    assert _answer(erika).automated_decision_making.exists is False
    erika.load_register(DATA / "register.yaml")
    adm = _answer(erika, lang="en").automated_decision_making
    assert adm.exists
    assert adm.decisions[0].logic == "Test logic"


def test_answer_covers_the_art15_checklist(erika: Ledger) -> None:
    """Each checklist item that the stored data allow maps onto a filled part of the answer."""
    erika.load_register(DATA / "register.yaml")
    answer = _answer(erika)
    checklist = json.loads((SHARED / "checklists" / "art15_answer_checklist.json").read_text())
    covered = {
        "confirmation": answer.processed and bool(answer.statement),
        "access_data": all(r.value for r in answer.records) and len(answer.records) == 3,
        "a_purposes": all(p.legal_bases for p in answer.purposes) and len(answer.purposes) >= 3,
        "b_categories": {c.key for c in answer.categories}
        == {"user.name", "user.contact.phone_number", "user.contact.address"},
        "c_recipients": any(s.disclosed for s in answer.recipients),
        "d_storage": all(r.retention.label for r in answer.records) and bool(answer.retention),
        "e_rights": {"rectification", "erasure", "restriction", "objection"}
        <= {r.key for r in answer.rights},
        "f_complaint": any(r.key == "complaint" and "Berliner" in r.text for r in answer.rights),
        "g_source": any(not s.source.collected_from_subject for s in answer.sources),
        "h_adm": bool(answer.automated_decision_making.statement),
        "transfer_safeguards": all(x.safeguard for x in answer.third_country_transfers),
        "copy": bool(answer.records) and bool(answer.subject and answer.subject.identifiers),
    }
    ids = {item["id"] for item in checklist["items"]}
    assert set(covered) <= ids
    assert [key for key, ok in covered.items() if not ok] == []


def test_english_answer_uses_english_labels_and_citations(erika: Ledger) -> None:
    answer = _answer(erika, lang="en")
    address = next(r for r in answer.records if r.category == "user.contact.address")
    assert address.label == "Postal address"
    assert address.legal_basis is not None
    assert address.legal_basis.citation == "Art. 6(1)(f) GDPR"
    assert "We confirm" in answer.statement


def test_json_answer_validates_against_the_published_schema(erika: Ledger) -> None:
    schema = json.loads((Path(__file__).parents[1] / "docs" / "answer.schema.json").read_text())
    assert schema == Answer.model_json_schema()
    Answer.model_validate_json(_answer(erika).model_dump_json())
