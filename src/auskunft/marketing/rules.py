"""The rules of the permission engine (GDPR Art. 6, 7, 21; UWG § 7), as a pure function of facts.

`decide(facts)` answers allow or deny with the basis and every reason that led there, in the order a
data-protection officer would check them:

1. a blocking fact: the person objected to direct marketing (Art. 21(2),(3) GDPR; § 7(3) Nr. 3 UWG), or
   the address is on the suppression list — this overrides every other basis;
2. a valid consent for this purpose on this channel at that time (Art. 6(1)(a), Art. 7(1) GDPR; § 7(2) UWG),
   for email proven by a confirmed double opt-in;
3. without consent, by channel: email, SMS and fax need consent (§ 7(2) Nr. 2 UWG) unless all four
   conditions of the existing-customer exception hold (§ 7(3) UWG, email only); telephone advertising to
   consumers needs prior express consent (§ 7(2) Nr. 1 UWG); postal advertising may rest on legitimate
   interest (Art. 6(1)(f), recital 47 GDPR) unless the person objected.

Review and feedback requests are advertising (BGH VI ZR 225/17) — the purpose profile says so, and the
rules treat them like any other advertising. Addresses from third parties (brokers, partners) never meet
§ 7(3) Nr. 1, so email and phone need consent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from auskunft.domain.consent import ConsentStatus


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    FAX = "fax"
    PHONE = "phone"
    POSTAL = "postal"


ELECTRONIC = {Channel.EMAIL, Channel.SMS, Channel.FAX}
"""'Elektronische Post' and fax under § 7(2) Nr. 2 UWG."""


class Basis(StrEnum):
    CONSENT = "consent"
    EXISTING_CUSTOMER = "uwg_7_3"
    LEGITIMATE_INTEREST = "art6_1_f"


@dataclass(frozen=True, slots=True)
class PurposeProfile:
    key: str
    advertising: bool = True
    """Direct marketing (incl. review and feedback requests). Non-advertising messages need no permission."""
    own_similar_goods: bool = False
    """Advertises the company's own goods or services similar to those bought (§ 7(3) Nr. 2 UWG)."""


@dataclass(frozen=True, slots=True)
class ConsentFact:
    purpose: str
    channel: str
    status: ConsentStatus
    """The state at the moment of sending."""
    granted_at: datetime | None
    method: str | None
    double_opt_in: bool
    wording_version: str | None


@dataclass(frozen=True, slots=True)
class ObjectionFact:
    at: datetime
    purpose: str | None
    """None: all direct marketing."""
    channel: str | None
    """None: every channel."""
    via: str | None


@dataclass(frozen=True, slots=True)
class SaleFact:
    at: datetime
    reference: str | None
    notice_given: bool
    """The customer was told at collection that they may object at any time (§ 7(3) Nr. 4 UWG)."""


@dataclass(frozen=True, slots=True)
class Suppression:
    at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class Facts:
    channel: Channel
    purpose: PurposeProfile
    at: datetime
    known: bool
    """The address or person is in the ledger at all."""
    consents: tuple[ConsentFact, ...] = ()
    objections: tuple[ObjectionFact, ...] = ()
    sales: tuple[SaleFact, ...] = ()
    """Sales in connection with which the customer gave us this address themselves."""
    third_party_sources: tuple[str, ...] = ()
    """Names of third parties the address (or person) came from."""
    suppression: Suppression | None = None
    objection_notice_in_message: bool = True
    """The message to be sent tells the recipient they can object at any time (§ 7(3) Nr. 4 UWG)."""


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    ok: bool
    detail: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    basis: Basis | None
    reasons: tuple[Reason, ...]

    @property
    def blocking(self) -> list[Reason]:
        return [reason for reason in self.reasons if not reason.ok]


