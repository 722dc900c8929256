"""A posted form read against its configuration: what was typed, what is wrong, and the Inbound it makes.

Only configured fields are read; everything else in the post is ignored and never stored. Errors are
messages for the person, per field, in their language; the values typed are kept to show the form again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from auskunft.answer.labels import Translate
from auskunft.channels.form.config import CONSENT, FieldSpec, FormConfig, Kind
from auskunft.conversations.model import Channel, FieldValue, Inbound
from auskunft.domain.identifiers import normalise_email, normalise_phone
from auskunft.errors import InvalidIdentifier
from auskunft.i18n import translations


@dataclass(frozen=True, slots=True)
class Submission:
    values: dict[str, str]
    """What was typed into each configured field (stripped); unknown fields are not here."""
    consent: bool
    errors: dict[str, str] = field(default_factory=dict)
    """Field key → message; empty when the submission is valid."""

    @property
    def valid(self) -> bool:
        return not self.errors


def read(config: FormConfig, posted: Mapping[str, str], lang: str, region: str = "DE") -> Submission:
    tr = translations(lang).gettext
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for spec in config.fields:
        value = str(posted.get(spec.key, "")).replace("\r\n", "\n").strip()
        values[spec.key] = value
        problem = _problem(config, spec, value, region, tr)
        if problem:
            errors[spec.key] = problem
    consent = config.marketing_consent is not None and posted.get(CONSENT) == "yes"
    email = config.field(Kind.EMAIL)
    if consent and email and not values.get(email.key) and email.key not in errors:
        errors[email.key] = tr("For the newsletter confirmation we need your email address.")
    return Submission(values, consent, errors)


def _problem(config: FormConfig, spec: FieldSpec, value: str, region: str, tr: Translate) -> str | None:
    if not value:
        if not spec.required:
            return None
        return tr("Please choose a topic.") if spec.kind is Kind.TOPIC else tr("Please fill in this field.")
    if len(value) > spec.limit:
        return tr("Please use at most {count} characters.").format(count=spec.limit)
    if spec.kind is not Kind.MESSAGE and "\n" in value:
        return tr("Please use a single line.")
    try:
        if spec.kind is Kind.EMAIL:
            normalise_email(value)
        elif spec.kind is Kind.PHONE:
            normalise_phone(value, region)
    except InvalidIdentifier:
        if spec.kind is Kind.EMAIL:
            return tr("Please enter a valid email address, e.g. name@example.de.")
        return tr("Please enter a valid phone number, e.g. 030 1234567.")
    if spec.kind is Kind.TOPIC and config.topic(value) is None:
        return tr("Please choose a topic.")
    return None


def submission_id(nonce: str, submission: Submission) -> str:
    """The idempotency key: the same form sent twice (a double click) is stored once."""
    digest = hashlib.sha256(json.dumps(submission.values, sort_keys=True).encode()).hexdigest()[:16]
    return f"form-{nonce}-{digest}"


def inbound(
    config: FormConfig, submission: Submission, *, url: str, external_id: str, at: datetime, lang: str
) -> Inbound:
    """The message for the conversation service; every configured value that was filled in goes along."""
    sender: dict[str, str] = {}
    name = body = topic = None
    queue = config.default_queue
    fields: list[FieldValue] = []
    for spec in config.fields:
        value = submission.values.get(spec.key, "")
        if not value:
            continue
        if spec.kind is Kind.NAME:
            name = value
        elif spec.kind is Kind.EMAIL:
            sender["email"] = value
        elif spec.kind is Kind.PHONE:
            sender["phone"] = value
        elif spec.kind is Kind.MESSAGE:
            body = value
        elif spec.kind is Kind.TOPIC:
            chosen = config.topic(value)
            if chosen:
                topic, queue = chosen.label.get(lang), chosen.queue
        else:
            category = spec.data_category
            assert category is not None, "checked by FormConfig"
            fields.append(FieldValue(category, value, spec.label.get(lang)))
    return Inbound(
        channel=Channel.FORM,
        received_at=at,
        body=body or "",
        sender=sender,
        sender_name=name,
        topic=topic,
        queue=queue,
        to=url,
        external_id=external_id,
        fields=tuple(fields),
        meta={"lang": lang},
    )
