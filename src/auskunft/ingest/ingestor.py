"""The ingestor: validates events, then writes them in batches, one transaction per batch.

Idempotent by `event_id`: an event already stored with the same content is skipped; the same id
with different content is refused as a conflict. A line that cannot be read is reported with its
number and reason, and every valid line is stored all the same. If a batch fails in the database,
its events are retried one by one so that one bad event cannot take its neighbours down with it.

Reading and validating run on the calling thread while a writer thread stores the previous batch;
the database driver releases the GIL while it works, so the two overlap.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from auskunft.errors import InvalidEvent
from auskunft.ingest.parse import ParsedEvent, parse_line, parse_object
from auskunft.ingest.report import IngestReport, LineError
from auskunft.ingest.writer import BatchWriter, Numbered, Outcome
from auskunft.store.blind_index import BlindIndex

_DONE = None


class Ingestor:
    def __init__(self, engine: Engine, index: BlindIndex, region: str = "DE", batch_size: int = 2000) -> None:
        self._engine = engine
        self._index = index
        self._region = region
        self._batch_size = batch_size

    def ingest_lines(self, lines: Iterable[str]) -> IngestReport:
        """Ingest JSON Lines; blank lines are skipped, line numbers start at 1."""
        return self._run(lines, lambda line: parse_line(line, self._region), _event_id_of_line)

    def ingest_objects(self, objects: Iterable[dict[str, Any]]) -> IngestReport:
        """Ingest events given as dicts (the demo generator, the API); numbered from 1 like lines."""
        return self._run(objects, lambda raw: parse_object(raw, self._region), _event_id_of_object)

    def _run(
        self,
        items: Iterable[Any],
        parse: Callable[[Any], ParsedEvent],
        event_id_of: Callable[[Any], str | None],
    ) -> IngestReport:
        report = IngestReport()
        writer = _WriterThread(self._engine, self._index)
        writer.start()
        try:
            batch: list[Numbered] = []
            for number, item in enumerate(items, start=1):
                report.lines = number
                if isinstance(item, str) and not item.strip():
                    continue
                try:
                    batch.append(Numbered(number, parse(item)))
                except InvalidEvent as exc:
                    report.errors.append(LineError(number, event_id_of(item), str(exc)))
                if len(batch) >= self._batch_size:
                    writer.put(batch)
                    batch = []
            if batch:
                writer.put(batch)
        finally:
            writer.finish()
        for outcome in writer.outcomes:
            outcome.add_to(report)
        report.errors.sort(key=lambda error: error.line)
        return report


class _WriterThread:
    """Writes batches handed over by the reading thread, in order, one transaction each."""

    def __init__(self, engine: Engine, index: BlindIndex) -> None:
        self._engine = engine
        self._index = index
        self._queue: queue.Queue[list[Numbered] | None] = queue.Queue(maxsize=2)
        self._thread = threading.Thread(target=self._work, name="auskunft-ingest-writer", daemon=True)
        self._failure: BaseException | None = None
        self.outcomes: list[Outcome] = []

    def start(self) -> None:
        self._thread.start()

    def put(self, batch: list[Numbered]) -> None:
        if self._failure is not None:
            raise self._failure
        self._queue.put(batch)

    def finish(self) -> None:
        self._queue.put(_DONE)
        self._thread.join()
        if self._failure is not None:
            raise self._failure

    def _work(self) -> None:
        while (batch := self._queue.get()) is not _DONE:
            if self._failure is not None:
                continue  # drain, so that the reader never blocks on a dead writer
            try:
                self._write(batch)
            except BaseException as exc:  # handed to the reading thread by put()/finish()
                self._failure = exc

    def _write(self, batch: list[Numbered]) -> None:
        try:
            with self._engine.begin() as connection:
                self.outcomes.append(BatchWriter(connection, self._index).write(batch))
        except SQLAlchemyError:
            if len(batch) == 1:
                item = batch[0]
                reason = "the database refused this event (constraint or storage error)"
                self.outcomes.append(
                    Outcome(errors=[LineError(item.line, item.parsed.event.event_id, reason)])
                )
                return
            for item in batch:
                self._write([item])


def _event_id_of_line(line: str) -> str | None:
    """The event id of a line that failed validation, where it can still be read."""
    import json

    try:
        raw = json.loads(line)
    except json.JSONDecodeError:
        return None
    return _event_id_of_object(raw)


def _event_id_of_object(raw: Any) -> str | None:
    event_id = raw.get("event_id") if isinstance(raw, dict) else None
    return str(event_id)[:200] if event_id is not None else None
