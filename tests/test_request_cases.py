"""Request cases: opened from messages, identity checked by a code to an address on file, answered in time."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from auskunft.conversations import service
from auskunft.conversations.model import Channel, Flag, Inbound
from auskunft.domain.request_case import CaseState
from auskunft.errors import Conflict, TokenRefused
from auskunft.ledger import Actor, Ledger
from auskunft.requests import cases, decisions, overview
from auskunft.requests.kinds import RequestKind
from auskunft.store import conversation_tables as ct

ERIKA = "erika.muster@example.de"
OUTSIDER = "max.fremder@example.com"
DPO = Actor("dpo:dora", "test")
T0 = datetime(2026, 1, 31, 16, 0, tzinfo=UTC)

ACCESS_DE = """Sehr geehrte Damen und Herren,

ich bitte hiermit um Auskunft gemäß Art. 15 DSGVO über alle zu meiner Person gespeicherten Daten.
Bitte stellen Sie mir eine Kopie meiner personenbezogenen Daten zur Verfügung.

Zur Identifikation:
Name: Erika Muster
E-Mail-Adresse: erika.muster@example.de

Mit freundlichen Grüßen
Erika Muster
"""


class Outbox:
    """The far side of SMTP: collects what would be delivered (the email-channel tests use a real server)."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> str:
        self.sent.append(message)
        return str(message["Message-ID"])

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.sent if m["To"] == address]


def request(
    body: str,
    sender: str,
    msgid: str = "<req1@example.com>",
    topic: str = "Auskunft nach Art. 15 DSGVO (Mein Zeichen: 2026-AB12CD3)",
) -> Inbound:
    return Inbound(
        channel=Channel.EMAIL,
        received_at=T0,
        body=body,
        sender={"email": sender},
        topic=topic,
        to="datenschutz@example.de",
        external_id=msgid,
    )


def code_in(message: EmailMessage) -> str:
    found = re.search(r"\b(\d{4} \d{4})\b", message.get_content())
    assert found, message.get_content()
    return found.group(1)


def test_access_request_opens_a_case_due_one_calendar_month_later(erika: Ledger) -> None:
    outbox = Outbox()
    received = service.receive(erika, request(ACCESS_DE, ERIKA), outbox)
    assert received.case_id is not None
    with erika.engine.connect() as connection:
        case = cases.get(connection, received.case_id)
    assert case.kind is RequestKind.ACCESS
    assert case.channel == "email"
    assert case.received_on == date(2026, 1, 31)
    assert case.due_on == date(2026, 2, 28)
    assert case.reference == "2026-AB12CD3"
    assert case.state is CaseState.IDENTITY_CHECK


def test_known_sender_gets_acknowledgement_and_code_at_her_own_address(erika: Ledger) -> None:
    outbox = Outbox()
    received = service.receive(erika, request(ACCESS_DE, ERIKA), outbox)
    mails = outbox.to(ERIKA)
    assert len(mails) == 2
    ack, code_mail = mails
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"] == "<req1@example.com>"
    assert "28.02.2026" in ack.get_content()
    assert received.case_id is not None
    case = cases.verify(erika, received.case_id, code_in(code_mail), DPO)
    assert case.state is CaseState.IN_PROGRESS
    assert case.subject_id == received.subject_id


def test_the_kept_copy_of_the_code_mail_has_the_code_blanked_out(erika: Ledger) -> None:
    outbox = Outbox()
    received = service.receive(erika, request(ACCESS_DE, ERIKA), outbox)
    code = code_in(outbox.to(ERIKA)[1])
    with erika.engine.connect() as connection:
        bodies = list(
            connection.scalars(
                select(ct.Message.body).where(ct.Message.conversation_id == received.conversation_id)
            )
        )
    assert all(code not in body for body in bodies)
    assert any("[Code]" in body for body in bodies)


def test_unknown_sender_naming_a_customer_gets_nothing_the_code_goes_to_the_address_on_file(
    erika: Ledger,
) -> None:
    outbox = Outbox()
    received = service.receive(erika, request(ACCESS_DE, OUTSIDER), outbox)
    assert received.case_id is not None
    to_outsider = outbox.to(OUTSIDER)
    assert len(to_outsider) == 1  # the acknowledgement only
    text = to_outsider[0].get_content()
    for secret in ("Musterweg", "1234567", "Newsletter", ERIKA):
        assert secret not in text
    assert len(outbox.to(ERIKA)) == 1  # the code went to the address on file
    with pytest.raises(Conflict, match="not been verified"):
        decisions.respond_access(erika, received.case_id, DPO, outbox)
    assert len(outbox.to(OUTSIDER)) == 1


def test_request_naming_nobody_we_know_sends_no_code_anywhere(ledger: Ledger) -> None:
    outbox = Outbox()
    body = ACCESS_DE.replace("Erika Muster", "Otto Niemand").replace(ERIKA, "otto@example.org")
    received = service.receive(ledger, request(body, OUTSIDER), outbox)
    assert received.case_id is not None
    assert [m["To"] for m in outbox.sent] == [OUTSIDER]
    with ledger.engine.connect() as connection:
        trail = [action for _, _, action, _ in overview.events(connection, received.case_id)]
    assert "identity.nobody_found" in trail


