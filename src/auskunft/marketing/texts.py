"""Reasons of a permission decision in words a data-protection officer would sign (de/en via gettext)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from auskunft.answer.labels import CONSENT_METHODS, Translate, label
from auskunft.config import get_settings
from auskunft.i18n import translations
from auskunft.marketing.rules import Basis, Decision, Reason


def _(message: str) -> str:
    return message


REASONS = {
    "not_advertising": _("The purpose {purpose} is not advertising; no permission is needed."),
    "suppressed": _(
        "The address is on the suppression list since {at} ({reason}); it must not be used for advertising."
    ),
    "objected": _(
        "The person objected to direct marketing on {at} ({via}). "
        "The objection overrides every other basis "
        "(Art. 21(3) GDPR; § 7(3) No. 3 UWG)."
    ),
    "consent": _(
        "Valid consent for {purpose} by {channel} since {granted_at} "
        "(wording {wording_version}, method {method}); Art. 6(1)(a), Art. 7(1) GDPR."
    ),
    "consent_without_double_opt_in": _(
        "The consent for {purpose} by {channel} was not confirmed by double opt-in; "
        "it cannot be proven that the owner of the address consented (BGH I ZR 164/09)."
    ),
    "consent_pending": _("The consent for {purpose} by {channel} was requested but never confirmed."),
    "consent_withdrawn": _("The consent for {purpose} by {channel} was withdrawn."),
    "consent_expired": _("The consent for {purpose} by {channel} has expired."),
    "consent_refused": _("The consent for {purpose} by {channel} was refused."),
    "no_consent": _("There is no consent for {purpose} by {channel}."),
    "invalid_address": _("Line {line} holds no valid address."),
    "duplicate_address": _("The same address as on line {first}; it is checked there."),
    "unknown_address": _("We have no relationship with the owner of this address and hold no consent."),
    "third_party_address": _(
        "The address comes from a third party ({sources}); email and telephone advertising to it need the "
        "person's own consent to us."
    ),
    "electronic_needs_consent": _(
        "Advertising by {channel} needs the prior express consent of the addressee (§ 7(2) No. 2 UWG)."
    ),
    "phone_needs_consent": _(
        "Telephone advertising to consumers needs their prior express consent (§ 7(2) No. 1 UWG)."
    ),
    "postal_legitimate_interest": _(
        "Postal advertising rests on our legitimate interest in direct marketing (Art. 6(1)(f) GDPR, recital "
        "47); the person has not objected."
    ),
    "uwg73_sale": _("§ 7(3) No. 1 UWG: we received the address from the customer in connection with a sale."),
    "uwg73_similar_goods": _("§ 7(3) No. 2 UWG: the message advertises our own similar goods or services."),
    "uwg73_no_objection": _("§ 7(3) No. 3 UWG: the customer has not objected."),
    "uwg73_notice": _(
        "§ 7(3) No. 4 UWG: the customer was told at collection and is told in every message "
        "that they can object at any time."
    ),
}

FAILED = {
    "uwg73_sale": _("§ 7(3) No. 1 UWG not met: we did not receive the address from the customer in a sale."),
    "uwg73_similar_goods": _(
        "§ 7(3) No. 2 UWG not met: the purpose {purpose} is not advertising of our own similar goods."
    ),
    "uwg73_notice": _(
        "§ 7(3) No. 4 UWG not met: the notice of the right to object was not given at collection "
        "or is missing in the message."
    ),
}

BASES = {
    Basis.CONSENT: _("Consent (Art. 6(1)(a) GDPR, § 7(2) UWG)"),
    Basis.EXISTING_CUSTOMER: _("Existing customer (§ 7(3) UWG)"),
    Basis.LEGITIMATE_INTEREST: _("Legitimate interest (Art. 6(1)(f) GDPR)"),
}


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "–"


def reason_text(reason: Reason, lang: str) -> str:
    tr = translations(lang).gettext
    template = FAILED.get(reason.code) if not reason.ok else None
    template = template or REASONS.get(reason.code, reason.code)
    return tr(template).format_map(_Blank(_readable(reason.detail, lang, tr)))


_MOMENTS = ("at", "granted_at")
_ROUTES = ("via", "method")


def _readable(detail: dict[str, str], lang: str, tr: Translate) -> dict[str, str]:
    """Times in the letter's time zone and routes by their labels, as a person reads them."""
    shown = dict(detail)
    for key in _MOMENTS:
        if shown.get(key):
            moment = datetime.fromisoformat(shown[key]).astimezone(ZoneInfo(get_settings().timezone))
            pattern = "dd.MM.yyyy, HH:mm" if lang == "de" else "d MMM yyyy, HH:mm"
            shown[key] = format_datetime(moment, pattern, locale=lang)
    for key in _ROUTES:
        if shown.get(key):
            shown[key] = label(CONSENT_METHODS, shown[key], tr)
    return shown


def basis_text(decision: Decision, lang: str) -> str | None:
    return translations(lang).gettext(BASES[decision.basis]) if decision.basis else None
