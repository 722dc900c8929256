"""Demo storylines for the marketing permission engine (the seed cases of the marketing issue).

7. Jonas Stammkunde, jonas.stammkunde@example.de: bought a coffee machine in the shop; his email was
   collected at checkout together with the notice that he may object to product emails at any time.
   Product information about accessories by email is allowed under § 7(3) UWG.
8. Sabine Widerspruch, sabine.widerspruch@example.com: the same, but she later objected to all
   advertising by replying to a product email. Every advertising message is denied from then on.
9. Felix Ohnehinweis, felix.ohnehinweis@example.org: bought in the shop, but the checkout then showed no
   notice of the right to object. Product emails are denied (§ 7(3) Nr. 4 UWG not met).
10. Karin Telefon, karin.telefon@example.de: gave express consent to telephone offers during a recorded
   hotline call; phone marketing is allowed, documented per § 7a UWG.

Together with Petra (review request without consent: denied) and Gisela (bank offer to a bought address,
no relationship: denied) these cover every seed case.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

MARKETING_STORYLINES = {
    "existing_customer_product_emails": "jonas.stammkunde@example.de",
    "existing_customer_objected": "sabine.widerspruch@example.com",
    "existing_customer_without_notice": "felix.ohnehinweis@example.org",
    "phone_consent": "karin.telefon@example.de",
}
SHOP = {"kind": "channel", "channel": "shop_checkout", "detail": "https://shop.example.de/kasse"}
NOTICE = {
    "kind": "objection_right",
    "version": "uwg73-2025-01",
    "text": (
        "Wir nutzen Ihre E-Mail-Adresse, um Sie über ähnliche Produkte zu informieren. Sie können dem "
        "jederzeit widersprechen, ohne dass Kosten außer den Übermittlungskosten nach Basistarifen entstehen."
    ),
}


def _order(number: int, name: str, email: str, at: str, notice: bool) -> Iterator[dict[str, Any]]:
    subject = {"email": email}
    base = {"subject": subject, "source": SHOP, "collected_at": at, "legal_basis": "art6_1_b"}
    yield {
        **base,
        "event_id": f"demo-m{number}-1",
        "type": "record",
        "category": "user.name",
        "value": name,
        "purposes": ["contract"],
    }
    email_record = {
        **base,
        "event_id": f"demo-m{number}-2",
        "type": "record",
        "category": "user.contact.email",
        "value": email,
        "purposes": ["contract", "product_information"],
    }
    yield email_record | ({"notice": NOTICE} if notice else {})
    yield {
        **base,
        "event_id": f"demo-m{number}-3",
        "type": "record",
        "category": "user.behavior.purchase_history",
        "value": f"Bestellung 2026-300{number:03d}: Kaffeevollautomat „Barista 500“, 1 × 649,00 €",
        "purposes": ["contract"],
    }


def events() -> Iterator[dict[str, Any]]:
    yield from _order(
        7,
        "Jonas Stammkunde",
        MARKETING_STORYLINES["existing_customer_product_emails"],
        "2026-05-04T18:12:00+02:00",
        notice=True,
    )
    sabine = MARKETING_STORYLINES["existing_customer_objected"]
    yield from _order(8, "Sabine Widerspruch", sabine, "2026-04-11T09:40:00+02:00", notice=True)
    yield {
        "event_id": "demo-m8-4",
        "type": "objection",
        "subject": {"email": sabine},
        "at": "2026-06-02T20:05:00+02:00",
        "via": "email_reply",
        "reference": "Antwort auf Produkt-E-Mail: „Bitte keine Werbung mehr.“",
    }
    yield from _order(
        9,
        "Felix Ohnehinweis",
        MARKETING_STORYLINES["existing_customer_without_notice"],
        "2025-12-01T21:30:00+01:00",
        notice=False,
    )
    karin = {"email": MARKETING_STORYLINES["phone_consent"], "phone": "+49 171 5550123"}
    hotline = {"kind": "channel", "channel": "hotline", "detail": "Kundenhotline +49 30 5557 1000"}
    yield {
        "event_id": "demo-m10-1",
        "type": "record",
        "subject": karin,
        "category": "user.contact.phone_number",
        "value": "+49 171 5550123",
        "source": hotline,
        "collected_at": "2026-02-17T11:03:00+01:00",
        "purposes": ["customer_service", "phone_marketing"],
        "legal_basis": "art6_1_b",
    }
    yield {
        "event_id": "demo-m10-2",
        "type": "consent",
        "subject": karin,
        "purpose": "phone_marketing",
        "channel": "phone",
        "action": "granted",
        "at": "2026-02-17T11:05:00+01:00",
        "method": "verbal",
        "wording": "Dürfen wir Sie künftig telefonisch über Angebote zu Zubehör informieren? – Ja.",
        "wording_version": "tel-2026-01",
        "source": hotline,
        "evidence": {"call_id": "CALL-2026-0217-0042", "agent": "Agentin 17", "recording": "nein"},
    }
