"""Conversations: every message and note is filed, threaded and recorded in the person's answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from auskunft.answer.builder import SubjectQuery
from auskunft.conversations import agent, service
from auskunft.conversations.model import Attachment, Channel, Flag, Inbound, Status
from auskunft.domain.identifiers import IdentifierKind
from auskunft.ledger import Actor, Ledger
from auskunft.store import conversation_tables as ct

ERIKA = "erika.muster@example.de"
AGENT = Actor("agent:anna", "test")
T0 = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


def email(
    body: str,
    *,
    sender: str = ERIKA,
    msgid: str = "<m1@example.de>",
    refs: tuple[str, ...] = (),
    topic: str = "Frage zur Lieferung",
    flags: frozenset[Flag] = frozenset(),
    at: datetime = T0,
) -> Inbound:
    return Inbound(
        channel=Channel.EMAIL,
        received_at=at,
        body=body,
        sender={"email": sender},
        sender_name="Erika Muster",
        topic=topic,
        to="service@example.de",
        external_id=msgid,
        thread_refs=refs,
        flags=flags,
    )


def answer_texts(ledger: Ledger, address: str = ERIKA) -> list[tuple[str, str | None, str]]:
    answer = ledger.answer(SubjectQuery(IdentifierKind.EMAIL, address), "de", Actor("test"))
    return [
        (r.value, r.source.channel, r.source.kind)
        for r in answer.records
        if r.category == "user.content.private"
    ]


def test_message_from_a_customer_lands_in_her_answer_with_the_channel_as_source(erika: Ledger) -> None:
    received = service.receive(erika, email("Wo bleibt meine Bestellung 4711?"))
    assert received.subject_id is not None
    assert received.new_conversation
    texts = answer_texts(erika)
    assert ("Frage zur Lieferung\n\nWo bleibt meine Bestellung 4711?", "email", "channel") in texts


def test_receiving_the_same_message_twice_stores_it_once(erika: Ledger) -> None:
    first = service.receive(erika, email("Hallo"))
    again = service.receive(erika, email("Hallo"))
    assert again.duplicate
    assert again.message_id == first.message_id
    with erika.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(ct.Message)) == 1


def test_a_reply_threads_into_the_same_conversation_and_reopens_it(erika: Ledger) -> None:
    first = service.receive(erika, email("Erste Nachricht"))
    agent.set_status(erika, first.conversation_id, Status.CLOSED, AGENT)
    second = service.receive(
        erika,
        email(
            "Noch eine Frage", msgid="<m2@example.de>", refs=("<m1@example.de>",), at=T0 + timedelta(hours=2)
        ),
    )
    assert second.conversation_id == first.conversation_id
    assert not second.new_conversation
    view = agent.show(erika, first.conversation_id, AGENT)
    assert view.status == "open"
    assert [m.body for m in view.messages] == ["Erste Nachricht", "Noch eine Frage"]


def test_an_internal_note_is_never_sent_but_is_in_the_customers_answer(erika: Ledger) -> None:
    received = service.receive(erika, email("Gerät defekt"))
    agent.write(erika, received.conversation_id, "Kundin wirkt verärgert, Kulanz prüfen", AGENT, note=True)
    texts = answer_texts(erika)
    assert ("Kundin wirkt verärgert, Kulanz prüfen", None, "derived") in texts
    view = agent.show(erika, received.conversation_id, AGENT)
    assert view.messages[-1].direction == "note"
    assert view.messages[-1].external_id is None


def test_first_response_is_due_by_the_queue_time_and_met_by_the_first_reply(erika: Ledger) -> None:
    received = service.receive(erika, email("Bitte um Rückruf"))
    view = agent.show(erika, received.conversation_id, AGENT)
    assert view.queue == "kundenservice"
    assert view.first_response_due == T0 + timedelta(hours=24)
    assert view.first_response_at is None


def test_mail_to_a_department_address_lands_in_its_queue(erika: Ledger) -> None:
    from auskunft.conversations import queues

    with erika.engine.begin() as connection:
        queues.ensure_defaults(connection)
        queues.save(
            connection, queues.QueueSpec("technik", "Technik", "Technical support", "technik@example.de")
        )
    inbound = email("Die Waschmaschine zeigt Fehler E21")
    inbound = Inbound(
        **{**{f: getattr(inbound, f) for f in inbound.__dataclass_fields__}, "to": "Technik@example.de"}
    )
    received = service.receive(erika, inbound)
    assert agent.show(erika, received.conversation_id, AGENT).queue == "technik"


def test_assignment_and_every_view_are_audited(erika: Ledger) -> None:
    from auskunft.store import tables as t

    received = service.receive(erika, email("Rechnung fehlt"))
    agent.assign(erika, received.conversation_id, "anna", AGENT)
    agent.show(erika, received.conversation_id, AGENT)
    with erika.engine.connect() as connection:
        actions = list(
            connection.scalars(select(t.AuditEntry.action).where(t.AuditEntry.actor == AGENT.name))
        )
    assert "conversation.assigned" in actions
    assert "conversation.viewed" in actions
    with erika.engine.connect() as connection:
        assert agent.inbox(connection, assignee="anna")[0].id == received.conversation_id


def test_an_anonymous_message_is_kept_without_a_person(ledger: Ledger) -> None:
    inbound = Inbound(channel=Channel.CHAT, received_at=T0, body="Haben Sie das Modell X noch?", sender={})
    received = service.receive(ledger, inbound)
    assert received.subject_id is None
    assert (
        agent.show(ledger, received.conversation_id, AGENT).messages[0].body == "Haben Sie das Modell X noch?"
    )


def test_attachments_and_raw_evidence_are_kept_with_the_message(erika: Ledger) -> None:
    inbound = Inbound(
        channel=Channel.EMAIL,
        received_at=T0,
        body="Foto anbei",
        sender={"email": ERIKA},
        external_id="<a@x>",
        flags=frozenset({Flag.MALFORMED}),
        attachments=(
            Attachment("schaden.jpg", "image/jpeg", b"\xff\xd8jpeg"),
            Attachment("raw.eml", "message/rfc822", b"raw", "raw"),
        ),
    )
    received = service.receive(erika, inbound)
    message = agent.show(erika, received.conversation_id, AGENT).messages[0]
    assert message.flags == ["malformed"]
    assert ("schaden.jpg", "image/jpeg", 6, "attachment") in message.attachments
    assert ("raw.eml", "message/rfc822", 3, "raw") in message.attachments


def test_erasure_removes_the_persons_conversations_but_keeps_the_case_without_personal_data(
    erika: Ledger,
) -> None:
    from auskunft.requests import cases

    body = "Bitte löschen Sie alle meine Daten nach Art. 17 DSGVO.\n\nName: Erika Muster"
    received = service.receive(erika, email(body, topic="Löschung meiner Daten"))
    agent.write(erika, received.conversation_id, "Löschung veranlasst", AGENT, note=True)
    assert received.subject_id is not None
    assert received.case_id is not None
    with erika.engine.connect() as connection:
        before = connection.scalar(select(func.count()).select_from(ct.Message))
    assert before == 4  # the request, the acknowledgement and the code letter (kept unsent), the note
    report = erika.erase(received.subject_id, AGENT, "Art. 17 request")
    assert report.deleted["messages"] == 4
    assert report.deleted["conversations"] == 1
    with erika.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(ct.Message)) == 0
        case = cases.get(connection, received.case_id)
    assert case.kind.value == "erasure"
    assert case.claimed == {}
    assert case.conversation_id is None
