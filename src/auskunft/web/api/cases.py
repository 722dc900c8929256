"""`/api/v1/cases`: request cases — open, list by deadline, read with their trail, and decide on them.

The routes wrap `auskunft.requests` (cases, decisions, overview): the same rules as the CLI and the
console. Scopes `cases:read` and `cases:write`; every call is written to the audit trail as
`api:<key name>` (reads as `cases.listed` / `case.viewed`, steps as the case's own events). A step that
changes an OpenDSR request's status queues its status callbacks (docs/opendsr.md).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Self

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, Request
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Connection, insert, select

from auskunft.conversations import outbox
from auskunft.conversations.model import Channel
from auskunft.domain.identifiers import IdentifierKind, normalise
from auskunft.domain.request_case import CaseState, Urgency, urgency
from auskunft.errors import InvalidInput
from auskunft.i18n import Language
from auskunft.ledger import Actor, Ledger
from auskunft.requests import cases, decisions, overview
from auskunft.requests.cases import Case, Mailer
from auskunft.requests.kinds import RequestKind
from auskunft.store import conversation_tables as ct
from auskunft.store import tables as t
from auskunft.web.api.deps import LedgerDep, scoped
from auskunft.web.apikeys import ApiKey, Scope
from auskunft.web.opendsr import callbacks

router = APIRouter(tags=["cases"])

MAX_ID = 2**31 - 1
CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="The case's id.")]
Reader = Annotated[ApiKey, scoped(Scope.CASES_READ)]
Writer = Annotated[ApiKey, scoped(Scope.CASES_WRITE)]


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode (no lone surrogates)") from None
    return value


Clean = Annotated[str, AfterValidator(_storable)]
"""Text that every database can store (PostgreSQL refuses NUL characters, UTF-8 lone surrogates)."""
Text = Annotated[Clean, Field(min_length=1, max_length=2000)]


class ErrorDetail(BaseModel):
    code: str = Field(examples=["not_found"])
    message: str = Field(examples=["no request case 42"])


class ErrorBody(BaseModel):
    """Every error of the API."""

    error: ErrorDetail


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    meaning = {
        401: "No, an unknown or a revoked API key.",
        403: "The API key lacks the route's scope.",
        404: "No such case.",
        409: "The step is not allowed in the case's state (or the deadline rules forbid it).",
        422: "The body or a parameter breaks the format; the message names the field.",
    }
    return {status: {"model": ErrorBody, "description": meaning[status]} for status in (401, 403, *statuses)}


# -- models -------------------------------------------------------------------------------------
class Identifiers(BaseModel):
    """How the requester can be found: at least one."""

    model_config = ConfigDict(extra="forbid")

    email: Clean | None = Field(None, max_length=320)
    phone: Clean | None = Field(None, max_length=50)
    customer_number: Clean | None = Field(None, max_length=100)

    @model_validator(mode="after")
    def _at_least_one(self) -> Self:
        if not self.given():
            raise ValueError("give at least one of email, phone, customer_number")
        return self

    def given(self) -> dict[str, str]:
        values = {"email": self.email, "phone": self.phone, "customer_number": self.customer_number}
        return {kind: value.strip() for kind, value in values.items() if value is not None}


class CaseOpening(BaseModel):
    """A request that came by letter, phone, in person or from another system."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "access",
                    "identifiers": {"email": "erika.muster@example.de"},
                    "received_on": "2026-01-31",
                    "channel": "letter",
                    "language": "de",
                    "reference": "2026-AB12CD3",
                }
            ]
        },
    )

    kind: RequestKind
    identifiers: Identifiers
    received_on: date | None = Field(None, description="Day of receipt; default today. Not in the future.")
    channel: Channel = Field(Channel.LETTER, description="How the request came.")
    language: Language = Field("de", description="The requester's language (letters).")
    reference: Clean | None = Field(None, max_length=200, description="The requester's own reference.")


