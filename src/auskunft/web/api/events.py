"""`POST /api/v1/events`: ingest events (docs/events.md) as a JSON array or as JSON Lines."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from auskunft.errors import InvalidInput
from auskunft.web.api.deps import LedgerDep, scoped
from auskunft.web.apikeys import ApiKey, Scope
from auskunft.web.errors import TooLarge, UnsupportedMediaType

router = APIRouter(tags=["events"])

MAX_EVENTS_BYTES = 16 * 1024 * 1024
"""Default size limit of a body (`create_app(max_events_bytes=...)`, `serve --max-events-bytes`)."""
JSON = "application/json"
LINES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines")

_BODY_SCHEMA: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            JSON: {"schema": {"type": "array", "items": {"type": "object"}}},
            LINES[0]: {"schema": {"type": "string", "description": "One event per line (JSON Lines)."}},
        },
    }
}


async def limited_body(request: Request) -> bytes:
    """The request body, refused (TooLarge) as soon as it exceeds the configured size."""
    limit: int = request.app.state.max_events_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the body exceeds {limit} bytes; send the events in smaller parts")
    parts: list[bytes] = []
    size = 0
    async for part in request.stream():
        size += len(part)
        if size > limit:
            raise TooLarge(f"the body exceeds {limit} bytes; send the events in smaller parts")
        parts.append(part)
    return b"".join(parts)


@router.post("/events", summary="Ingest events", openapi_extra=_BODY_SCHEMA)
def ingest(
    _key: Annotated[ApiKey, scoped(Scope.EVENTS_WRITE)],
    ledger: LedgerDep,
    request: Request,
    body: Annotated[bytes, Depends(limited_body)],
) -> dict[str, object]:
    """Store events: `application/json` (an array of events) or `application/x-ndjson` (one event per
    line). Idempotent by `event_id`. Refused events are listed in `errors` by their number; the valid
    ones are stored all the same. Scope `events:write`."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == JSON:
        try:
            events = json.loads(body)
        except UnicodeDecodeError:
            raise InvalidInput("the body is not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                f"the body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            ) from None
        if not isinstance(events, list):
            raise InvalidInput(
                "a JSON body must be an array of events; for one event per line use application/x-ndjson"
            )
        return ledger.ingest_objects(events).as_dict()
    if media in LINES:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput("the body is not UTF-8 text") from None
        return ledger.ingest_lines(text.splitlines()).as_dict()
    raise UnsupportedMediaType(
        f"send the events as {JSON} (an array) or {LINES[0]} (JSON Lines), not {media or 'untyped'}"
    )
