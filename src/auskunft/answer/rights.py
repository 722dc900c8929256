"""The data subject's rights an answer must name (Art. 15(1)(e), (f) GDPR) and the fixed statements."""

from __future__ import annotations

from auskunft.answer.labels import Translate, _
from auskunft.answer.model import Right
from auskunft.register.model import ControllerInfo

_RIGHTS = [
    (
        "rectification",
        _("Art. 16 GDPR"),
        _("Right to rectification"),
        _("You can ask us to correct inaccurate data about you and to complete incomplete data."),
    ),
    (
        "erasure",
        _("Art. 17 GDPR"),
        _("Right to erasure"),
        _(
            "You can ask us to erase your data, in particular where they are no longer needed, you withdraw "
            "your consent or object to the processing, unless we must keep them by law."
        ),
    ),
    (
        "restriction",
        _("Art. 18 GDPR"),
        _("Right to restriction of processing"),
        _(
            "You can ask us to restrict the processing of your data, for example while the accuracy of the "
            "data is being checked."
        ),
    ),
    (
        "portability",
        _("Art. 20 GDPR"),
        _("Right to data portability"),
        _(
            "You can receive the data you provided to us, processed on the basis of consent or a contract, "
            "in a structured, commonly used and machine-readable format (this answer includes it as JSON)."
        ),
    ),
    (
        "objection",
        _("Art. 21 GDPR"),
        _("Right to object"),
        _(
            "You can object at any time to processing based on Art. 6(1)(e) or (f) GDPR on grounds relating "
            "to your particular situation, and at any time without giving reasons to the use of your data "
            "for direct marketing; we then no longer use them for that purpose."
        ),
    ),
    (
        "withdraw_consent",
        _("Art. 7(3) GDPR"),
        _("Right to withdraw consent"),
        _(
            "You can withdraw a consent at any time with effect for the future; processing up to the "
            "withdrawal remains lawful."
        ),
    ),
]


def rights(translate: Translate, controller: ControllerInfo | None) -> list[Right]:
    items = [
        Right(key=key, article=translate(article), title=translate(title), text=translate(text))
        for key, article, title, text in _RIGHTS
    ]
    authority = controller.supervisory_authority.name if controller else None
    complaint = translate(
        "You have the right to lodge a complaint with a supervisory authority, in particular in the member "
        "state of your habitual residence, place of work or of the alleged infringement."
    )
    if authority:
        complaint += " " + translate("The authority competent for us is: {authority}.").format(
            authority=authority
        )
    items.append(
        Right(
            key="complaint",
            article=translate("Art. 77 GDPR"),
            title=translate("Right to lodge a complaint"),
            text=complaint,
        )
    )
    return items


def processed_statement(translate: Translate, records: int, consents: int, disclosures: int) -> str:
    return translate(
        "We confirm that we process personal data concerning you (Art. 15(1) GDPR). Below you find all "
        "data stored about you ({records} data items, {consents} consents, {disclosures} disclosures), "
        "where each item comes from, what we use it for, on which legal basis, for how long, and to whom "
        "it was passed on."
    ).format(records=records, consents=consents, disclosures=disclosures)


def not_processed_statement(translate: Translate) -> str:
    return translate(
        "We have searched all our systems for the details you gave us and confirm that we do not process "
        "any personal data concerning you (Art. 15(1) GDPR). We keep your request and this answer only to "
        "be able to show that we answered it (Art. 5(2) GDPR)."
    )


def no_adm_statement(translate: Translate) -> str:
    return translate(
        "We do not use automated decision-making, including profiling, within the meaning of Art. 22(1) "
        "and (4) GDPR for your data."
    )


def adm_statement(translate: Translate) -> str:
    return translate(
        "We use automated decision-making within the meaning of Art. 22 GDPR for the purposes listed "
        "below. For each we explain the logic involved and the significance and envisaged consequences "
        "for you. You may ask for a person to review the decision, state your point of view and contest it."
    )


def transfer_statement(translate: Translate, country: str, safeguard: str | None) -> str:
    if safeguard:
        return translate("Data are transferred to {country}; safeguard: {safeguard}.").format(
            country=country, safeguard=safeguard
        )
    return translate(
        "Data are transferred to {country}; the register names no safeguard under Art. 45 or 46 GDPR."
    ).format(country=country)
