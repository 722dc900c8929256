"""The event format, version 1 (docs/events.md): validated at the boundary with pydantic.

Fields not named here are allowed and ignored, so that producers can add their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    PlainSerializer,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema, core_schema

from auskunft.domain import categories, legal_basis
from auskunft.domain.consent import ConsentAction
from auskunft.domain.dates import Instant, parse_instant
from auskunft.domain.identifiers import IdentifierKind

EVENT_FORMAT_VERSION = 1

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class OneOf:
    """Annotation: the (stripped) key must be one of `values`; checked by pydantic-core, not in Python.

    A miss is a `literal_error` whose input is the stripped key; `parse._describe` words it.
    """

    def __init__(self, values: Iterable[str]) -> None:
        self.values = sorted(values)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.chain_schema([handler(source), core_schema.literal_schema(self.values)])


CategoryKey = Annotated[Key, OneOf(categories.taxonomy())]
"""A fideslang data category key (see `_describe` in parse.py for the message of an unknown one)."""
LegalBasisKey = Annotated[Key, OneOf(legal_basis.LEGAL_BASES)]
UNKNOWN_CATEGORY = "unknown category {!r} (use a fideslang data category key)"
UNKNOWN_LEGAL_BASIS = "unknown legal basis {!r} (use art6_1_a ... art6_1_f, art9_2_a ... art9_2_j)"


class _Open(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, arbitrary_types_allowed=True)


class SubjectRef(BaseModel):
    """The identifiers that name the subject; all given together belong to one person."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    email: Text | None = None
    phone: Text | None = None
    customer_number: Text | None = None
    postal_address: Text | None = None
    external_id: Text | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> SubjectRef:
        if (
            self.email is None
            and self.phone is None
            and self.customer_number is None
            and self.postal_address is None
            and self.external_id is None
        ):
            raise ValueError("subject needs at least one identifier")
        return self

    def items(self) -> list[tuple[IdentifierKind, str]]:
        values = (self.email, self.phone, self.customer_number, self.postal_address, self.external_id)
        return [(kind, value) for kind, value in zip(_KINDS, values, strict=True) if value is not None]


_KINDS = (
    IdentifierKind.EMAIL,
    IdentifierKind.PHONE,
    IdentifierKind.CUSTOMER_NUMBER,
    IdentifierKind.POSTAL_ADDRESS,
    IdentifierKind.EXTERNAL_ID,
)


class SourceRef(_Open):
    """Provenance: own collection via a channel, from the person directly, or from a third party."""

    kind: Literal["channel", "third_party", "subject", "public", "derived"]
    channel: Key | None = None
    name: Text | None = None
    detail: Text | None = None
    received_at: date | None = None
    publicly_accessible: bool = False
    contract: Text | None = None

    @field_validator("received_at", mode="before")
    @classmethod
    def _date_of_datetime(cls, value: Any) -> Any:
        if isinstance(value, str) and len(value) > 10:
            return value[:10]
        return value

    @model_validator(mode="after")
    def _named(self) -> SourceRef:
        if self.kind == "channel" and not self.channel:
            raise ValueError("a source of kind 'channel' needs 'channel'")
        if self.kind in ("third_party", "public") and not self.name:
            raise ValueError(f"a source of kind '{self.kind}' needs 'name'")
        return self


def _check_category(key: str) -> str:
    if not categories.is_known(key):
        raise ValueError(UNKNOWN_CATEGORY.format(key))
    return key


def _instant(value: Any) -> Instant:
    if isinstance(value, Instant):
        return value
    if not isinstance(value, str):
        raise ValueError("timestamp must be an ISO 8601 string")
    try:
        return parse_instant(value)
    except ValueError:
        raise ValueError(
            f"unparseable date {value[:40]!r} (use ISO 8601, e.g. 2026-03-02T10:15:00+01:00)"
        ) from None


def _instant_text(value: Instant) -> str:
    return value.at.date().isoformat() if value.date_only else value.at.isoformat()


Timestamp = Annotated[Instant, BeforeValidator(_instant), PlainSerializer(_instant_text)]


class _Event(_Open):
    event_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    subject: SubjectRef
    format_version: Literal[1] = 1


class RecordEvent(_Event):
    type: Literal["record"]
    category: CategoryKey
    value: Any = Field(...)
    source: SourceRef
    collected_at: Timestamp
    purposes: list[Key] = Field(min_length=1)
    legal_basis: LegalBasisKey | None = None
    retention: Key | None = None
    notice: Notice | None = Field(default=None, exclude_if=lambda value: value is None)
    """A notice shown at collection, e.g. of the right to object (§ 7(3) Nr. 4 UWG). Left out of the
    digest when absent, so events written before the field existed keep their digest."""

    @field_validator("value")
    @classmethod
    def _present(cls, value: Any) -> Any:
        if value is None or value == "":
            raise ValueError("value is empty")
        return value


class Notice(_Open):
    """A notice shown to the person when the data were collected."""

    kind: Literal["objection_right", "privacy_information"]
    text: Text | None = None
    version: Key | None = None


class ConsentEvent(_Event):
    type: Literal["consent"]
    purpose: Key
    channel: Key
    action: ConsentAction
    at: Timestamp
    method: Key | None = None
    wording: Text | None = None
    wording_version: Key | None = None
    evidence: dict[str, Any] = Field(default_factory=dict)
    source: SourceRef | None = None


class RecipientRef(_Open):
    name: Text
    role: Literal["processor", "third_party", "joint_controller", "authority"]
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    safeguard: Text | None = None


class DisclosureEvent(_Event):
    type: Literal["disclosure"]
    recipient: RecipientRef
    categories: list[Key] = Field(min_length=1)
    purpose: Key | None = None
    legal_basis: LegalBasisKey | None = None
    at: Timestamp
    reference: Text | None = None

    @field_validator("categories")
    @classmethod
    def _known(cls, keys: list[str]) -> list[str]:
        return [_check_category(key) for key in keys]


class ObjectionEvent(_Event):
    """An objection to direct marketing (Art. 21(2) GDPR), to all of it or to one purpose or channel."""

    type: Literal["objection"]
    at: Timestamp
    purpose: Key | None = None
    """None: all direct marketing."""
    channel: Key | None = None
    """None: every channel."""
    via: Key | None = None
    """How it arrived: email, letter, phone, portal, unsubscribe_link, reply, ..."""
    reference: Text | None = None


AnyEvent = RecordEvent | ConsentEvent | DisclosureEvent | ObjectionEvent
Event = Annotated[AnyEvent, Field(discriminator="type")]
