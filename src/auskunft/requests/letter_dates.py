"""Dates written in letters: "12.03.2026", "3. März 2026", "2026-03-12", "3 March 2026", "March 3, 2026".

Numeric dates are read day first (German and British use: 03/04/2026 is 3 April). A date without a year
("am 3. März") takes the year of `received` — the year before if that would put it after `received` —
and is ignored when `received` is not known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTHS = {
    "januar": 1, "jänner": 1, "jan": 1, "january": 1,
    "februar": 2, "feber": 2, "feb": 2, "february": 2,
    "märz": 3, "maerz": 3, "mär": 3, "mrz": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "okt": 10, "october": 10, "oct": 10,
    "november": 11, "nov": 11,
    "dezember": 12, "dez": 12, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))

DATE_PATTERN = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}\.\s?\d{1,2}\.(?:\s?\d{2,4})?"
    r"|\d{1,2}/\d{1,2}/\d{2,4}"
    rf"|\d{{1,2}}(?:\.|st|nd|rd|th)?\s(?:of\s)?(?:{_MONTH})\.?(?:,?\s\d{{4}})?"
    rf"|(?:{_MONTH})\.?\s\d{{1,2}}(?:st|nd|rd|th)?,?\s\d{{4}})"
)
"""A regular expression (no groups) for any date form read here; usable inside other patterns."""

_ANY = re.compile(rf"(?<![\d.\w]){DATE_PATTERN}(?![\d\w])", re.IGNORECASE)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})[./]\s?(\d{1,2})[./]?(?:\s?(\d{2,4}))?")
_DAY_MONTH = re.compile(rf"(\d{{1,2}})(?:\.|st|nd|rd|th)?\s(?:of\s)?({_MONTH})\.?(?:,?\s(\d{{4}}))?", re.I)
_MONTH_DAY = re.compile(rf"({_MONTH})\.?\s(\d{{1,2}})(?:st|nd|rd|th)?,?\s(\d{{4}})", re.I)

_LABELLED = re.compile(r"^\s*(?:datum|date|dated)\s*:\s*(.+)$", re.I)
_PLACE_DATE = re.compile(
    rf"^\s*(?:[A-ZÄÖÜ][\w.\- ]{{1,40}},\s*(?:(?:den|am|the)\s+)?)?({DATE_PATTERN})\s*$", re.I
)


@dataclass(frozen=True, slots=True)
class FoundDate:
    day: date
    start: int
    end: int


def parse_date(text: str, received: date | None = None) -> date | None:
    """The date `text` (one date form, nothing else) stands for, or None."""
    text = text.strip()
    year: int | None
    if m := _ISO.fullmatch(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _DAY_MONTH.fullmatch(text):
        day, month, year = int(m[1]), _MONTHS[m[2].lower()], int(m[3]) if m[3] else None
    elif m := _MONTH_DAY.fullmatch(text):
        month, day, year = _MONTHS[m[1].lower()], int(m[2]), int(m[3])
    elif m := _NUMERIC.fullmatch(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3]) if m[3] else None
    else:
        return None
    if year is not None and year < 100:
        year += 2000
    return _complete(year, month, day, received)


def _complete(year: int | None, month: int, day: int, received: date | None) -> date | None:
    try:
        if year is not None:
            return date(year, month, day)
        if received is None:
            return None
        candidate = date(received.year, month, day)
        return candidate if candidate <= received else date(received.year - 1, month, day)
    except ValueError:
        return None


def find_dates(text: str, received: date | None = None) -> list[FoundDate]:
    """Every readable date in `text`, in order."""
    found = []
    for m in _ANY.finditer(text):
        day = parse_date(m.group(0), received)
        if day is not None:
            found.append(FoundDate(day, m.start(), m.end()))
    return found


def letter_date(text: str, received: date | None = None) -> date | None:
    """The date the letter carries: a line "Datum: ..." / "Date: ...", or a line holding only a date,
    optionally after a place ("Musterstadt, den 12.03.2026"). Dates inside sentences are not taken."""
    for line in text.splitlines():
        if m := _LABELLED.match(line):
            if (day := parse_date(m[1], received)) is not None:
                return day
        elif (m := _PLACE_DATE.match(line)) and (day := parse_date(m[1], received)) is not None:
            return day
    return None
