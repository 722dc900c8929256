"""`GET /api/v1/answers`: the Art. 15 answer for one person, as JSON or as the PDF letter."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from auskunft.answer.builder import SubjectQuery
from auskunft.answer.render import to_json, to_pdf
from auskunft.domain.identifiers import exactly_one
from auskunft.errors import InvalidInput
from auskunft.i18n import Language, language
from auskunft.ledger import Actor
from auskunft.web.api.deps import LedgerDep, scoped
from auskunft.web.apikeys import ApiKey, Scope

router = APIRouter(tags=["answers"])


class AnswerFormat(StrEnum):
    JSON = "json"
    PDF = "pdf"


_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "application/pdf": {}}}
}


@router.get("/answers", summary="The Art. 15 answer for one person", responses=_CONTENT)
def answer(
    key: Annotated[ApiKey, scoped(Scope.ANSWERS_READ)],
    ledger: LedgerDep,
    email: Annotated[str | None, Query(max_length=320, description="Email address of the person.")] = None,
    phone: Annotated[str | None, Query(max_length=50, description="Phone number of the person.")] = None,
    customer_number: Annotated[str | None, Query(max_length=100, description="Customer number.")] = None,
    fmt: Annotated[AnswerFormat, Query(alias="format", description="json or pdf.")] = AnswerFormat.JSON,
    lang: Annotated[Language | None, Query(description="de or en; default: the configured language.")] = None,
    reason: Annotated[str | None, Query(max_length=500, description="Why (audit trail).")] = None,
) -> Response:
    """Found by exactly one of `email`, `phone`, `customer_number`; an unknown person gets the negative
    answer (`processed: false`). Scope `answers:read`; every call is written to the audit trail."""
    one = exactly_one(email, phone, customer_number)
    if one is None:
        raise InvalidInput("give exactly one of the query parameters email, phone, customer_number")
    query = SubjectQuery(*one)
    result = ledger.answer(query, lang or language(ledger.settings.language), Actor(key.actor, reason))
    if fmt is AnswerFormat.PDF:
        return Response(
            to_pdf(result),
            media_type="application/pdf",
            headers={"Content-Disposition": 'attachment; filename="auskunft.pdf"'},
        )
    return Response(to_json(result), media_type="application/json")
