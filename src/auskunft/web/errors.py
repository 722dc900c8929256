"""From exceptions to responses: the one place that knows HTTP status codes.

Every deliberate error of auskunft (`auskunft.errors`, plus the two of `web.apikeys` and the two
below) is answered as `{"error": {"code": ..., "message": ...}}` with the status of `STATUS`; so are
invalid requests (pydantic) and unknown routes. Messages never contain personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from auskunft.errors import AuskunftError, ConfigurationError, Conflict, InvalidInput, NotFound
from auskunft.web.apikeys import Forbidden, Unauthenticated


class TooLarge(InvalidInput):
    """A request body exceeds the configured size."""


class UnsupportedMediaType(InvalidInput):
    """A request body comes in a format the route does not read."""


STATUS: tuple[tuple[type[AuskunftError], int, str], ...] = (
    (Unauthenticated, 401, "unauthenticated"),
    (Forbidden, 403, "forbidden"),
    (TooLarge, 413, "too_large"),
    (UnsupportedMediaType, 415, "unsupported_media_type"),
    (InvalidInput, 422, "invalid_input"),
    (NotFound, 404, "not_found"),
    (Conflict, 409, "conflict"),
    (ConfigurationError, 500, "configuration_error"),
)
"""Status and code by exception type; the first match wins, so subclasses come before their parents."""

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


def status_of(exc: AuskunftError) -> tuple[int, str]:
    return next(((status, code) for kind, status, code in STATUS if isinstance(exc, kind)), (500, "error"))


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    return JSONResponse({"error": {"code": code, "message": message}}, status, headers)


async def _auskunft_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AuskunftError)
    status, code = status_of(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return error_response(status, code, str(exc), headers)


async def _invalid_request(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    message = "; ".join(dict.fromkeys(describe(error) for error in exc.errors()))
    return error_response(422, "invalid_input", message)


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    return error_response(exc.status_code, code, str(exc.detail), exc.headers)


def describe(error: dict[str, Any]) -> str:
    """One pydantic error as a sentence naming the field, never the value given."""
    place, *path = (str(part) for part in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "json_invalid":
        return f"the body is not valid JSON: {error.get('ctx', {}).get('error', message)}"
    if not path:
        return "the request body is missing" if error["type"] == "missing" else f"request {place}: {message}"
    field = ".".join(path)
    return f"{field} (query parameter): {message}" if place == "query" else f"{field}: {message}"


def install(app: FastAPI) -> None:
    app.add_exception_handler(AuskunftError, _auskunft_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)
