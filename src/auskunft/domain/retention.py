"""Retention rules: how long data are kept, and from which moment the period runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class RetentionTrigger(StrEnum):
    COLLECTION = "collection"
    """The period runs from the moment the data were collected."""
    END_OF_RELATIONSHIP = "end_of_relationship"
    """From the end of the contract or customer relationship."""
    END_OF_YEAR = "end_of_year"
    """From the end of the calendar year of collection (commercial and tax law, § 257 HGB, § 147 AO)."""
    WITHDRAWAL = "withdrawal"
    """Until consent is withdrawn or an objection is made."""
    LAST_CONTACT = "last_contact"
    """From the last contact with the person."""


@dataclass(frozen=True, slots=True)
class RetentionRule:
    key: str
    months: int | None
    trigger: RetentionTrigger
    label_de: str
    label_en: str
    legal_ref: str | None = None

    def label(self, lang: str) -> str:
        return self.label_de if lang == "de" else self.label_en

    def until(self, collected_at: datetime) -> date | None:
        """The day the period ends, where the rule alone fixes it; None where it depends on a later event."""
        if self.months is None:
            return None
        if self.trigger is RetentionTrigger.COLLECTION:
            start = collected_at.date()
        elif self.trigger is RetentionTrigger.END_OF_YEAR:
            start = date(collected_at.year, 12, 31)
        else:
            return None
        return add_months(start, self.months)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")
