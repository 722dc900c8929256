"""A synthetic ledger for benchmarks: deterministic events for subject number i.

Each subject gets on average RECORDS records (between half and one and a half times that), a
newsletter consent with double opt-in for every third subject, and a disclosure for every second.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

CATEGORIES = [
    "user.name",
    "user.contact.email",
    "user.contact.phone_number",
    "user.contact.address",
    "user.behavior.purchase_history",
    "user.content.private",
    "user.device.ip_address",
    "user.financial.bank_account",
]
CHANNELS = ["hotline", "email", "contact_form", "chat", "shop_checkout", "portal"]
PURPOSES = ["customer_service", "contract", "delivery", "payment", "advertising_postal"]


def email(i: int) -> str:
    return f"kunde{i}@example.de"


def subject_events(i: int, records: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(i)
    subject = {"email": email(i)}
    count = rng.randint(records // 2, records + records // 2)
    for n in range(count):
        day = 1 + (i + n) % 28
        month = 1 + (i // 28 + n) % 12
        if n % 7 == 3:
            source: dict[str, Any] = {
                "kind": "third_party",
                "name": f"Adressverlag {i % 5}",
                "detail": "Mietliste 2025",
                "received_at": "2025-02-10",
            }
        else:
            source = {"kind": "channel", "channel": CHANNELS[(i + n) % len(CHANNELS)]}
        event = {
            "event_id": f"b{i}-{n}",
            "type": "record",
            "subject": subject if n != 1 else {"email": email(i), "phone": f"+49 30 {1000000 + i}"},
            "category": CATEGORIES[(i + n) % len(CATEGORIES)],
            "value": f"Wert {n} von Person {i}",
            "source": source,
            "collected_at": f"2025-{month:02d}-{day:02d}T10:{n % 60:02d}:00+01:00",
            "purposes": [PURPOSES[(i + n) % len(PURPOSES)]],
            "legal_basis": "art6_1_b",
        }
        yield event
    if i % 3 == 0:
        for action, minute in (("requested", 0), ("confirmed", 5)):
            yield {
                "event_id": f"b{i}-c-{action}",
                "type": "consent",
                "subject": subject,
                "purpose": "newsletter",
                "channel": "email",
                "action": action,
                "at": f"2025-03-02T10:{minute:02d}:00+01:00",
                "method": "double_opt_in",
                "wording_version": "nl-2025-01",
                "evidence": {"ip": "203.0.113.7", "user_agent": "Mozilla/5.0"},
            }
    if i % 2 == 0:
        yield {
            "event_id": f"b{i}-d",
            "type": "disclosure",
            "subject": subject,
            "recipient": {"name": "Paketdienst Beispiel GmbH", "role": "third_party", "country": "DE"},
            "categories": ["user.name", "user.contact.address"],
            "purpose": "delivery",
            "legal_basis": "art6_1_b",
            "at": "2025-03-06T08:00:00+01:00",
        }


def events(first: int, last: int, records: int) -> Iterator[dict[str, Any]]:
    """Events of subjects first..last-1, subject after subject (as a CRM export would list them)."""
    for i in range(first, last):
        yield from subject_events(i, records)


def extra_events(count: int) -> Iterator[dict[str, Any]]:
    """One more record for each of the first `count` people (to reach a round total)."""
    for i in range(count):
        yield {
            "event_id": f"b{i}-extra",
            "type": "record",
            "subject": {"email": email(i)},
            "category": "user.behavior.purchase_history",
            "value": f"Nachbestellung von Person {i}",
            "source": {"kind": "channel", "channel": "shop_checkout"},
            "collected_at": "2025-12-01T10:00:00+01:00",
            "purposes": ["contract"],
            "legal_basis": "art6_1_b",
        }
