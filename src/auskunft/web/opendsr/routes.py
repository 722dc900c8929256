"""The OpenDSR endpoints of the processor, under `/opendsr/v2` (the major version leads the path, 3.4).

Every answer — errors included — is signed (`X-OpenDSR-Signature`, `X-OpenDSR-Processor-Domain`) and
every error has the specification's shape, `{"error": {"code": <HTTP status>, "message", "errors"}}`:
the route class `OpenDsrRoute` does both, so the routes below only say what they answer.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from auskunft.config import Settings
from auskunft.errors import AuskunftError, ConfigurationError, Conflict, InvalidInput
from auskunft.ledger import Actor
from auskunft.web.api.deps import LedgerDep, get_ledger, scoped
from auskunft.web.apikeys import ApiKey, Scope
from auskunft.web.errors import describe, status_of
from auskunft.web.opendsr import callbacks, mapping, service
from auskunft.web.opendsr.models import (
    UUID4_PATTERN,
    CancellationResponse,
    Discovery,
    ErrorResponse,
    RequestCreated,
    StatusResponse,
    SubmittedRequest,
)
from auskunft.web.opendsr.signing import (
    DOMAIN_HEADER,
    SIGNATURE_HEADER,
    canonical,
    sign,
    signing_key,
    with_processor_signature,
)

SIGNING_NOTE = """This OpenDSR processor signs its responses and status callbacks with HMAC-SHA256.

Header X-OpenDSR-Signature: Base64 of HMAC-SHA256(secret, raw response or callback body).
Header X-OpenDSR-Processor-Domain: the processor's domain.
Member processor_signature (201 and 202 answers): Base64 of HMAC-SHA256(secret, body), where body is
the JSON of the answer without processor_signature, keys sorted, no whitespace, ASCII escapes.

The secret is handed to each controller out of band. There is no X.509 certificate to download: this
deviates from section 4 of the OpenDSR 2.0 specification (see docs/opendsr.md of auskunft).
"""


def processor_domain(request: Request, settings: Settings) -> str:
    """The configured domain, else the host the request was sent to."""
    return (settings.opendsr_domain or request.url.hostname or "localhost")[:253]


def _error(status: int, message: str, reason: str, details: list[str] | None = None) -> Response:
    errors = [
        {"domain": "Validation" if status == 400 else "Request", "reason": reason, "message": m}
        for m in (details or [message])
    ]
    body = {"error": {"code": status, "message": message, "errors": errors}}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return Response(canonical(body), status, headers, media_type="application/json")


def _error_of(exc: AuskunftError, method: str) -> Response:
    if isinstance(exc, InvalidInput):
        status = 400
    elif isinstance(exc, Conflict):
        status = 400 if method == "POST" else 409  # 7.5: every error of POST /requests is a 400
    elif isinstance(exc, ConfigurationError):
        status = 503
    else:
        status = status_of(exc)[0]
    return _error(status, str(exc), type(exc).__name__)


def _signed(request: Request, response: Response) -> Response:
    settings = get_ledger(request).settings
    response.headers[DOMAIN_HEADER] = processor_domain(request, settings)
    response.headers["Pragma"] = "no-cache"
    try:
        key = signing_key(settings)
    except ConfigurationError:
        return response
    response.headers[SIGNATURE_HEADER] = sign(key, bytes(response.body))
    return response


class OpenDsrRoute(APIRoute):
    """Answers errors in the specification's shape (400 for invalid input) and signs every answer."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def signed_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except RequestValidationError as exc:
                details = list(dict.fromkeys(describe(error) for error in exc.errors()))
                response = _error(400, "; ".join(details), "IllegalArgument", details)
            except AuskunftError as exc:
                response = _error_of(exc, request.method)
            return _signed(request, response)

        return signed_handler


def _key(ledger: LedgerDep) -> bytes:
    return signing_key(ledger.settings)


SigningKey = Annotated[bytes, Depends(_key)]
Controller = Annotated[ApiKey, scoped(Scope.OPENDSR)]
RequestId = Annotated[str, Path(pattern=UUID4_PATTERN, max_length=36, description="subject_request_id")]

_SIGNED_HEADERS = {
    SIGNATURE_HEADER: {"description": "Base64 HMAC-SHA256 of the body.", "schema": {"type": "string"}},
    DOMAIN_HEADER: {"description": "The processor's domain.", "schema": {"type": "string"}},
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorResponse, "description": "Error (400 for invalid input), section 7.6."},
    503: {"model": ErrorResponse, "description": "OpenDSR is not configured (no signing secret)."},
}


def _answer(status: int, model: type[Any], description: str) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": model, "description": description, "headers": _SIGNED_HEADERS}} | _ERRORS


