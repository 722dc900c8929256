"""What an agent or the DPO decides on a case: extend the deadline, refuse, answer, close.

Each decision is told to the requester where the GDPR says so (extension and refusal with reasons,
Art. 12(3) and (4)) and written to the case's trail.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from auskunft.answer.render import Format, render
from auskunft.domain.request_case import CaseState, Extension, check_extension, deadline
from auskunft.errors import Conflict, InvalidInput
from auskunft.i18n import language
from auskunft.ledger import Actor, Ledger
from auskunft.requests import cases, identity, letters
from auskunft.requests.cases import Case, Mailer
from auskunft.requests.kinds import RequestKind
from auskunft.store import conversation_tables as ct


def _requester_address(case: Case) -> str | None:
    address = case.claimed.get("sender", {}).get("email")
    return str(address) if address else None


def extend(
    ledger: Ledger,
    case_id: int,
    months: int,
    reason: str,
    actor: Actor,
    mailer: Mailer | None,
    today: date | None = None,
) -> Case:
    """Extend the deadline by `months` (up to two in all), with the reason told to the requester."""
    today = today or cases.today(ledger)
    with ledger.engine.begin() as connection:
        case = cases.get(connection, case_id)
        if case.state.closed:
            raise Conflict(f"the case is already {case.state.value}")
        total = check_extension(case.received_on, case.extended_months, Extension(months, reason), today)
        due = deadline(case.received_on, total)
        connection.execute(
            update(ct.RequestCase)
            .where(ct.RequestCase.id == case_id)
            .values(extended_months=total, extension_reason=reason.strip(), due_on=due)
        )
        cases.event(connection, case_id, actor, "extended", months=months, due_on=due.isoformat(), why=reason)
        case = cases.get(connection, case_id)
        company, _ = cases._company(ledger, connection)
    to = _requester_address(case)
    if to:
        letter = letters.extension_notice(
            case.kind, months, due, reason.strip(), case.number, case.reference, company, case.language
        )
        sent = cases.send_letter(ledger, case, to, letter, mailer, automatic=False)
        with ledger.engine.begin() as connection:
            cases.event(connection, case_id, actor, "extension_told" if sent else "extension_not_sent")
    return case


def refuse(ledger: Ledger, case_id: int, reason: str, actor: Actor, mailer: Mailer | None) -> Case:
    """Refuse the request with its reason (Art. 12(4)): the requester is told, with their remedies."""
    if not reason.strip():
        raise InvalidInput("a refusal needs a reason (Art. 12(4) GDPR)")
    case = cases.transition(ledger, case_id, CaseState.REFUSED, actor, reason.strip())
    to = _requester_address(case)
    if to:
        with ledger.engine.connect() as connection:
            company, controller = cases._company(ledger, connection)
        authority = controller.supervisory_authority.name if controller else None
        letter = letters.refusal(
            case.kind, reason.strip(), case.number, case.reference, company, authority, case.language
        )
        sent = cases.send_letter(ledger, case, to, letter, mailer, automatic=False)
        with ledger.engine.begin() as connection:
            cases.event(connection, case_id, actor, "refusal_told" if sent else "refusal_not_sent")
    return case


def respond_access(ledger: Ledger, case_id: int, actor: Actor, mailer: Mailer | None) -> Case:
    """Send the Art. 15 answer (PDF and JSON) to the verified requester and close the case as answered.

    Only a verified case (the code came back) gets personal data; it goes to the address the code went to.
    """
    with ledger.engine.connect() as connection:
        case = cases.get(connection, case_id)
        if case.kind not in (RequestKind.ACCESS, RequestKind.PORTABILITY):
            raise Conflict(f"a {case.kind.value} request is not answered with the Art. 15 letter")
        if case.subject_id is None or case.state is not CaseState.IN_PROGRESS:
            raise Conflict("the requester's identity has not been verified: no personal data can be sent")
        address = connection.scalar(identity.verified_address_query(case_id))
        company, _ = cases._company(ledger, connection)
    if address is None:
        raise Conflict("no verified address to send the answer to")
    builder_answer = ledger.answer_subject(
        case.subject_id, language(case.language), Actor(actor.name, f"answer to request case {case_id}")
    )
    letter = letters.answer_cover(case.number, case.reference, company, case.language)
    attachments = (
        (f"auskunft-{case.number}.pdf", "application/pdf", render(builder_answer, Format.PDF)),
        (f"auskunft-{case.number}.json", "application/json", render(builder_answer, Format.JSON)),
    )
    if not cases.send_letter(ledger, case, address, letter, mailer, automatic=False, attachments=attachments):
        with ledger.engine.begin() as connection:
            cases.event(connection, case_id, actor, "answer_not_sent")
        raise Conflict(
            "the answer could not be sent (no mail server configured or it refused); the case stays open"
        )
    return cases.transition(ledger, case_id, CaseState.ANSWERED, actor, "Art. 15 answer sent")


def close(ledger: Ledger, case_id: int, outcome: str, actor: Actor) -> Case:
    """Close the case as answered, saying what was done (e.g. "erased on ...", "address corrected")."""
    if not outcome.strip():
        raise InvalidInput("say what was done")
    return cases.transition(ledger, case_id, CaseState.ANSWERED, actor, outcome.strip())
