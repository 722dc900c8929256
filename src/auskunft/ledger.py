"""The ledger as the application sees it: one object wiring settings, store, ingestion and answers.

CLI, web app and benchmarks all go through it, so that auditing and migrations happen in one place.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from auskunft import erasure
from auskunft.answer.builder import AnswerBuilder, SubjectQuery, find_subject
from auskunft.answer.model import Answer
from auskunft.config import Settings, get_settings
from auskunft.i18n import Language
from auskunft.ingest.ingestor import Ingestor
from auskunft.ingest.report import IngestReport
from auskunft.register import store as register_store
from auskunft.store import tables as t
from auskunft.store.blind_index import BlindIndex, load_key
from auskunft.store.db import is_current, make_engine, migrate

_AUDIT_ENTRY = insert(t.Base.metadata.tables[t.AuditEntry.__tablename__])
"""Built once, as a Core insert: found in SQLAlchemy's statement cache without being built anew."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting, for the audit trail."""

    name: str
    reason: str | None = None

    @classmethod
    def cli(cls, reason: str | None = None) -> Actor:
        return cls(f"cli:{getpass.getuser()}", reason)


class Ledger:
    def __init__(self, engine: Engine, index: BlindIndex, settings: Settings) -> None:
        self.engine = engine
        self.index = index
        self.settings = settings
        self._answers = AnswerBuilder()

    @classmethod
    def open(cls, settings: Settings | None = None, *, upgrade: bool = True) -> Ledger:
        """Open the configured ledger, migrating its schema to the newest version first."""
        settings = settings or get_settings()
        engine = make_engine(settings.database_url, settings.sqlite_cache_mb)
        try:
            if upgrade and not is_current(engine):
                migrate(engine)
            return cls(engine, BlindIndex(load_key(settings)), settings)
        except BaseException:
            engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def register(self, connection: Connection) -> register_store.RegisterView:
        """The register as stored (cached until it is loaded again)."""
        return self._answers.register(connection)

    def is_empty(self) -> bool:
        with self.engine.connect() as connection:
            return connection.scalar(select(t.Subject.id).limit(1)) is None

    def ingestor(self, batch_size: int = 2000) -> Ingestor:
        return Ingestor(self.engine, self.index, self.settings.default_region, batch_size)

    def ingest_lines(self, lines: Iterable[str]) -> IngestReport:
        return self.ingestor().ingest_lines(lines)

    def ingest_objects(self, objects: Iterable[dict[str, Any]]) -> IngestReport:
        return self.ingestor().ingest_objects(objects)

    def load_register(self, path: Path) -> register_store.LoadReport:
        register = register_store.parse(path)
        with self.engine.begin() as connection:
            return register_store.save(connection, register)

    def answer(self, query: SubjectQuery, lang: Language, actor: Actor) -> Answer:
        """The Art. 15 answer for whoever `query` names; the access is written to the audit trail."""
        with self.engine.begin() as connection:
            subject_id = find_subject(connection, self.index, query, self.settings.default_region)
            answer = self._answers.build(connection, subject_id, lang)
            connection.execute(
                _AUDIT_ENTRY,
                {
                    "at": datetime.now(UTC),
                    "actor": actor.name,
                    "action": "answer.built" if subject_id else "answer.not_found",
                    "subject_id": subject_id,
                    "reason": actor.reason,
                },
            )
        return answer

    def answer_subject(self, subject_id: int, lang: Language, actor: Actor) -> Answer:
        """The answer for a subject already identified (a verified request case, a signed-in customer)."""
        with self.engine.begin() as connection:
            answer = self._answers.build(connection, subject_id, lang)
            connection.execute(
                _AUDIT_ENTRY,
                {
                    "at": datetime.now(UTC),
                    "actor": actor.name,
                    "action": "answer.built",
                    "subject_id": subject_id,
                    "reason": actor.reason,
                },
            )
        return answer

    def erase(
        self, subject_id: int, actor: Actor, reason: str, suppress: bool | None = None
    ) -> erasure.ErasureReport:
        """Erase a person's data (Art. 17 GDPR), verified and audited; see `auskunft.erasure`.

        `suppress`: keep the person's email addresses and phone numbers on the suppression list (as
        hashes); None: when the person ever objected to advertising or withdrew a consent to it.
        """
        with self.engine.begin() as connection:
            return erasure.erase(connection, self.register(connection), subject_id, actor, reason, suppress)
