"""The permission rules on their own: each seed case decided from plain facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from auskunft.domain.consent import ConsentStatus
from auskunft.marketing.rules import (
    Basis,
    Channel,
    ConsentFact,
    Facts,
    ObjectionFact,
    PurposeProfile,
    SaleFact,
    Suppression,
    decide,
)

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
BOUGHT = SaleFact(NOW - timedelta(days=90), "2026-4711", notice_given=True)
SIMILAR = PurposeProfile("product_information", own_similar_goods=True)
NEWSLETTER = PurposeProfile("newsletter")
REVIEW = PurposeProfile("review_request")


def codes(facts: Facts) -> set[str]:
    return {reason.code for reason in decide(facts).blocking}


def doi_consent(status: ConsentStatus = ConsentStatus.GRANTED, purpose: str = "newsletter") -> ConsentFact:
    return ConsentFact(
        purpose, "email", status, NOW - timedelta(days=10), "double_opt_in", True, "nl-2026-01"
    )


def test_newspaper_subscriber_told_of_objection_right_may_get_similar_offers() -> None:
    decision = decide(Facts(Channel.EMAIL, SIMILAR, NOW, known=True, sales=(BOUGHT,)))
    assert decision.allowed
    assert decision.basis is Basis.EXISTING_CUSTOMER
    assert {r.code for r in decision.reasons} >= {"uwg73_sale", "uwg73_similar_goods", "uwg73_no_objection"}


def test_the_same_subscriber_after_an_objection_is_denied() -> None:
    objection = ObjectionFact(NOW - timedelta(days=1), None, None, "email_reply")
    decision = decide(
        Facts(Channel.EMAIL, SIMILAR, NOW, known=True, sales=(BOUGHT,), objections=(objection,))
    )
    assert not decision.allowed
    assert [r.code for r in decision.reasons] == ["objected"]


def test_objection_made_after_the_message_does_not_change_the_past() -> None:
    objection = ObjectionFact(NOW + timedelta(days=1), None, None, "portal")
    assert decide(
        Facts(Channel.EMAIL, SIMILAR, NOW, known=True, sales=(BOUGHT,), objections=(objection,))
    ).allowed


def test_existing_customer_exception_needs_all_four_conditions() -> None:
    no_notice = SaleFact(BOUGHT.at, None, notice_given=False)
    assert codes(Facts(Channel.EMAIL, SIMILAR, NOW, known=True, sales=(no_notice,))) >= {"uwg73_notice"}
    assert "uwg73_notice" in codes(
        Facts(Channel.EMAIL, SIMILAR, NOW, known=True, sales=(BOUGHT,), objection_notice_in_message=False)
    )
    assert "uwg73_similar_goods" in codes(Facts(Channel.EMAIL, NEWSLETTER, NOW, known=True, sales=(BOUGHT,)))
    assert "uwg73_sale" in codes(Facts(Channel.EMAIL, SIMILAR, NOW, known=True))


def test_review_request_without_consent_is_denied() -> None:
    decision = decide(Facts(Channel.EMAIL, REVIEW, NOW, known=True, sales=(BOUGHT,)))
    assert not decision.allowed
    assert "no_consent" in {r.code for r in decision.blocking}


def test_bank_offer_to_a_bought_address_is_denied() -> None:
    facts = Facts(
        Channel.EMAIL,
        PurposeProfile("partner_offers"),
        NOW,
        known=True,
        third_party_sources=("Adressverlag",),
    )
    assert codes(facts) >= {"no_consent", "third_party_address", "uwg73_sale"}


def test_company_without_any_relationship_is_denied() -> None:
    assert codes(Facts(Channel.EMAIL, NEWSLETTER, NOW, known=False)) >= {"no_consent", "unknown_address"}


def test_confirmed_double_opt_in_allows_email() -> None:
    decision = decide(Facts(Channel.EMAIL, NEWSLETTER, NOW, known=True, consents=(doi_consent(),)))
    assert decision.allowed
    assert decision.basis is Basis.CONSENT


def test_unconfirmed_or_withdrawn_consent_denies() -> None:
    for state in (ConsentStatus.PENDING, ConsentStatus.WITHDRAWN, ConsentStatus.EXPIRED):
        facts = Facts(Channel.EMAIL, NEWSLETTER, NOW, known=True, consents=(doi_consent(state),))
        assert f"consent_{state.value}" in codes(facts)


def test_email_consent_without_double_opt_in_is_not_provable() -> None:
    single = ConsentFact("newsletter", "email", ConsentStatus.GRANTED, NOW, "checkbox", False, "v1")
    assert "consent_without_double_opt_in" in codes(
        Facts(Channel.EMAIL, NEWSLETTER, NOW, known=True, consents=(single,))
    )


def test_phone_advertising_needs_express_consent() -> None:
    phone = PurposeProfile("phone_marketing")
    assert "phone_needs_consent" in codes(Facts(Channel.PHONE, phone, NOW, known=True, sales=(BOUGHT,)))
    verbal = ConsentFact("phone_marketing", "phone", ConsentStatus.GRANTED, NOW, "verbal", False, "tel-1")
    assert decide(Facts(Channel.PHONE, phone, NOW, known=True, consents=(verbal,))).allowed


def test_postal_advertising_rests_on_legitimate_interest_until_objection() -> None:
    postal = PurposeProfile("advertising_postal")
    broker = Facts(Channel.POSTAL, postal, NOW, known=True, third_party_sources=("Adressverlag",))
    assert decide(broker).basis is Basis.LEGITIMATE_INTEREST
    objection = ObjectionFact(NOW - timedelta(days=3), "advertising_postal", None, "letter")
    assert not decide(Facts(Channel.POSTAL, postal, NOW, known=True, objections=(objection,))).allowed


def test_objection_to_one_purpose_leaves_others_open() -> None:
    objection = ObjectionFact(NOW - timedelta(days=3), "newsletter", "email", "unsubscribe_link")
    facts = Facts(Channel.EMAIL, SIMILAR, NOW, known=True, sales=(BOUGHT,), objections=(objection,))
    assert decide(facts).allowed


def test_suppressed_address_is_denied_whatever_else_holds() -> None:
    facts = Facts(
        Channel.EMAIL,
        NEWSLETTER,
        NOW,
        known=True,
        consents=(doi_consent(),),
        suppression=Suppression(NOW - timedelta(days=30), "erasure"),
    )
    assert [r.code for r in decide(facts).reasons] == ["suppressed"]


def test_messages_that_are_not_advertising_need_no_permission() -> None:
    service = PurposeProfile("customer_service", advertising=False)
    assert decide(Facts(Channel.EMAIL, service, NOW, known=False)).allowed