def _fmt(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def decide(facts: Facts) -> Decision:
    reasons: list[Reason] = []
    if not facts.purpose.advertising:
        return Decision(True, None, (Reason("not_advertising", True, {"purpose": facts.purpose.key}),))
    objection = _objection(facts)
    if objection is not None:
        detail = {"at": _fmt(objection.at), "via": objection.via or ""}
        return Decision(False, None, (Reason("objected", False, detail),))
    if facts.suppression is not None and facts.suppression.at <= facts.at:
        detail = {"at": _fmt(facts.suppression.at), "reason": facts.suppression.reason}
        return Decision(False, None, (Reason("suppressed", False, detail),))
    consent = _consent(facts)
    if consent is not None:
        ok, why = _provable(consent, facts.channel)
        detail = {
            "purpose": consent.purpose,
            "channel": consent.channel,
            "granted_at": _fmt(consent.granted_at) if consent.granted_at else "",
            "wording_version": consent.wording_version or "",
            "method": consent.method or "",
        }
        reasons.append(Reason(why, ok, detail))
        if ok:
            return Decision(True, Basis.CONSENT, tuple(reasons))
    else:
        lapsed = [c for c in facts.consents if _covers(c, facts) and c.status is not ConsentStatus.GRANTED]
        for c in lapsed:
            reasons.append(
                Reason(f"consent_{c.status.value}", False, {"purpose": c.purpose, "channel": c.channel})
            )
        if not lapsed and facts.channel is not Channel.POSTAL:
            reasons.append(
                Reason("no_consent", False, {"purpose": facts.purpose.key, "channel": facts.channel})
            )
        if not facts.known and facts.channel is not Channel.POSTAL:
            reasons.append(Reason("unknown_address", False, {}))
    if facts.third_party_sources and not facts.sales and facts.channel is not Channel.POSTAL:
        reasons.append(
            Reason("third_party_address", False, {"sources": ", ".join(facts.third_party_sources)})
        )
    if facts.channel is Channel.EMAIL:
        return _existing_customer(facts, reasons)
    if facts.channel in ELECTRONIC:
        reasons.append(Reason("electronic_needs_consent", False, {"channel": facts.channel}))
        return Decision(False, None, tuple(reasons))
    if facts.channel is Channel.PHONE:
        reasons.append(Reason("phone_needs_consent", False, {}))
        return Decision(False, None, tuple(reasons))
    reasons.append(Reason("postal_legitimate_interest", True, {}))
    return Decision(True, Basis.LEGITIMATE_INTEREST, tuple(reasons))


def _covers(consent: ConsentFact, facts: Facts) -> bool:
    return consent.purpose == facts.purpose.key and consent.channel == facts.channel.value


def _consent(facts: Facts) -> ConsentFact | None:
    granted = [c for c in facts.consents if _covers(c, facts) and c.status is ConsentStatus.GRANTED]
    return max(granted, key=lambda c: c.granted_at or facts.at) if granted else None


def _provable(consent: ConsentFact, channel: Channel) -> tuple[bool, str]:
    """Whether a granted consent is proven well enough for this channel."""
    if channel is Channel.EMAIL and not consent.double_opt_in and consent.method not in ("written", "portal"):
        return False, "consent_without_double_opt_in"
    return True, "consent"


def _objection(facts: Facts) -> ObjectionFact | None:
    for objection in sorted(facts.objections, key=lambda o: o.at):
        if objection.at > facts.at:
            continue
        if objection.purpose not in (None, facts.purpose.key):
            continue
        if objection.channel not in (None, facts.channel.value):
            continue
        return objection
    return None


def _existing_customer(facts: Facts, reasons: list[Reason]) -> Decision:
    """§ 7(3) UWG: all four conditions, or no email advertising without consent."""
    sales = [sale for sale in facts.sales if sale.at <= facts.at]
    sale = max(sales, key=lambda s: s.at) if sales else None
    conditions = [
        Reason("uwg73_sale", sale is not None, {"reference": sale.reference or "" if sale else ""}),
        Reason("uwg73_similar_goods", facts.purpose.own_similar_goods, {"purpose": facts.purpose.key}),
        Reason("uwg73_no_objection", True, {}),
        Reason(
            "uwg73_notice",
            bool(sale and sale.notice_given) and facts.objection_notice_in_message,
            {
                "at_collection": str(bool(sale and sale.notice_given)),
                "in_message": str(facts.objection_notice_in_message),
            },
        ),
    ]
    if all(condition.ok for condition in conditions):
        return Decision(
            True,
            Basis.EXISTING_CUSTOMER,
            tuple(r for r in reasons if r.code != "no_consent") + tuple(conditions),
        )
    return Decision(False, None, (*reasons, *conditions))