class Verification(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Clean = Field(min_length=1, max_length=20, description="The code the requester returned.")


class ExtensionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    months: int = Field(ge=1, le=2, description="Months to extend by (at most two in all).")
    reason: Text = Field(description="Why; told to the requester (Art. 12(3) GDPR).")


class RefusalBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(description="Why; told to the requester with their remedies (Art. 12(4) GDPR).")


class ClosingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Text = Field(description='What was done, e.g. "erased on 2026-02-10".')


class CaseOut(BaseModel):
    """A case, without the requester's identifiers (those stay in the console)."""

    id: int
    number: str = Field(examples=["DSR-2026-000042"])
    kind: RequestKind
    state: CaseState
    channel: str
    language: str
    received_on: date
    due_on: date
    days_left: int = Field(description="Days until the deadline (negative: overdue).")
    urgency: Urgency
    overdue: bool
    due_soon: bool = Field(description="Open and due within 7 days.")
    extended_months: int
    extension_reason: str | None
    reference: str | None
    outcome: str | None
    verified: bool = Field(description="The requester's identity was checked (the case names a person).")
    subject_id: int | None
    conversation_id: int | None
    parent_id: int | None
    created_at: datetime
    closed_at: datetime | None


class CaseEventOut(BaseModel):
    at: str
    actor: str
    action: str
    detail: dict[str, Any]


class CaseDetail(CaseOut):
    events: list[CaseEventOut] = Field(description="The case's trail, oldest first.")


class CaseList(BaseModel):
    cases: list[CaseOut]


_FIELDS = (
    "id",
    "kind",
    "state",
    "channel",
    "language",
    "received_on",
    "due_on",
    "extended_months",
    "extension_reason",
    "reference",
    "outcome",
    "subject_id",
    "conversation_id",
    "parent_id",
    "created_at",
    "closed_at",
)


# -- helpers ------------------------------------------------------------------------------------
def get_mailer(request: Request, ledger: LedgerDep) -> Mailer | None:
    """The mailer letters go out with: one set on `app.state.mailer`, else SMTP when configured."""
    given = getattr(request.app.state, "mailer", None)
    return given if given is not None else outbox.smtp_mailer(ledger.settings)


MailerDep = Annotated[Mailer | None, Depends(get_mailer)]


def _out(case: Case, today: date) -> dict[str, Any]:
    level = urgency(case.state, case.due_on, today, overview.WARN_DAYS)
    return {name: getattr(case, name) for name in _FIELDS} | {
        "number": case.number,
        "days_left": (case.due_on - today).days,
        "urgency": level,
        "overdue": level is Urgency.OVERDUE,
        "due_soon": level is Urgency.DUE_SOON,
        "verified": case.subject_id is not None,
    }


def _audit(connection: Connection, actor: Actor, action: str, subject_id: int | None, reason: str) -> None:
    connection.execute(
        insert(t.AuditEntry).values(
            at=datetime.now(UTC), actor=actor.name, action=action, subject_id=subject_id, reason=reason
        )
    )


def _detail(ledger: Ledger, case_id: int, actor: Actor | None = None) -> CaseDetail:
    """The case with its trail; with `actor`, the view is written to the audit trail."""
    with ledger.engine.begin() as connection:
        case = cases.get(connection, case_id)
        trail = overview.events(connection, case_id)
        if actor is not None:
            _audit(connection, actor, "case.viewed", case.subject_id, f"case {case_id}")
    events = [{"at": at, "actor": who, "action": what, "detail": detail} for at, who, what, detail in trail]
    return CaseDetail.model_validate(_out(case, cases.today(ledger)) | {"events": events})


def _changed(ledger: Ledger, case_id: int, background: BackgroundTasks) -> CaseDetail:
    background.add_task(callbacks.after_change, ledger, case_id)
    return _detail(ledger, case_id)


# -- routes -------------------------------------------------------------------------------------
@router.post(
    "/cases",
    status_code=201,
    summary="Open a request case",
    responses=_errors(422),
)
def open_case(key: Writer, ledger: LedgerDep, body: CaseOpening) -> CaseDetail:
    """For a request that came by letter, phone, in person or from another system: the deadline is one
    month from `received_on` (Art. 12(3) GDPR). Scope `cases:write`."""
    today = cases.today(ledger)
    received_on = body.received_on or today
    if received_on > today:
        raise InvalidInput("received_on: lies in the future")
    identifiers = body.identifiers.given()
    for kind, value in identifiers.items():
        try:
            normalise(IdentifierKind(kind), value, ledger.settings.default_region)
        except InvalidInput as exc:
            raise InvalidInput(f"identifiers.{kind}: {exc}") from None
    case_id = cases.open_manual(
        ledger,
        body.kind,
        received_on,
        identifiers,
        Actor(key.actor),
        channel=body.channel.value,
        language=body.language,
        reference=body.reference.strip() if body.reference else None,
    )
    return _detail(ledger, case_id)


@router.get("/cases", summary="Request cases by deadline", responses=_errors(422))
def list_cases(
    key: Reader,
    ledger: LedgerDep,
    state: Annotated[CaseState | None, Query(description="Only cases in this state.")] = None,
    kind: Annotated[RequestKind | None, Query(description="Only cases of this kind.")] = None,
    due_within: Annotated[
        int | None, Query(ge=0, le=3660, description="Only open cases due within this many days.")
    ] = None,
    include_closed: Annotated[bool, Query(description="Closed cases too (without `state`).")] = False,
    limit: Annotated[int, Query(ge=1, le=500, description="At most this many, most urgent first.")] = 100,
) -> CaseList:
    """Open cases (unless `state` or `include_closed` says otherwise), the most urgent first, each with
    `overdue` and `due_soon` (within 7 days). Scope `cases:read`; audited as `cases.listed`."""
    today = cases.today(ledger)
    query = select(*cases._COLUMNS).order_by(ct.RequestCase.due_on, ct.RequestCase.id).limit(limit)
    if state is not None:
        query = query.where(ct.RequestCase.state == state.value)
    elif not include_closed or due_within is not None:
        query = query.where(ct.RequestCase.state.not_in([s.value for s in CaseState if s.closed]))
    if kind is not None:
        query = query.where(ct.RequestCase.kind == kind.value)
    if due_within is not None:
        query = query.where(ct.RequestCase.due_on <= date.fromordinal(today.toordinal() + due_within))
    filters = {"state": state, "kind": kind, "due_within": due_within, "include_closed": include_closed}
    with ledger.engine.begin() as connection:
        found = [cases._case(row) for row in connection.execute(query)]
        shown = ", ".join(f"{name}={value}" for name, value in filters.items() if value not in (None, False))
        _audit(connection, Actor(key.actor), "cases.listed", None, f"{len(found)} cases; {shown or 'open'}")
    return CaseList.model_validate({"cases": [_out(case, today) for case in found]})


@router.get(
    "/cases/{case_id}",
    summary="One case with its trail",
    responses=_errors(404, 422),
)
def read_case(case_id: CaseId, key: Reader, ledger: LedgerDep) -> CaseDetail:
    """The case and every step of it (who, when, what). Scope `cases:read`; audited as `case.viewed`."""
    return _detail(ledger, case_id, Actor(key.actor))


@router.post(
    "/cases/{case_id}/send-code",
    summary="Send a new identity code",
    responses=_errors(404, 409, 422),
)
def send_code(case_id: CaseId, key: Writer, ledger: LedgerDep, mailer: MailerDep) -> CaseDetail:
    """A new code to the address on file of the person the request names (the earlier one is void);
    the trail says where it went. Scope `cases:write`."""
    cases.start_identity_check(ledger, case_id, mailer, Actor(key.actor))
    return _detail(ledger, case_id)


@router.post(
    "/cases/{case_id}/verify",
    summary="Enter the identity code",
    responses=_errors(404, 409, 422),
)
def verify(
    case_id: CaseId, key: Writer, ledger: LedgerDep, body: Verification, background: BackgroundTasks
) -> CaseDetail:
    """The code the requester returned: the case is tied to the person and goes `in_progress`. A wrong
    code is 422 and counted; after five the code is void. Scope `cases:write`."""
    cases.verify(ledger, case_id, body.code, Actor(key.actor))
    return _changed(ledger, case_id, background)


@router.post(
    "/cases/{case_id}/extend",
    summary="Extend the deadline",
    responses=_errors(404, 409, 422),
)
def extend(
    case_id: CaseId,
    key: Writer,
    ledger: LedgerDep,
    body: ExtensionBody,
    mailer: MailerDep,
    background: BackgroundTasks,
) -> CaseDetail:
    """By one or two months (at most two in all, decided within the first month); the reason is sent to
    the requester (Art. 12(3) GDPR). Scope `cases:write`."""
    decisions.extend(ledger, case_id, body.months, body.reason, Actor(key.actor), mailer)
    return _changed(ledger, case_id, background)


@router.post(
    "/cases/{case_id}/refuse",
    summary="Refuse the request",
    responses=_errors(404, 409, 422),
)
def refuse(
    case_id: CaseId,
    key: Writer,
    ledger: LedgerDep,
    body: RefusalBody,
    mailer: MailerDep,
    background: BackgroundTasks,
) -> CaseDetail:
    """With the reason, told to the requester with the right to complain (Art. 12(4) GDPR). Scope
    `cases:write`."""
    decisions.refuse(ledger, case_id, body.reason, Actor(key.actor), mailer)
    return _changed(ledger, case_id, background)


@router.post(
    "/cases/{case_id}/close",
    summary="Close as answered",
    responses=_errors(404, 409, 422),
)
def close(
    case_id: CaseId, key: Writer, ledger: LedgerDep, body: ClosingBody, background: BackgroundTasks
) -> CaseDetail:
    """Close the case as answered, saying what was done. Scope `cases:write`."""
    decisions.close(ledger, case_id, body.outcome, Actor(key.actor))
    return _changed(ledger, case_id, background)
