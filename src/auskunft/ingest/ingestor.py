"""The ingestor: validates events, then writes them in batches, one transaction per batch.

Idempotent by `event_id`: an event already stored with the same content is skipped; the same id
with different content is refused as a conflict. A line that cannot be read is reported with its
number and reason, and every valid line is stored all the same. If a batch fails in the database,
its events are retried one by one so that one bad event cannot take its neighbours down with it.

Three parts work at once: the calling thread reads the input; validating and preparing the events
(parse.Preparer) happens in forked worker processes (worker.py) for larger inputs, on the calling
thread for small ones or where a worker cannot be forked safely; a writer thread stores the prepared
events. Whatever goes wrong in one part ends the others: the calling thread always gets the error
(an error of the input itself after what was read before it is stored), never a hang.
"""

from __future__ import annotations

import contextlib
import gc
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from auskunft.ingest import worker
from auskunft.ingest.parse import Prepared, Preparer
from auskunft.ingest.report import IngestReport, LineError
from auskunft.ingest.writer import BatchWriter, Outcome
from auskunft.store.blind_index import BlindIndex
from auskunft.store.bulk import datetime_converter

CHUNK = 500
"""Items validated in one go (and sent to a worker in one message)."""
QUEUED = 40
"""Chunks the calling thread may be ahead of the writer."""
PARALLEL_FROM = 1000
"""Inputs shorter than this are validated on the calling thread: a worker would not pay."""

Chunk = worker.Chunk


class Ingestor:
    def __init__(
        self,
        engine: Engine,
        index: BlindIndex,
        region: str = "DE",
        batch_size: int = 2000,
        *,
        parallel: bool | None = None,
    ) -> None:
        """`parallel`: validate in worker processes (True, where they can be forked safely), on the
        calling thread (False), or decide by the size of the input (None)."""
        self._engine = engine
        self._index = index
        self._region = region
        self._batch_size = batch_size
        self._parallel = parallel

    def ingest_lines(self, lines: Iterable[str]) -> IngestReport:
        """Ingest JSON Lines; blank lines are skipped, line numbers start at 1."""
        return self._run(lines, lines=True)

    def ingest_objects(self, objects: Iterable[dict[str, Any]]) -> IngestReport:
        """Ingest events given as dicts (the demo generator, the API); numbered from 1 like lines."""
        return self._run(objects, lines=False)

    def _run(self, items: Iterable[Any], lines: bool) -> IngestReport:
        # The garbage collector would walk the whole heap of the application again and again while
        # the batches of a long run come and go; what exists before the run is set aside meanwhile
        # (unless the application set things aside itself: then it keeps its own arrangement).
        freeze = gc.get_freeze_count() == 0
        if freeze:
            gc.freeze()
        try:
            return self._run_frozen(items, lines)
        finally:
            if freeze:
                gc.unfreeze()

    def _run_frozen(self, items: Iterable[Any], lines: bool) -> IngestReport:
        preparer = Preparer(self._index, self._region, datetime_converter(self._engine.dialect.name))
        chunks = _Chunks(iter(items))
        large = chunks.head(PARALLEL_FROM) >= PARALLEL_FROM
        parallel = large if self._parallel is None else self._parallel
        workers: list[worker.Worker] = []
        if parallel and worker.available():
            with contextlib.suppress(OSError):  # cannot fork (resource limits): validate here
                for _ in range(worker.count()):
                    workers.append(worker.Worker(preparer, lines, workers))
        return _Pipeline(self._engine, self._batch_size, preparer, lines, workers).run(chunks)


