"""Identifiers: normalised keys that point at a subject.

Normalisation makes the same person's identifier written in different ways compare equal:
emails are lower-cased and checked for syntax, phone numbers become E.164, customer numbers lose
spaces and are upper-cased, postal addresses are case- and spacing-folded.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from auskunft.errors import InvalidIdentifier


class IdentifierKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    CUSTOMER_NUMBER = "customer_number"
    POSTAL_ADDRESS = "postal_address"
    EXTERNAL_ID = "external_id"


def normalise_email(raw: str) -> str:
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidIdentifier(f"not a valid email address: {exc}") from None
    return result.normalized.lower()


def normalise_phone(raw: str, region: str = "DE") -> str:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise InvalidIdentifier("not a phone number") from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidIdentifier("not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_SPACE = re.compile(r"\s+")
_STREET = re.compile(r"(str\.|straße)(?=\W|$)")


def normalise_customer_number(raw: str) -> str:
    value = _SPACE.sub("", raw).upper()
    if not value:
        raise InvalidIdentifier("empty customer number")
    return value


def normalise_postal_address(raw: str) -> str:
    value = unicodedata.normalize("NFKC", raw).casefold()
    value = _STREET.sub("strasse", value)
    value = _SPACE.sub(" ", value.replace(",", ", ")).strip()
    value = value.replace(" ,", ",")
    if not value:
        raise InvalidIdentifier("empty postal address")
    return value


def normalise_external_id(raw: str) -> str:
    value = raw.strip()
    if ":" not in value:
        raise InvalidIdentifier("external id must be written as SYSTEM:ID")
    return value


@lru_cache(maxsize=65_536)
def normalise(kind: IdentifierKind, raw: str, region: str = "DE") -> str:
    """The normalised form of an identifier; InvalidIdentifier if it cannot be one.

    Cached: exports repeat the same identifiers on every line of a person.
    """
    if not isinstance(raw, str):
        raise InvalidIdentifier(f"{kind.value} must be a string")
    if kind is IdentifierKind.EMAIL:
        return normalise_email(raw)
    if kind is IdentifierKind.PHONE:
        return normalise_phone(raw, region)
    if kind is IdentifierKind.CUSTOMER_NUMBER:
        return normalise_customer_number(raw)
    if kind is IdentifierKind.POSTAL_ADDRESS:
        return normalise_postal_address(raw)
    return normalise_external_id(raw)


def exactly_one(
    email: str | None, phone: str | None, customer_number: str | None
) -> tuple[IdentifierKind, str] | None:
    """The one identifier given of email, phone and customer number; None unless exactly one is given."""
    given = [
        (kind, value)
        for kind, value in (
            (IdentifierKind.EMAIL, email),
            (IdentifierKind.PHONE, phone),
            (IdentifierKind.CUSTOMER_NUMBER, customer_number),
        )
        if value is not None
    ]
    return given[0] if len(given) == 1 else None