def test_verified_access_request_is_answered_with_pdf_and_json_and_closed(erika: Ledger) -> None:
    outbox = Outbox()
    received = service.receive(erika, request(ACCESS_DE, ERIKA), outbox)
    assert received.case_id is not None
    cases.verify(erika, received.case_id, code_in(outbox.to(ERIKA)[1]), DPO)
    case = decisions.respond_access(erika, received.case_id, DPO, outbox)
    assert case.state is CaseState.ANSWERED
    assert case.closed_at is not None
    answer_mail = outbox.to(ERIKA)[-1]
    names = [part.get_filename() for part in answer_mail.iter_attachments()]
    assert names == [f"auskunft-{case.number}.pdf", f"auskunft-{case.number}.json"]
    json_part = next(p for p in answer_mail.iter_attachments() if (p.get_filename() or "").endswith(".json"))
    assert b"Musterweg 1" in json_part.get_content()


def test_wrong_codes_are_counted_and_limited(erika: Ledger) -> None:
    outbox = Outbox()
    received = service.receive(erika, request(ACCESS_DE, ERIKA), outbox)
    assert received.case_id is not None
    right = code_in(outbox.to(ERIKA)[1])
    wrong = "0000 0000" if right != "0000 0000" else "1111 1111"
    for _ in range(5):
        with pytest.raises(TokenRefused, match="wrong code"):
            cases.verify(erika, received.case_id, wrong, DPO)
    with pytest.raises(TokenRefused, match="too many"):
        cases.verify(erika, received.case_id, right, DPO)


def test_auto_reply_and_bounce_open_no_case_and_get_no_answer(erika: Ledger) -> None:
    outbox = Outbox()
    for n, flag in enumerate((Flag.AUTO_REPLY, Flag.BOUNCE)):
        inbound = Inbound(
            channel=Channel.EMAIL,
            received_at=T0,
            body=ACCESS_DE,
            sender={"email": ERIKA},
            topic="Abwesenheitsnotiz",
            external_id=f"<auto{n}@x>",
            flags=frozenset({flag}),
        )
        assert service.receive(erika, inbound, outbox).case_id is None
    assert outbox.sent == []


def test_reminder_is_attached_to_the_earlier_case(erika: Ledger) -> None:
    outbox = Outbox()
    first = service.receive(erika, request(ACCESS_DE, ERIKA), outbox)
    reminder = (
        "Sehr geehrte Damen und Herren,\n\nam 31.01.2026 habe ich Sie um Auskunft nach Art. 15 DSGVO gebeten "
        "(Mein Zeichen: 2026-AB12CD3). Leider habe ich bis heute keine Antwort erhalten. Ich erinnere Sie an "
        "Ihre Pflicht, innerhalb eines Monats zu antworten, und setze Ihnen eine Frist von 14 Tagen.\n\n"
        "Mit freundlichen Grüßen\nErika Muster\n"
    )
    second = service.receive(
        erika,
        request(
            reminder,
            ERIKA,
            "<req2@example.com>",
            "Erinnerung: Anfrage nach Art. 15 DSGVO (Mein Zeichen: 2026-AB12CD3)",
        ),
        outbox,
    )
    assert second.case_id == first.case_id
    assert first.case_id is not None
    with erika.engine.connect() as connection:
        trail = [action for _, _, action, _ in overview.events(connection, first.case_id)]
    assert "reminder.received" in trail


def test_extension_moves_the_deadline_and_tells_the_requester_why(erika: Ledger) -> None:
    outbox = Outbox()
    received = service.receive(erika, request(ACCESS_DE, ERIKA), outbox)
    assert received.case_id is not None
    case = decisions.extend(
        erika, received.case_id, 2, "Daten aus drei Altsystemen", DPO, outbox, date(2026, 2, 10)
    )
    assert case.due_on == date(2026, 4, 30)
    assert case.extended_months == 2
    notice = outbox.to(ERIKA)[-1].get_content()
    assert "Daten aus drei Altsystemen" in notice
    assert "30.04.2026" in notice


def test_refusal_needs_a_reason_and_names_the_remedies(erika: Ledger) -> None:
    outbox = Outbox()
    received = service.receive(erika, request(ACCESS_DE, ERIKA), outbox)
    assert received.case_id is not None
    case = decisions.refuse(erika, received.case_id, "offenkundig unbegründet", DPO, outbox)
    assert case.state is CaseState.REFUSED
    assert case.outcome == "offenkundig unbegründet"
    assert "Aufsichtsbehörde" in outbox.to(ERIKA)[-1].get_content()
    with pytest.raises(Conflict, match="already refused"):
        decisions.close(erika, received.case_id, "doch erledigt", DPO)


def test_cases_due_soon_are_warned_about_once_a_day(erika: Ledger) -> None:
    received = service.receive(erika, request(ACCESS_DE, ERIKA), Outbox())
    assert received.case_id is not None
    warned = overview.warn(erika, date(2026, 2, 25))
    assert [item.case.id for item in warned] == [received.case_id]
    assert warned[0].urgency.value == "due_soon"
    assert overview.warn(erika, date(2026, 2, 25)) == []
    assert overview.warn(erika, date(2026, 3, 1))[0].urgency.value == "overdue"


def test_request_by_letter_is_opened_by_hand(erika: Ledger) -> None:
    case_id = cases.open_manual(erika, RequestKind.ERASURE, date(2026, 3, 3), {"email": ERIKA}, DPO)
    with erika.engine.connect() as connection:
        case = cases.get(connection, case_id)
    assert case.kind is RequestKind.ERASURE
    assert case.channel == "letter"
    assert case.due_on == date(2026, 4, 3)
