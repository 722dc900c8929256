"""The demo company: every storyline a customer might complain about is in the answer."""

from __future__ import annotations

import pytest

from auskunft.answer.builder import SubjectQuery
from auskunft.answer.model import Answer
from auskunft.demo.generator import STORYLINES
from auskunft.demo.load import load_demo
from auskunft.domain.identifiers import IdentifierKind
from auskunft.ledger import Actor, Ledger


@pytest.fixture
def demo(ledger: Ledger) -> Ledger:
    _, report = load_demo(ledger, customers=20)
    assert report.ok, report.errors[:3]
    return ledger


def answer_for(ledger: Ledger, storyline: str) -> Answer:
    query = SubjectQuery(IdentifierKind.EMAIL, STORYLINES[storyline])
    return ledger.answer(query, "de", Actor("test"))


def test_loading_the_demo_twice_stores_nothing_new(demo: Ledger) -> None:
    _, again = load_demo(demo, customers=20)
    assert sum(again.stored.values()) == 0
    assert again.duplicates == again.lines > 500


def test_broker_address_is_shown_with_the_broker_as_source(demo: Ledger) -> None:
    answer = answer_for(demo, "broker_address_postal_advertising")
    assert any(s.source.name == "Adressverlag Beispiel GmbH" for s in answer.sources)
    assert any(p.key == "advertising_postal" and p.legitimate_interest for p in answer.purposes)


def test_review_request_without_consent_is_visible(demo: Ledger) -> None:
    answer = answer_for(demo, "review_request_without_consent")
    assert any(d.purpose == "review_request" for d in answer.disclosures)
    assert not any(c.purpose == "review_request" and c.status == "granted" for c in answer.consents)


def test_withdrawn_newsletter_consent_keeps_its_history(demo: Ledger) -> None:
    answer = answer_for(demo, "newsletter_withdrawn")
    newsletter = next(c for c in answer.consents if c.purpose == "newsletter")
    assert newsletter.status == "withdrawn"
    assert [e.action for e in newsletter.events][:2] == ["requested", "confirmed"]
    assert newsletter.double_opt_in


def test_bank_offer_person_has_no_contract_data(demo: Ledger) -> None:
    answer = answer_for(demo, "bank_offer_without_relationship")
    assert answer.processed
    assert not any("contract" in r.purposes for r in answer.records)
    bank = next(s for s in answer.sources if s.source.name == "Bank Beispiel AG")
    assert bank.source.kind == "third_party"
    assert set(bank.categories) == {"user.name", "user.contact.address"}


def test_ordinary_customer_has_the_four_kinds_of_recipient(demo: Ledger) -> None:
    answer = answer_for(demo, "ordinary_customer")
    disclosed = {s.recipient.name for s in answer.recipients if s.disclosed}
    assert {
        "Paketdienst Beispiel GmbH",
        "Zahlungsdienst Beispiel AG",
        "Auskunftei Beispiel AG",
        "Mailversand Beispiel Inc.",
    } <= disclosed
    assert answer.automated_decision_making.exists
    assert answer.third_country_transfers


def test_demo_data_use_only_example_domains(demo: Ledger) -> None:
    for storyline in STORYLINES:
        answer = answer_for(demo, storyline)
        assert answer.subject is not None
        for identifier in answer.subject.identifiers:
            if identifier.kind == "email":
                assert identifier.value.rsplit("@", 1)[1] in {"example.de", "example.com", "example.org"}


def test_asking_for_more_customers_than_the_numbering_allows_is_refused_at_once() -> None:
    import pytest

    from auskunft.demo.generator import MAX_CUSTOMERS, events
    from auskunft.errors import InvalidInput

    with pytest.raises(InvalidInput, match="room for 0 to 99,990"):
        next(events(customers=MAX_CUSTOMERS + 1))
