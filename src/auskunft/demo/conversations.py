"""The demo company's customer service: a few weeks of emails, calls, a form and a chat, and the requests
among them — fed through the same `receive` path as real messages, so that cases, deadlines and answers are
exactly what production would produce. Dates are relative to today, so the demo always shows one overdue
request, one due this week and one on track. Idempotent by the messages' ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from auskunft.conversations import agent, queues, service
from auskunft.conversations.model import Channel, Inbound
from auskunft.ledger import Actor, Ledger

DOMAIN = "beispiel-versand.example.de"


@dataclass(frozen=True, slots=True)
class Contact:
    days_ago: int
    channel: Channel
    sender: dict[str, str]
    name: str
    topic: str | None
    body: str
    to: str
    key: str
    queue: str | None = None
    note: str | None = None


CONTACTS = (
    Contact(
        3,
        Channel.EMAIL,
        {"email": "monika.beispielfrau@example.de"},
        "Monika Beispielfrau",
        "Lieferung Bestellung 100234",
        "Guten Tag,\n\nich habe am Montag einen Wasserkocher bestellt (Bestellnummer 100234). Laut "
        "Sendungsverfolgung hängt das Paket seit drei Tagen im Verteilzentrum. Können Sie nachsehen?\n\n"
        "Viele Grüße\nMonika Beispielfrau",
        f"service@{DOMAIN}",
        "monika-lieferung",
        note="Paketdienst angefragt, Rückmeldung bis morgen zugesagt.",
    ),
    Contact(
        35,
        Channel.EMAIL,
        {"email": "hans.beispielmann@example.org"},
        "Hans Beispielmann",
        "Anfrage bzgl. Auskunft gemäß Art. 15 DSGVO (Mein Zeichen: 2026-HB4711)",
        "Sehr geehrte Damen und Herren,\n\nich bitte hiermit um Auskunft gemäß Art. 15 DSGVO, ob Sie mich "
        "betreffende personenbezogene Daten verarbeiten, und um eine Kopie dieser Daten.\n\n"
        "Zur Identifikation meiner Person:\nName: Hans Beispielmann\n"
        "E-Mail-Adresse: hans.beispielmann@example.org"
        "\n\nMit freundlichen Grüßen\nHans Beispielmann",
        f"datenschutz@{DOMAIN}",
        "hans-auskunft",
    ),
    Contact(
        24,
        Channel.EMAIL,
        {"email": "sabine.widerspruch@example.com"},
        "Sabine Widerspruch",
        "Widerspruch gegen Werbung",
        "Hallo,\n\nich widerspreche hiermit der Verwendung meiner Daten für Werbezwecke gemäß Art. 21 Abs. 2 "
        "DSGVO. Bitte schicken Sie mir keine Werbung mehr, weder per Post noch per E-Mail.\n\n"
        "Sabine Widerspruch",
        f"service@{DOMAIN}",
        "sabine-widerspruch",
    ),
    Contact(
        1,
        Channel.PHONE,
        {"phone": "+49 171 5550123"},
        "Karin Telefon",
        None,
        "Kundin fragt, warum auf der Rechnung 4711-22 die Versandkosten doppelt berechnet wurden. "
        "Gutschrift über 4,95 EUR zugesagt.",
        "+49 30 99990000",
        "karin-rechnung",
        queue="buchhaltung",
    ),
    Contact(
        2,
        Channel.FORM,
        {"email": "petra.probekundin@example.com"},
        "Petra Probekundin",
        "Technische Frage",
        "Meine Waschmaschine WM-7 zeigt seit gestern den Fehler E21 und pumpt nicht mehr ab. "
        "Was kann ich tun?",
        "https://www.beispiel-versand.example.de/kontakt",
        "petra-e21",
        queue="technik",
    ),
    Contact(
        0,
        Channel.CHAT,
        {"email": "walter.abonnent@example.de"},
        "Walter Abonnent",
        "Live-Chat",
        "Hallo, passt der Entkalker EK-2 auch für den Kaffeevollautomaten KV-300?",
        "https://www.beispiel-versand.example.de/chat",
        "walter-chat",
    ),
    Contact(
        12,
        Channel.EMAIL,
        {"email": "gisela.fremdling@example.org"},
        "Gisela Fremdling",
        "Löschung meiner Daten",
        "Sehr geehrte Damen und Herren,\n\nich habe nie bei Ihnen bestellt und erhalte trotzdem Werbung. "
        "Bitte löschen Sie unverzüglich alle meine Daten gemäß Art. 17 DSGVO und teilen Sie mir mit, woher "
        "Sie meine Adresse haben.\n\nGisela Fremdling",
        f"service@{DOMAIN}",
        "gisela-loeschung",
    ),
)


def load(ledger: Ledger, now: datetime | None = None) -> int:
    """Receive the demo contacts; returns how many were new."""
    now = now or datetime.now(UTC)
    with ledger.engine.begin() as connection:
        queues.ensure_defaults(connection)
        for key, de, en in (
            ("kundenservice", "Kundenservice", "Customer service"),
            ("technik", "Technik", "Technical support"),
            ("buchhaltung", "Buchhaltung", "Accounts"),
            ("datenschutz", "Datenschutz", "Data protection"),
        ):
            current = queues.by_key(connection, key)
            queues.save(
                connection,
                queues.QueueSpec(
                    key,
                    de,
                    en,
                    f"{key}@{DOMAIN}" if key != "kundenservice" else f"service@{DOMAIN}",
                    current.first_response_hours,
                ),
            )
    new = 0
    for contact in CONTACTS:
        at = (now - timedelta(days=contact.days_ago)).replace(hour=9, minute=30, second=0, microsecond=0)
        received = service.receive(
            ledger,
            Inbound(
                channel=contact.channel,
                received_at=at,
                body=contact.body,
                sender=contact.sender,
                sender_name=contact.name,
                topic=contact.topic,
                queue=contact.queue,
                to=contact.to,
                external_id=f"<demo-{contact.key}@{DOMAIN}>",
            ),
        )
        if received.duplicate:
            continue
        new += 1
        if contact.note:
            agent.write(
                ledger, received.conversation_id, contact.note, Actor("agent:anna.agentin"), note=True
            )
    return new
