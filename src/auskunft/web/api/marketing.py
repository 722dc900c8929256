"""`POST /api/v1/marketing/check`: may this advertising be sent? (GDPR, UWG § 7)."""

from __future__ import annotations

from typing import Annotated, Any, Self

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from auskunft.domain.identifiers import IdentifierKind
from auskunft.i18n import Language
from auskunft.ledger import Actor
from auskunft.marketing.engine import may_send
from auskunft.marketing.facts import Target
from auskunft.marketing.rules import Channel
from auskunft.web.api.deps import LedgerDep, scoped
from auskunft.web.apikeys import ApiKey, Scope

router = APIRouter(tags=["marketing"])


class CheckRequest(BaseModel):
    """Whom to check (exactly one of email, phone, customer_number), on which channel, for what."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"email": "erika.muster@example.de", "channel": "email", "purpose": "newsletter"}]
        },
    )

    email: str | None = Field(None, max_length=320, description="Email address to check.")
    phone: str | None = Field(None, max_length=50, description="Phone number to check.")
    customer_number: str | None = Field(
        None, max_length=100, description="Check the person with this customer number."
    )
    channel: Channel
    purpose: str = Field(min_length=1, max_length=100, description="Purpose key of the register.")
    at: AwareDatetime | None = Field(None, description="Moment of sending, with offset; default: now.")
    objection_notice_in_message: bool = Field(
        True, description="The message carries the notice of the right to object (§ 7(3) Nr. 4 UWG)."
    )
    lang: Language = Field("de", description="Language of the reasons.")

    @model_validator(mode="after")
    def _one_identifier(self) -> Self:
        if len(self.targets()) != 1:
            raise ValueError("give exactly one of email, phone, customer_number")
        return self

    def targets(self) -> list[Target]:
        return [
            Target(kind, value)
            for kind, value in (
                (IdentifierKind.EMAIL, self.email),
                (IdentifierKind.PHONE, self.phone),
                (IdentifierKind.CUSTOMER_NUMBER, self.customer_number),
            )
            if value is not None
        ]


@router.post("/marketing/check", summary="May this advertising be sent?")
def check(
    key: Annotated[ApiKey, scoped(Scope.MARKETING_CHECK)], ledger: LedgerDep, body: CheckRequest
) -> dict[str, Any]:
    """The decision (allow or deny), its basis and every reason, as `auskunft marketing check --format
    json` prints it. Scope `marketing:check`; audited as `api:<key name>`."""
    (target,) = body.targets()
    result = may_send(
        ledger,
        target,
        body.channel,
        body.purpose,
        Actor(key.actor, "marketing check"),
        body.at,
        body.objection_notice_in_message,
    )
    return result.as_dict(body.lang)
