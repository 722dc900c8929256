"""Words of the proof document (English msgids, translated with gettext where they are used)."""

from __future__ import annotations

from auskunft.answer import labels


def _(message: str) -> str:
    """Marks a string for extraction; it is translated where it is used."""
    return message


METHODS = {
    **labels.CONSENT_METHODS,
    "letter": _("Letter"),
    "phone_agent": _("Telephone (our staff)"),
}

GAPS = {
    "no_grant": _("No grant of consent is on record: there is nothing to prove."),
    "pending": _(
        "The double opt-in was requested but never confirmed: an unconfirmed request is not consent."
    ),
    "no_wording": _(
        "The wording shown to the person is not on record; the concrete declaration must be documented "
        "(BGH I ZR 164/09)."
    ),
    "no_wording_version": _("The version of the wording shown is not on record."),
    "no_double_opt_in": _(
        "The consent by email was not confirmed by double opt-in: it cannot be proven that the owner of "
        "the address consented (BGH I ZR 164/09)."
    ),
    "no_evidence": _(
        "No evidence of how the consent was given (IP address, user agent, form, signed form or recording) "
        "is on record."
    ),
    "pre_ticked": _(
        "The box was pre-ticked: that is no valid consent (BGH I ZR 7/16, CJEU C-673/17 Planet49)."
    ),
    "doi_for_phone": _(
        "A double opt-in by email proves control of the email address, not consent to telephone "
        "advertising (BGH I ZR 164/09)."
    ),
}

NOTES = {
    "phone_retention": _(
        "Consent to telephone advertising must be documented when it is given and the proof kept for five "
        "years from the grant and after each use (§ 7a UWG); keep this proof until at least {until} and "
        "for five years after the last call."
    ),
    "withdrawn": _("The consent was withdrawn; no advertising on this basis since {at}."),
    "objection": _("The person objected to direct marketing on {at}; the objection overrides any consent."),
}