def _json(data: dict[str, Any], status: int = 200) -> Response:
    return Response(canonical(data), status, media_type="application/json")


router = APIRouter(prefix="/opendsr/v2", tags=["opendsr"], route_class=OpenDsrRoute)


@router.get("/discovery", summary="What this processor supports", responses=_answer(200, Discovery, "OK"))
def discovery(request: Request, ledger: LedgerDep, _key: SigningKey) -> Response:
    """Section 6: supported identities and request types. No API key needed."""
    certificate = ledger.settings.opendsr_certificate_url or str(request.url_for("opendsr_signing"))
    return _json(
        {
            "api_version": mapping.API_VERSION,
            "supported_identities": [
                {"identity_type": kind.value, "identity_format": fmt.value}
                for kind, fmt in mapping.SUPPORTED_IDENTITIES
            ],
            "supported_subject_request_types": [kind.value for kind in mapping.KINDS],
            "processor_certificate": certificate,
        }
    )


@router.get(
    "/signing",
    name="opendsr_signing",
    summary="How answers and callbacks are signed",
    response_class=PlainTextResponse,
)
def signing_page() -> PlainTextResponse:
    """Published as `processor_certificate`: auskunft signs with HMAC-SHA256, not with a certificate."""
    return PlainTextResponse(SIGNING_NOTE)


@router.post(
    "/requests",
    status_code=201,
    summary="Submit a data-subject request",
    responses=_answer(201, RequestCreated, "Created (also for a repeated submission)"),
)
async def create(
    request: Request, body: SubmittedRequest, key: Controller, ledger: LedgerDep, signing: SigningKey
) -> Response:
    """Section 7: opens a request case (docs/opendsr.md). Idempotent by `subject_request_id`. Scope
    `opendsr`; the controller is the API key's name."""
    raw = await request.body()
    domain = processor_domain(request, ledger.settings)
    stored, _ = await run_in_threadpool(
        service.submit, ledger, body, key.name, domain, Actor(key.actor, "OpenDSR request")
    )
    expected = service.expected_completion(ledger.settings, stored.due_on)
    data = {
        "controller_id": stored.controller_id,
        "expected_completion_time": service.rfc3339(expected),
        "received_time": service.rfc3339(stored.received_time),
        "encoded_request": base64.b64encode(raw).decode("ascii"),
        "subject_request_id": stored.subject_request_id,
    }
    return _json(with_processor_signature(signing, data), 201)


def _status(stored: service.Stored, settings: Settings) -> dict[str, Any]:
    return {
        "controller_id": stored.controller_id,
        "expected_completion_time": service.rfc3339(service.expected_completion(settings, stored.due_on)),
        "subject_request_id": stored.subject_request_id,
        "request_status": stored.status.value,
        "api_version": mapping.API_VERSION,
    }


@router.get(
    "/requests/{subject_request_id}",
    summary="The status of a request",
    responses=_answer(200, StatusResponse, "OK"),
)
def read(subject_request_id: RequestId, key: Controller, ledger: LedgerDep, _key: SigningKey) -> Response:
    """Section 8: the status, mapped from the case's state. Scope `opendsr`; audited."""
    stored = service.status(ledger, subject_request_id, key.name, Actor(key.actor, "OpenDSR status"))
    return _json(_status(stored, ledger.settings))


@router.get(
    "/status/{subject_request_id}",
    summary="The status of a request (alias)",
    responses=_answer(200, StatusResponse, "OK"),
)
def read_status(
    subject_request_id: RequestId, key: Controller, ledger: LedgerDep, _key: SigningKey
) -> Response:
    """The same as `GET /requests/{subject_request_id}`, for the `/status` endpoint section 3.1 names."""
    return read(subject_request_id, key, ledger, _key)


@router.delete(
    "/requests/{subject_request_id}",
    status_code=202,
    summary="Cancel a pending request",
    responses=_answer(202, CancellationResponse, "Accepted"),
)
def cancel(
    subject_request_id: RequestId,
    key: Controller,
    ledger: LedgerDep,
    signing: SigningKey,
    background: BackgroundTasks,
) -> Response:
    """Section 9: only while `pending`; the case is refused with the reason "cancelled by controller" and
    the status callbacks go out. Scope `opendsr`."""
    stored = service.cancel(ledger, subject_request_id, key.name, Actor(key.actor, "OpenDSR cancellation"))
    background.add_task(callbacks.after_change, ledger, stored.case_id)
    data = {
        "controller_id": stored.controller_id,
        "received_time": service.rfc3339(datetime.now(UTC)),
        "subject_request_id": stored.subject_request_id,
        "api_version": mapping.API_VERSION,
    }
    return _json(with_processor_signature(signing, data), 202)
