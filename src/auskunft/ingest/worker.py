"""Worker processes that validate and prepare events while this process writes them.

Validation (pydantic, identifier normalisation, hashing) and writing are both Python-bound, so threads
share one processor; worker processes put validation on the others. They are forked, so that they need
no imports or set-up of their own and are ready at once: a worker inherits the preparer (and the
blind-index key in it) and reads only pipes. Workers are used only where forking is safe: on Linux,
and while the process runs no other thread (a lock another thread held at the fork would stay locked
in the child).

Protocol: the parent sends `(first_line_number, items)` chunks and finally `None`; the worker answers
each chunk, in order, with `(prepared, failures)`, and `None` after the last. If preparing fails
unexpectedly it sends `(_FAILED, exception, traceback text)` and stops. If either side goes away, the
other sees the pipe close (EOFError, BrokenPipeError) instead of waiting for ever: every process
closes the pipe ends that are not its own.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

from auskunft.ingest.parse import LineFailure, Prepared, Preparer

Chunk = tuple[list[Prepared], list[LineFailure]]
PIPE_BYTES = 1 << 20
MAX_WORKERS = 2
_FAILED = "failed"


class WorkerFailed(RuntimeError):
    """The worker process stopped without finishing its work."""


def available() -> bool:
    """Whether a worker can be forked safely here and now."""
    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and multiprocessing.current_process().daemon is False
    )


def count() -> int:
    """How many workers pay here: none on one processor, else one per processor up to MAX_WORKERS.

    Two workers beside the writing process use two processors best: validating costs more than
    writing, and the operating system shares the processors between the three.
    """
    try:
        processors = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        processors = os.cpu_count() or 1
    return 0 if processors < 2 else min(processors, MAX_WORKERS)


class Worker:
    def __init__(self, preparer: Preparer, lines: bool, siblings: Sequence[Worker] = ()) -> None:
        """Fork a worker; `siblings` are the workers forked before, whose pipes it must not keep open."""
        self._stopped = False
        self._sent = 0
        context = multiprocessing.get_context("fork")
        self._done = context.Value("q", 0, lock=False)
        """Chunks the worker has prepared (answered or not): shared memory, written by the worker."""
        task_reader, self._tasks = context.Pipe(duplex=False)
        self._results, result_writer = context.Pipe(duplex=False)
        for pipe in (self._tasks, self._results):
            _widen(pipe)
        self._process = context.Process(
            target=_work,
            args=(
                preparer,
                lines,
                task_reader,
                result_writer,
                [end for worker in (*siblings, self) for end in (worker._tasks, worker._results)],
                gc.isenabled(),
                self._done,
            ),
            name="auskunft-ingest-worker",
            daemon=True,
        )
        # The child's garbage collector must not walk (and so copy) the parent's heap, nor finalise
        # objects of the parent (a database connection's finaliser would talk on its socket): it
        # freezes what it inherited before it collects anything (the recipe of gc.freeze's docs).
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._process.start()
        finally:
            if collecting:
                gc.enable()
            task_reader.close()
            result_writer.close()

    def send(self, first: int, items: list[Any]) -> None:
        """Hand over a chunk; OSError (BrokenPipeError) if the worker is gone."""
        self._tasks.send((first, items))
        self._sent += 1

    @property
    def on_hand(self) -> int:
        """Chunks sent that the worker has not prepared yet."""
        return self._sent - int(self._done.value)

    def finish(self) -> None:
        """No more chunks: the worker answers what it has, then ends."""
        with contextlib.suppress(OSError):  # gone already: `receive` tells why
            self._tasks.send(None)
        self._tasks.close()

    def receive(self) -> Chunk | None:
        """The next answer in order; None after the last. WorkerFailed if the worker failed or died."""
        try:
            message = self._results.recv()
        except (EOFError, OSError):
            self._process.join(timeout=5)
            raise WorkerFailed(
                f"the ingest worker process stopped unexpectedly (exit code {self._process.exitcode})"
            ) from None
        if message is None:
            return None
        if message[0] == _FAILED:
            _, error, remote = message
            failure = error if isinstance(error, BaseException) else WorkerFailed(str(error))
            failure.add_note(f"in the ingest worker process:\n{remote}")
            raise failure
        prepared, failures = message
        return prepared, failures

    def stop(self) -> None:
        """End the worker now (if it still runs) and release the pipes; idempotent."""
        if self._stopped:
            return
        self._stopped = True
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._process.close()
        self._tasks.close()
        self._results.close()

    def join(self) -> None:
        """Wait for a worker that was told to finish, then release it."""
        if not self._stopped:
            self._process.join(timeout=10)
        self.stop()


def _widen(pipe: Connection) -> None:
    """Let the pipe hold several chunks, so that a send rarely waits for the other side to read."""
    with contextlib.suppress(ImportError, OSError, AttributeError):  # not Linux, or over the limit
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _work(
    preparer: Preparer,
    lines: bool,
    tasks: Connection,
    results: Connection,
    parent_ends: list[Connection],
    collect: bool,
    done: Any,
) -> None:
    gc.freeze()
    if collect:
        gc.enable()
    # Ctrl-C reaches the whole process group: the parent decides, and tells the worker by its pipe.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for end in parent_ends:  # so that the pipes report the parent gone when it is
        end.close()
    try:
        while (task := tasks.recv()) is not None:
            first, items = task
            chunk = preparer.chunk(first, items, lines)
            done.value += 1
            results.send(chunk)
        results.send(None)
    except (EOFError, BrokenPipeError):
        pass  # the parent is gone or stopped listening
    except BaseException as exc:
        remote = "".join(traceback.format_exception(exc))
        try:
            pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own bytes
        except Exception:
            exc = WorkerFailed(f"{type(exc).__name__}: {exc}")
        with contextlib.suppress(OSError):
            results.send((_FAILED, exc, remote))
