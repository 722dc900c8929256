"""The contact form a company configures: its fields, topics (queues), consent and spam limits.

Only configured fields are shown and accepted (data minimisation, Art. 5(1)(c) GDPR): anything else a
browser posts is dropped unread. Each field names the data category it collects (fideslang), so the
ledger records it with its meaning. The demo company's form is `default.yaml` next to this module.
"""

from __future__ import annotations

import re
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from auskunft.config import Settings
from auskunft.domain import categories
from auskunft.errors import InvalidInput
from auskunft.register.model import Localised

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

HONEYPOT = "website"
"""Name of the trap field: hidden from people, filled in by bots."""
TOKEN = "form_token"  # noqa: S105 (a field name)
CONSENT = "marketing_consent"
RESERVED = frozenset({HONEYPOT, TOKEN, CONSENT, "lang"})
_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


class Kind(StrEnum):
    """What a field is; the kind decides its input element and where its value goes."""

    NAME = "name"
    """The sender's name (`Inbound.sender_name`)."""
    EMAIL = "email"
    """The sender's email address: an identifier of the person."""
    PHONE = "phone"
    """The sender's phone number: an identifier of the person."""
    TEXT = "text"
    """Any further single line (order number, customer number): a record of its category."""
    TOPIC = "topic"
    """The topic chosen from `topics`; it decides the queue."""
    MESSAGE = "message"
    """The message itself (`Inbound.body`)."""


_DEFAULT_CATEGORY = {
    Kind.NAME: "user.name",
    Kind.EMAIL: "user.contact.email",
    Kind.PHONE: "user.contact.phone_number",
    Kind.MESSAGE: "user.content.private",
}
_MAX_LENGTH = {Kind.MESSAGE: 10_000, Kind.EMAIL: 320, Kind.PHONE: 40}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Strict):
    key: Text
    kind: Kind
    label: Localised
    required: bool = False
    category: Text | None = None
    """fideslang key; name, email, phone and message have their own default."""
    max_length: int = Field(200, ge=1, le=100_000)
    hint: Localised | None = None
    """A short help text shown under the field."""

    @property
    def data_category(self) -> str | None:
        return self.category or _DEFAULT_CATEGORY.get(self.kind)

    @property
    def limit(self) -> int:
        """Characters accepted: `max_length` if given, else the kind's own limit (a message: 10,000)."""
        if "max_length" in self.model_fields_set:
            return self.max_length
        return _MAX_LENGTH.get(self.kind, self.max_length)


class Topic(_Strict):
    key: Text
    label: Localised
    queue: Text
    """Queue key of the conversation (kundenservice, technik, buchhaltung, datenschutz, ...)."""


class MarketingConsent(_Strict):
    """The optional, never pre-ticked checkbox; ticked, it starts a double opt-in."""

    purpose: Text
    channel: Text = "email"
    wording: Localised
    """Shown verbatim next to the checkbox and kept verbatim as proof."""
    version: Text


class SpamLimits(_Strict):
    min_seconds: float = Field(3.0, ge=0)
    """A form sent sooner after it was shown was not filled in by a person."""
    max_age_minutes: int = Field(240, ge=1)
    """An older form is shown again (with what was typed) for a fresh token."""
    per_ip: int = Field(5, ge=1)
    """Submissions allowed from one IP address within `window_minutes`."""
    window_minutes: int = Field(10, ge=1)


class FormConfig(_Strict):
    title: Localised
    intro: Localised | None = None
    public_url: Text | None = None
    """The form's public address, recorded as the source; default: the register's website + /kontakt."""
    purpose: Text = "customer_service"
    """The register activity the submissions serve (its Art. 13 information is shown)."""
    fields: list[FieldSpec] = Field(min_length=1)
    topics: list[Topic] = Field(default_factory=list)
    default_queue: Text = "kundenservice"
    marketing_consent: MarketingConsent | None = None
    spam: SpamLimits = Field(default_factory=SpamLimits)

    @model_validator(mode="after")
    def _consistent(self) -> FormConfig:
        problems: list[str] = []
        keys = [field.key for field in self.fields]
        problems += [f"duplicate field {key!r}" for key in sorted({k for k in keys if keys.count(k) > 1})]
        problems += [f"field key {key!r} must be lower_snake_case" for key in keys if not _KEY.fullmatch(key)]
        problems += [f"field key {key!r} is reserved" for key in keys if key in RESERVED]
        for kind in (Kind.NAME, Kind.EMAIL, Kind.PHONE, Kind.TOPIC, Kind.MESSAGE):
            if sum(field.kind is kind for field in self.fields) > 1:
                problems.append(f"more than one field of kind {kind.value}")
        if not any(field.kind is Kind.MESSAGE for field in self.fields):
            problems.append("a field of kind message is needed")
        for field in self.fields:
            category = field.data_category
            if category is None:
                if field.kind is not Kind.TOPIC:
                    problems.append(f"field {field.key!r}: give its data category")
            elif not categories.is_known(category):
                problems.append(f"field {field.key!r}: unknown category {category!r}")
        if any(field.kind is Kind.TOPIC for field in self.fields) and not self.topics:
            problems.append("a topic field needs topics")
        topic_keys = [topic.key for topic in self.topics]
        twice = sorted({key for key in topic_keys if topic_keys.count(key) > 1})
        problems += [f"duplicate topic {key!r}" for key in twice]
        if self.marketing_consent and not any(field.kind is Kind.EMAIL for field in self.fields):
            problems.append("the marketing consent needs an email field (double opt-in)")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def field(self, kind: Kind) -> FieldSpec | None:
        return next((field for field in self.fields if field.kind is kind), None)

    def topic(self, key: str) -> Topic | None:
        return next((topic for topic in self.topics if topic.key == key), None)


def parse(raw: object, where: str) -> FormConfig:
    try:
        return FormConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'file'}: {error['msg']}".removesuffix(".")
            for error in exc.errors()
        )
        raise InvalidInput(f"{where}: {problems}") from None


def load(path: Path) -> FormConfig:
    """A form configuration from a YAML file; InvalidInput naming every problem."""
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InvalidInput(f"cannot read the form configuration {path}: {exc}") from None
    return parse(raw, str(path))


def configured(settings: Settings) -> FormConfig:
    """The form of `AUSKUNFT_CONTACT_FORM_FILE`, else the demo company's."""
    return load(settings.contact_form_file) if settings.contact_form_file else default()


def default() -> FormConfig:
    """The demo company's contact form."""
    text = resources.files(__package__).joinpath("default.yaml").read_text("utf-8")
    return parse(yaml.safe_load(text), "default form configuration")
