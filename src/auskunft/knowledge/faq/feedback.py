"""Anonymous "Did this help?" feedback, and how many contacts the FAQ avoided.

Nothing here can point at a person: a row holds the entry, yes or no, the day (no time of day) and where
the answer was shown. The contact form adds two counters per day and entry: how often an entry was
suggested while someone typed, and how often the form was sent all the same after its suggestion had been
marked as helpful (the browser remembers that within the page; the server never links the two).

    contacts avoided = helpful "yes" on contact-form suggestions − forms sent after such a "yes"

An estimate, and said so on the dashboard: someone may leave the form and call instead, or find the answer
without clicking "yes". It counts people who said the answer helped and then did not write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from sqlalchemy import Connection, func, select, update
from sqlalchemy.exc import IntegrityError

from auskunft.knowledge.faq import store
from auskunft.store.faq_tables import FaqFeedback, FaqSuggestionDay
from auskunft.store.tables import Base

_FEEDBACK = Base.metadata.tables[FaqFeedback.__tablename__]
_DAYS = Base.metadata.tables[FaqSuggestionDay.__tablename__]
Context = Literal["portal", "contact_form_suggestion"]
CONTEXTS: tuple[Context, ...] = ("portal", "contact_form_suggestion")


def _today() -> date:
    return datetime.now(UTC).date()


def record(
    connection: Connection, entry: int | str, helpful: bool, context: Context, day: date | None = None
) -> None:
    """Store one answer to "Did this help?" for the entry (id or slug)."""
    entry_id = store.get(connection, entry).id
    connection.execute(
        _FEEDBACK.insert().values(entry_id=entry_id, helpful=helpful, day=day or _today(), context=context)
    )


def _count(connection: Connection, entry_id: int, day: date, column: str) -> None:
    table = _DAYS
    bump = {column: table.c[column] + 1}
    where = (table.c.day == day) & (table.c.entry_id == entry_id)
    if connection.execute(update(table).where(where).values(**bump)).rowcount:
        return
    values = {"day": day, "entry_id": entry_id, "shown": 0, "submitted_after_helpful": 0, column: 1}
    try:
        with connection.begin_nested():
            connection.execute(table.insert().values(**values))
    except IntegrityError:  # another request created the day's row meanwhile
        connection.execute(update(table).where(where).values(**bump))


def suggestions_shown(connection: Connection, entry_ids: list[int], day: date | None = None) -> None:
    """Count the entries the contact form suggested (once per entry and form)."""
    for entry_id in dict.fromkeys(entry_ids):
        _count(connection, entry_id, day or _today(), "shown")


def submitted_after_helpful(connection: Connection, entry_id: int, day: date | None = None) -> None:
    """Count a contact form sent although its suggestion `entry_id` had been marked as helpful."""
    _count(connection, entry_id, day or _today(), "submitted_after_helpful")


@dataclass(frozen=True, slots=True)
class ContactsAvoided:
    since: date
    until: date
    suggested: int
    """Suggestions shown in the contact form."""
    helpful: int
    """Of these, marked "helped"."""
    not_helpful: int
    sent_anyway: int
    """Forms sent after a "helped"."""

    @property
    def avoided(self) -> int:
        return max(0, self.helpful - self.sent_anyway)


def contacts_avoided(connection: Connection, since: date, until: date) -> ContactsAvoided:
    """The figures of the dashboard for the days `since` to `until` (both included)."""
    fb = _FEEDBACK
    votes: dict[bool, int] = dict(
        connection.execute(
            select(fb.c.helpful, func.count())
            .where(fb.c.context == "contact_form_suggestion", fb.c.day >= since, fb.c.day <= until)
            .group_by(fb.c.helpful)
        ).all()
    )
    days = _DAYS
    shown, sent = connection.execute(
        select(
            func.coalesce(func.sum(days.c.shown), 0),
            func.coalesce(func.sum(days.c.submitted_after_helpful), 0),
        ).where(days.c.day >= since, days.c.day <= until)
    ).one()
    return ContactsAvoided(
        since, until, int(shown), int(votes.get(True, 0)), int(votes.get(False, 0)), int(sent)
    )
