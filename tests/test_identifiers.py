"""Normalisation of identifiers: the same person written differently is found the same."""

from __future__ import annotations

import pytest

from auskunft.domain.identifiers import IdentifierKind, normalise
from auskunft.errors import InvalidIdentifier


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        (IdentifierKind.EMAIL, " Erika.Muster@Example.DE ", "erika.muster@example.de"),
        (IdentifierKind.PHONE, "+49 30 1234567", "+49301234567"),
        (IdentifierKind.PHONE, "030 / 123 45 67", "+49301234567"),
        (IdentifierKind.PHONE, "0049 (0)30 1234567", "+49301234567"),
        (IdentifierKind.CUSTOMER_NUMBER, " k-104 233 ", "K-104233"),
        (IdentifierKind.POSTAL_ADDRESS, "Musterstr. 1,  10115 Berlin", "musterstrasse 1, 10115 berlin"),
        (IdentifierKind.POSTAL_ADDRESS, "Musterstraße 1, 10115 BERLIN", "musterstrasse 1, 10115 berlin"),
        (IdentifierKind.EXTERNAL_ID, " shop:4711 ", "shop:4711"),
    ],
)
def test_identifier_is_normalised(kind: IdentifierKind, raw: str, expected: str) -> None:
    assert normalise(kind, raw) == expected


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (IdentifierKind.EMAIL, "erika.muster@"),
        (IdentifierKind.EMAIL, "kein at zeichen"),
        (IdentifierKind.PHONE, "hallo"),
        (IdentifierKind.PHONE, "+49 1"),
        (IdentifierKind.CUSTOMER_NUMBER, "   "),
        (IdentifierKind.EXTERNAL_ID, "4711"),
    ],
)
def test_malformed_identifier_is_refused(kind: IdentifierKind, raw: str) -> None:
    with pytest.raises(InvalidIdentifier):
        normalise(kind, raw)
