"""The register file format, version 1 (docs/register.md), validated with pydantic."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from auskunft.domain import categories, legal_basis
from auskunft.domain.retention import RetentionRule, RetentionTrigger

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localised(_Strict):
    de: Text
    en: Text

    def get(self, lang: str) -> str:
        return self.de if lang == "de" else self.en


class Contact(_Strict):
    name: Text
    address: Text | None = None
    email: Text | None = None
    phone: Text | None = None
    url: Text | None = None


class ControllerInfo(_Strict):
    name: Text
    address: Text
    email: Text
    phone: Text | None = None
    website: Text | None = None
    representative: Text | None = None
    dpo: Contact
    supervisory_authority: Contact
    security_measures: Localised | None = None
    """General description of the technical and organisational measures (Art. 30(1)(g), Art. 32(1))."""


class RetentionRuleSpec(_Strict):
    key: Text
    months: int | None = Field(None, ge=0)
    trigger: RetentionTrigger
    label: Localised
    legal_ref: Text | None = None

    def rule(self) -> RetentionRule:
        return RetentionRule(
            key=self.key,
            months=self.months,
            trigger=self.trigger,
            label_de=self.label.de,
            label_en=self.label.en,
            legal_ref=self.legal_ref,
        )


class RecipientSpec(_Strict):
    name: Text
    role: Literal["processor", "third_party", "joint_controller", "authority"]
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    safeguard: Text | None = None
    description: Localised | None = None
    contact: Text | None = None


class AutomatedDecision(_Strict):
    """Art. 22 GDPR: the logic involved, its significance and envisaged consequences."""

    logic: Localised
    significance: Localised
    consequences: Localised


class MarketingProfile(_Strict):
    """How the permission engine treats a purpose (docs/marketing.md)."""

    advertising: bool = True
    """Direct marketing, including review and feedback requests (BGH VI ZR 225/17)."""
    own_similar_goods: bool = False
    """Advertises own goods or services similar to those the customer bought (§ 7(3) Nr. 2 UWG)."""
    channels: list[Literal["email", "sms", "fax", "phone", "postal"]] = Field(default_factory=list)
    """The channels this purpose is used on; the answer states the permission for each."""


class ActivitySpec(_Strict):
    key: Text
    name: Localised
    description: Localised | None = None
    data_subjects: Localised | None = None
    """Categories of data subjects, e.g. customers, newsletter subscribers (Art. 30(1)(c))."""
    legal_basis: list[Text] = Field(min_length=1)
    legitimate_interest: Localised | None = None
    categories: list[Text] = Field(default_factory=list)
    recipients: list[Text] = Field(default_factory=list)
    retention: Text
    automated_decision: AutomatedDecision | None = None
    marketing: MarketingProfile | None = None
    security_measures: Localised | None = None
    """Measures specific to this activity, beyond the controller's general ones (Art. 30(1)(g))."""


class Register(_Strict):
    version: Literal[1] = 1
    controller: ControllerInfo
    retention_rules: list[RetentionRuleSpec] = Field(default_factory=list)
    recipients: list[RecipientSpec] = Field(default_factory=list)
    activities: list[ActivitySpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references_resolve(self) -> Register:
        problems: list[str] = []
        rules = {rule.key for rule in self.retention_rules}
        recipients = {recipient.name for recipient in self.recipients}
        for kind, keys in (
            ("retention rule", [r.key for r in self.retention_rules]),
            ("recipient", [r.name for r in self.recipients]),
            ("activity", [a.key for a in self.activities]),
        ):
            duplicates = sorted({key for key in keys if keys.count(key) > 1})
            if duplicates:
                problems.append(f"duplicate {kind}: {', '.join(duplicates)}")
        for activity in self.activities:
            where = f"activity {activity.key!r}"
            if activity.retention not in rules:
                problems.append(f"{where}: unknown retention rule {activity.retention!r}")
            problems += [
                f"{where}: unknown recipient {name!r}"
                for name in activity.recipients
                if name not in recipients
            ]
            problems += [
                f"{where}: unknown category {key!r}"
                for key in activity.categories
                if not categories.is_known(key)
            ]
            problems += [
                f"{where}: unknown legal basis {code!r}"
                for code in activity.legal_basis
                if not legal_basis.is_known(code)
            ]
            if "art6_1_f" in activity.legal_basis and activity.legitimate_interest is None:
                problems.append(f"{where}: legal basis art6_1_f needs 'legitimate_interest' (Art. 13(1)(d))")
        if problems:
            raise ValueError("; ".join(problems))
        return self
