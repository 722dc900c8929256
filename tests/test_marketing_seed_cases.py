"""The seed cases against the demo company's ledger, decided by the engine with reasons."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from auskunft.demo.generator import STORYLINES
from auskunft.demo.load import load_demo
from auskunft.demo.marketing_cases import MARKETING_STORYLINES
from auskunft.domain.identifiers import IdentifierKind
from auskunft.ledger import Actor, Ledger
from auskunft.marketing.engine import Check, may_send
from auskunft.marketing.facts import Target
from auskunft.marketing.rules import Basis, Channel

AT = datetime(2026, 11, 15, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    """The demo company, loaded once for the module (the checks only read and audit)."""
    from auskunft.config import Settings
    from tests.conftest import INDEX_KEY, fresh_database

    url = fresh_database(_template, tmp_path_factory.mktemp("seed"))
    ledger = Ledger.open(Settings(database_url=url, index_key=INDEX_KEY))
    _, report = load_demo(ledger, customers=10)
    assert report.ok, report.errors[:3]
    yield ledger
    ledger.close()


def check(ledger: Ledger, email: str, purpose: str, channel: Channel = Channel.EMAIL) -> Check:
    return may_send(ledger, Target(IdentifierKind.EMAIL, email), channel, purpose, Actor("test:dpo"), AT)


def blocking(result: Check) -> set[str]:
    return {reason.code for reason in result.decision.blocking}


def test_review_request_without_consent_is_denied(demo: Ledger) -> None:
    result = check(demo, STORYLINES["review_request_without_consent"], "review_request")
    assert not result.decision.allowed
    assert "no_consent" in blocking(result)


def test_bank_offer_to_a_bought_address_is_denied(demo: Ledger) -> None:
    result = check(demo, STORYLINES["bank_offer_without_relationship"], "advertising")
    assert not result.decision.allowed
    assert {"no_consent", "uwg73_sale"} <= blocking(result)


def test_existing_customer_told_of_objection_right_may_get_product_information(demo: Ledger) -> None:
    result = check(demo, MARKETING_STORYLINES["existing_customer_product_emails"], "product_information")
    assert result.decision.allowed
    assert result.decision.basis is Basis.EXISTING_CUSTOMER


def test_the_same_after_an_objection_is_denied(demo: Ledger) -> None:
    result = check(demo, MARKETING_STORYLINES["existing_customer_objected"], "product_information")
    assert not result.decision.allowed
    assert [r.code for r in result.decision.reasons] == ["objected"]
    before = may_send(
        demo,
        Target(IdentifierKind.EMAIL, MARKETING_STORYLINES["existing_customer_objected"]),
        Channel.EMAIL,
        "product_information",
        Actor("test:dpo"),
        datetime(2026, 5, 1, tzinfo=UTC),
    )
    assert before.decision.allowed


def test_product_notices_without_notice_at_checkout_are_denied(demo: Ledger) -> None:
    result = check(demo, MARKETING_STORYLINES["existing_customer_without_notice"], "product_information")
    assert not result.decision.allowed
    assert blocking(result) >= {"uwg73_notice"}


def test_company_without_any_relationship_is_denied(demo: Ledger) -> None:
    result = check(demo, "fremd.person@example.com", "newsletter")
    assert not result.decision.allowed
    assert {"no_consent", "unknown_address"} <= blocking(result)


def test_withdrawn_newsletter_blocks_the_next_send(demo: Ledger) -> None:
    result = check(demo, STORYLINES["newsletter_withdrawn"], "newsletter")
    assert not result.decision.allowed
    assert "consent_withdrawn" in blocking(result)


def test_confirmed_newsletter_is_allowed_with_its_proof(demo: Ledger) -> None:
    result = check(demo, STORYLINES["ordinary_customer"], "newsletter")
    assert result.decision.allowed
    (consent,) = [r for r in result.decision.reasons if r.code == "consent"]
    assert consent.detail["method"] == "double_opt_in"


def test_phone_marketing_with_documented_express_consent_is_allowed(demo: Ledger) -> None:
    result = may_send(
        demo,
        Target(IdentifierKind.PHONE, "+49 171 5550123"),
        Channel.PHONE,
        "phone_marketing",
        Actor("test:dpo"),
        AT,
    )
    assert result.decision.allowed
    assert result.decision.basis is Basis.CONSENT


def test_why_did_i_get_this_names_the_broker(demo: Ledger) -> None:
    result = check(
        demo, STORYLINES["broker_address_postal_advertising"], "advertising_postal", Channel.POSTAL
    )
    names = {origin.name for origin in result.origins}
    assert result.decision.allowed
    assert result.decision.basis is Basis.LEGITIMATE_INTEREST
    assert "Adressverlag Beispiel GmbH" in names
