"""Labels of the ledger's fixed vocabularies (channels, source kinds, consent actions, roles)."""

from __future__ import annotations

from collections.abc import Callable

Translate = Callable[[str], str]


def _(message: str) -> str:
    """Marks a string for extraction; it is translated where it is used."""
    return message


CHANNELS = {
    "hotline": _("Telephone hotline"),
    "phone": _("Telephone"),
    "email": _("Email"),
    "contact_form": _("Contact form"),
    "chat": _("Live chat"),
    "shop_checkout": _("Online shop (checkout)"),
    "portal": _("Customer portal"),
    "postal": _("Letter"),
    "sms": _("Text message (SMS)"),
    "store": _("Shop (in person)"),
}

SOURCE_KINDS = {
    "channel": _("Collected from you by us"),
    "subject": _("Provided by you"),
    "third_party": _("Received from a third party"),
    "public": _("Publicly accessible source"),
    "derived": _("Derived by us from other data"),
}

CONSENT_ACTIONS = {
    "requested": _("Consent requested (confirmation sent)"),
    "confirmed": _("Consent confirmed"),
    "granted": _("Consent given"),
    "refused": _("Consent refused"),
    "withdrawn": _("Consent withdrawn"),
    "expired": _("Consent expired"),
}

CONSENT_STATUS = {
    "pending": _("not confirmed"),
    "granted": _("given"),
    "refused": _("refused"),
    "withdrawn": _("withdrawn"),
    "expired": _("expired"),
}

CONSENT_METHODS = {
    "double_opt_in": _("Double opt-in"),
    "single_opt_in": _("Single opt-in"),
    "checkbox": _("Checkbox"),
    "verbal": _("Verbal (telephone)"),
    "written": _("In writing"),
    "unsubscribe_link": _("Unsubscribe link"),
    "portal": _("Customer portal"),
    "email_reply": _("Reply by email"),
    "letter": _("Letter"),
    "phone_agent": _("Recorded by our hotline"),
}

RECIPIENT_ROLES = {
    "processor": _("Processor (Art. 28 GDPR)"),
    "third_party": _("Third party"),
    "joint_controller": _("Joint controller (Art. 26 GDPR)"),
    "authority": _("Public authority"),
}

IDENTIFIER_KINDS = {
    "email": _("Email address"),
    "phone": _("Phone number"),
    "customer_number": _("Customer number"),
    "postal_address": _("Postal address"),
    "external_id": _("Reference in another system"),
}


def label(table: dict[str, str], key: str, translate: Translate) -> str:
    """The translated label of `key`, or the key itself where the vocabulary does not know it."""
    message = table.get(key)
    return translate(message) if message else key
