"""The requester's identity lines ("Name: ...", "E-Mail-Adresse: ...") and their own reference number.

Request letters list the data that identify the writer as labelled lines, usually after an
announcement such as "Zur Identifikation meiner Person habe ich folgende Daten beigefügt:" or "I include
the following information necessary to identify me:". When that block is there, every labelled line in
it is taken (known labels under a fixed key, others under their label as written); an address may run
over several lines. Without the block, only lines with a known label are taken, and never those in a
list of changes or of data to erase ("Folgende Änderungen sind vorzunehmen:"), which name the data the
request is about, not the person.
"""

from __future__ import annotations

import re

_KEYS = {
    "name": ("name", "vollständiger name", "vor- und nachname", "vor- und zuname", "full name"),
    "first_name": ("vorname", "first name", "given name", "forename"),
    "last_name": ("nachname", "familienname", "zuname", "last name", "surname", "family name"),
    "email": (
        "e-mail", "e-mail-adresse", "email", "email-adresse", "emailadresse", "mail", "e-mail address",
        "email address", "e-mail adresse",
    ),
    "address": (
        "adresse", "anschrift", "postanschrift", "wohnanschrift", "wohnadresse", "postadresse",
        "meldeadresse", "address", "postal address", "home address", "street address", "mailing address",
    ),
    "birth_date": ("geburtsdatum", "geboren am", "geb.", "date of birth", "birth date", "birthdate", "dob"),
    "customer_number": (
        "kundennummer", "kunden-nr.", "kunden-nr", "kundennr.", "kundennr", "kd.-nr.", "kd-nr.", "kd.nr.",
        "kunden-id", "customer number", "customer no.", "customer no", "customer id", "customer reference",
    ),
    "phone": (
        "telefon", "telefonnummer", "tel.", "tel", "mobil", "mobilnummer", "handy", "handynummer",
        "rufnummer", "phone", "phone number", "telephone", "telephone number", "mobile", "mobile number",
    ),
    "username": ("benutzername", "nutzername", "username", "user name", "login", "account", "konto"),
    "contract_number": ("vertragsnummer", "vertrags-nr.", "contract number"),
    "order_number": ("bestellnummer", "bestell-nr.", "auftragsnummer", "order number", "order no."),
}  # fmt: skip
_LABELS = {label: key for key, labels in _KEYS.items() for label in labels}

_ANNOUNCEMENT = re.compile(
    r"(zur identifi[zk]ierung|zur identifikation|identifi\w* (meiner person|mich)|folgende daten beigefügt"
    r"|sie erreichen mich wie folgt|meine daten( lauten)?\s*:|angaben zu meiner person"
    r"|information necessary to identify me|to identify me|my contact details are|my details( are)?\s*:"
    r"|identification data)",
    re.IGNORECASE,
)
_OTHER_LIST = re.compile(
    r"(folgende änderungen|following changes|folgenden mich betreffenden personenbezogenen daten"
    r"|following personal data|data to be (deleted|corrected)|zu (löschen|berichtigen)\w*\s*:)",
    re.IGNORECASE,
)
_LINE = re.compile(r"^\s*([A-Za-zÄÖÜäöüß][\wÄÖÜäöüß .\-/()]{0,38}?)\s*:\s*(.*?)\s*$")
_REFERENCE = re.compile(
    r"\b(?:mein(?:e)?\s+(?:zeichen|aktenzeichen|referenz(?:nummer)?|vorgangsnummer)|my\s+reference"
    r"(?:\s+(?:number|no\.?))?|my\s+ref\.?)\s*:?\s*([A-Z0-9][A-Za-z0-9\-/_.]{2,40}[A-Za-z0-9])",
    re.IGNORECASE,
)


def reference(subject: str | None, text: str) -> str | None:
    """The requester's own reference ("Mein Zeichen: 2026-AB12CD3", "My reference: ..."), subject first.

    "Ihr Zeichen" / "Unser Zeichen" / "your reference" name the company's reference and are not taken."""
    for part in (subject or "", text):
        if m := _REFERENCE.search(part):
            return m[1]
    return None


def identity(text: str) -> dict[str, str]:
    """The labelled identity lines of a letter, keyed as described in the module docstring."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if _ANNOUNCEMENT.search(line):
            block = _read_block(lines[i + 1 :], any_label=True)
            if block:
                return block
    return _read_block(lines, any_label=False, scan=True)


def _key(label: str) -> str | None:
    return _LABELS.get(re.sub(r"\s+", " ", label.strip().lower()))


def _read_block(lines: list[str], *, any_label: bool, scan: bool = False) -> dict[str, str]:
    found: dict[str, str] = {}
    last: str | None = None
    skipping = False
    for line in lines:
        stripped = line.strip()
        if not stripped:
            if found and not scan:
                break
            last, skipping = None, False
            continue
        if scan and _OTHER_LIST.search(stripped) and stripped.endswith(":"):
            skipping = True
            continue
        m = _LINE.match(line)
        key = _key(m[1]) if m else None
        if m and (key or any_label) and not skipping:
            name = key or m[1].strip()
            if m[2] and name not in found:
                found[name] = m[2]
                last = name
            elif not m[2]:
                found.setdefault(name, "")
                last = name
            continue
        if last is not None and _continues(last, stripped, found[last]):
            found[last] = f"{found[last]}\n{stripped}" if found[last] else stripped
            continue
        if found and not scan:
            break
        last = None
    return {k: v for k, v in found.items() if v}


def _continues(key: str, line: str, value: str) -> bool:
    """Whether `line` continues a multi-line value: only addresses, short lines, no sentence."""
    if key != "address" and value:
        return False
    return len(line) <= 60 and not line.endswith((".", ":", "!", "?")) and line.count(" ") <= 6