class _Pipeline:
    """One run: the calling thread reads and hands chunks on, in order, to the writer thread.

    Without workers, each chunk is prepared right here; with workers, it goes to the one with least
    on hand (this thread waits while their pipes are full: the workers are the slower part then, and
    the writer thread gets the processor). The writer takes the chunks in input order: a prepared
    one from the queue, a sent one (the worker's number in the queue) from that worker, which answers
    in the order it was sent them.
    """

    def __init__(
        self, engine: Engine, batch_size: int, preparer: Preparer, lines: bool, workers: list[worker.Worker]
    ) -> None:
        self._preparer = preparer
        self._lines = lines
        self._workers = workers
        self._queue: queue.Queue[Chunk | int | None] = queue.Queue(maxsize=QUEUED)
        self._writer = _Writer(engine, batch_size, self._receive)

    def run(self, chunks: _Chunks) -> IngestReport:
        writer, workers = self._writer, self._workers
        writer.start()
        try:
            for first, items in chunks:
                if writer.failure is not None:
                    break
                if not workers:
                    self._queue.put(self._preparer.chunk(first, items, self._lines))
                    continue
                number = min(range(len(workers)), key=lambda n: workers[n].on_hand)
                try:
                    workers[number].send(first, items)
                except OSError:
                    break  # the worker is gone: the writer hears why from the pipe
                except BaseException:
                    # Interrupted, maybe in the middle of a message: the worker cannot go on.
                    # Stopped, it closes its pipe, which the writer reports.
                    workers[number].stop()
                    raise
                self._queue.put(number)
        finally:
            # Done, or reading the input failed: what was handed on is still written.
            try:
                self._queue.put(None)
                for process in workers:
                    process.finish()
                writer.join()
                for process in workers:
                    process.join()
            finally:  # interrupted while waiting: no worker outlives the run
                for process in workers:
                    process.stop()
        return writer.report(chunks)

    def _receive(self) -> Chunk | None:
        """The writer's next chunk; None at the end. Raises what made a worker fail."""
        item = self._queue.get()
        if not isinstance(item, int):
            return item
        chunk = self._workers[item].receive()
        if chunk is None:
            raise worker.WorkerFailed("the ingest worker process ended before answering every chunk")
        return chunk


class _Chunks:
    """The input in numbered chunks; counts what it has read.

    An error of the input is raised after the items read before it have been handed on, so that
    they are stored like every other valid line.
    """

    def __init__(self, source: Iterator[Any]) -> None:
        self._source = source
        self._head: list[Any] = []
        self._failure: BaseException | None = None
        self.read = 0

    def head(self, count: int) -> int:
        """Read ahead up to `count` items (fewer: the input ended); how many were read."""
        try:
            for item in islice(self._source, count):
                self._head.append(item)
        except Exception as exc:  # raised in turn, once the items before it are handed on
            self._failure = exc
        return len(self._head)

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        head, self._head = self._head, []
        for start in range(0, len(head), CHUNK):
            items = head[start : start + CHUNK]
            self.read += len(items)
            yield start + 1, items
        if self._failure is not None:
            raise self._failure
        while True:
            items = []
            failure = None
            try:
                for item in islice(self._source, CHUNK):
                    items.append(item)
            except Exception as exc:
                failure = exc
            if items:
                first = self.read + 1
                self.read += len(items)
                yield first, items
            if failure is not None:
                raise failure
            if len(items) < CHUNK:
                return


class _Writer(threading.Thread):
    """Takes prepared chunks from `receive` (None: no more), writes them in batches, in order."""

    def __init__(self, engine: Engine, batch_size: int, receive: Callable[[], Chunk | None]) -> None:
        super().__init__(name="auskunft-ingest-writer", daemon=True)
        self._engine = engine
        self._batch_size = batch_size
        self._receive = receive
        self.failure: BaseException | None = None
        self.outcomes: list[Outcome] = []
        self.failures: list[LineError] = []

    def run(self) -> None:
        batch: list[Prepared] = []
        size = self._batch_size
        ended = False
        try:
            while (chunk := self._receive()) is not None:
                prepared, failures = chunk
                self.failures.extend(LineError(*failure) for failure in failures)
                batch.extend(prepared)
                while len(batch) >= size:
                    self._write(batch[:size])
                    del batch[:size]
            ended = True
            if batch:
                self._write(batch)
        except BaseException as exc:  # handed to the calling thread, which stops reading
            self.failure = exc
            if not ended:
                self._drain()

    def _drain(self) -> None:
        """Take what still comes, so that the calling thread and the worker never block on us."""
        while True:
            try:
                if self._receive() is None:
                    return
            except BaseException:  # noqa: S112 - the first failure is the one reported
                continue

    def _write(self, batch: list[Prepared]) -> None:
        try:
            with self._engine.begin() as connection:
                self.outcomes.append(BatchWriter(connection).write(batch))
        except SQLAlchemyError:
            if len(batch) == 1:
                item = batch[0]
                reason = "the database refused this event (constraint or storage error)"
                self.outcomes.append(Outcome(errors=[LineError(item[0], item[1], reason)]))
                return
            for item in batch:
                self._write([item])

    def report(self, chunks: _Chunks) -> IngestReport:
        if self.failure is not None:
            raise self.failure
        report = IngestReport()
        report.lines = chunks.read
        report.errors.extend(self.failures)
        for outcome in self.outcomes:
            outcome.add_to(report)
        report.errors.sort(key=lambda error: error.line)
        return report
