"""The answer document, schema version 1 (docs/answer.md).

Built once by `auskunft.answer.builder`, rendered by every renderer. Labels are in the answer's
language; keys (categories, purposes, legal bases) stay language-neutral for machines.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

ANSWER_SCHEMA_VERSION = "1.0"


class _Doc(BaseModel):
    model_config = ConfigDict(frozen=True)


class LegalBasisRef(_Doc):
    code: str
    citation: str
    """As a letter cites it: "Art. 6 Abs. 1 lit. b DSGVO" / "Art. 6(1)(b) GDPR"."""


class Retention(_Doc):
    rule: str | None
    label: str
    """How long, in words; or the criteria for the period where no fixed period applies (Art. 15(1)(d))."""
    months: int | None = None
    until: date | None = None
    """The day the period ends, where the rule alone fixes it."""
    legal_ref: str | None = None


class SourceRef(_Doc):
    kind: Literal["channel", "third_party", "subject", "public", "derived"]
    kind_label: str
    channel: str | None = None
    channel_label: str | None = None
    name: str | None = None
    detail: str | None = None
    received_at: date | None = None
    publicly_accessible: bool = False
    collected_from_subject: bool
    """True where the person gave the data to us themselves (Art. 13), false for Art. 14 sources."""


class Identifier(_Doc):
    kind: str
    label: str
    value: str
    since: datetime
    source: SourceRef | None = None


class SubjectInfo(_Doc):
    id: int
    identifiers: list[Identifier]


class Record(_Doc):
    id: int
    category: str
    label: str
    value: str
    source: SourceRef
    collected_at: datetime
    collected_date_only: bool = False
    purposes: list[str]
    legal_basis: LegalBasisRef | None
    retention: Retention


class ConsentEventOut(_Doc):
    action: str
    action_label: str
    at: datetime
    method: str | None = None
    method_label: str | None = None
    wording: str | None = None
    wording_version: str | None = None
    evidence: dict[str, object] = {}
    source: SourceRef | None = None


class Consent(_Doc):
    purpose: str
    purpose_label: str
    channel: str
    channel_label: str
    status: Literal["pending", "granted", "refused", "withdrawn", "expired"]
    status_label: str
    granted_at: datetime | None = None
    withdrawn_at: datetime | None = None
    double_opt_in: bool
    """A request followed by a confirmation is on record."""
    events: list[ConsentEventOut]


class RecipientOut(_Doc):
    name: str
    role: str
    role_label: str
    country: str | None = None
    third_country: bool = False
    safeguard: str | None = None
    description: str | None = None


class Disclosure(_Doc):
    recipient: RecipientOut
    at: datetime
    categories: list[str]
    category_labels: list[str]
    purpose: str | None = None
    purpose_label: str | None = None
    legal_basis: LegalBasisRef | None = None
    reference: str | None = None


class Objection(_Doc):
    """An objection to direct marketing (Art. 21(2),(3) GDPR), to all of it or to one purpose or channel."""

    at: datetime
    purpose: str | None = None
    """None: all direct marketing."""
    purpose_label: str
    channel: str | None = None
    """None: every channel."""
    channel_label: str
    via: str | None = None
    via_label: str | None = None


class MarketingReason(_Doc):
    code: str
    ok: bool
    """Whether this reason speaks for sending (false: it is why we may not)."""
    text: str


class MarketingPermission(_Doc):
    """What advertising we may send the person for one purpose on one channel, now, and on which basis."""

    purpose: str
    purpose_label: str
    channel: Literal["email", "sms", "fax", "phone", "postal"]
    channel_label: str
    decision: Literal["allow", "deny"]
    basis: Literal["consent", "uwg_7_3", "art6_1_f"] | None = None
    basis_label: str | None = None
    reasons: list[MarketingReason]


class PurposeSummary(_Doc):
    key: str
    label: str
    description: str | None = None
    registered: bool
    """Whether the purpose is in the register of processing activities."""
    legal_bases: list[LegalBasisRef]
    legitimate_interest: str | None = None
    categories: list[str]
    retention: Retention | None = None


class CategorySummary(_Doc):
    key: str
    label: str
    records: int
    special: bool = False


class RecipientSummary(_Doc):
    recipient: RecipientOut
    disclosed: bool
    """True where data of this person were actually passed on; false for recipients the data may go to."""
    last_disclosed_at: datetime | None = None
    categories: list[str]
    purposes: list[str]


class SourceSummary(_Doc):
    source: SourceRef
    categories: list[str]
    first_collected_at: datetime
    last_collected_at: datetime
    records: int


class RetentionSummary(_Doc):
    retention: Retention
    categories: list[str]


class Right(_Doc):
    key: str
    article: str
    title: str
    text: str


class AutomatedDecision(_Doc):
    purpose: str
    purpose_label: str
    logic: str
    significance: str
    consequences: str


class AutomatedDecisionMaking(_Doc):
    exists: bool
    statement: str
    decisions: list[AutomatedDecision]


class ThirdCountryTransfer(_Doc):
    recipient: str
    country: str
    safeguard: str | None
    statement: str


class ControllerOut(_Doc):
    name: str
    address: str
    email: str
    phone: str | None = None
    website: str | None = None
    dpo_name: str
    dpo_email: str | None = None
    dpo_address: str | None = None
    supervisory_authority: str
    supervisory_authority_address: str | None = None
    supervisory_authority_url: str | None = None


class Answer(_Doc):
    schema_name: Literal["auskunft.answer"] = "auskunft.answer"
    version: str = ANSWER_SCHEMA_VERSION
    language: Literal["de", "en"]
    generated_at: datetime
    controller: ControllerOut | None
    processed: bool
    statement: str
    """The confirmation of Art. 15(1): whether personal data are processed, in words."""
    subject: SubjectInfo | None
    records: list[Record]
    consents: list[Consent]
    disclosures: list[Disclosure]
    objections: list[Objection] = []
    marketing: list[MarketingPermission] = []
    """For each advertising purpose of the register and each of its channels: allowed or not, and why."""
    purposes: list[PurposeSummary]
    categories: list[CategorySummary]
    recipients: list[RecipientSummary]
    sources: list[SourceSummary]
    retention: list[RetentionSummary]
    rights: list[Right]
    automated_decision_making: AutomatedDecisionMaking
    third_country_transfers: list[ThirdCountryTransfer]
