"""Reading a campaign list in a forked process, while this one asks the ledger and decides.

Reading, normalising and blind-indexing a million addresses costs as much processor time as everything
else together; a forked reader puts it on the other processor (as the ingest workers do, and under the
same conditions: Linux, no other thread; else the list is read here). The reader writes its chunks,
pickled, to an unlinked temporary file and announces each on a pipe by its length, so that it never
waits for this process — which reads the campaign's facts from the ledger meanwhile — and the chunks
wait on disk, not in a pipe. An error in the reader (a missing column) is raised here.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection

from auskunft.errors import InvalidInput
from auskunft.ingest import worker
from auskunft.marketing.address_list import AddressList, Prepared, prepare

_CHUNK, _END, _INVALID, _FAILED = "chunk", "end", "invalid", "failed"


class ReaderFailed(RuntimeError):
    """The reading process failed or stopped without finishing the list."""


@contextmanager
def prepared(addresses: AddressList, lookup: Callable[[str], bytes]) -> Iterator[Iterator[Prepared]]:
    """`address_list.prepare(addresses, lookup)`, computed by a forked process where that is possible.

    The process starts on entering, so that it reads while the caller does other work.
    """
    if not (worker.available() and worker.count() > 1):
        yield prepare(addresses, lookup)
        return
    context = multiprocessing.get_context("fork")
    notices, notifier = context.Pipe(duplex=False)
    with tempfile.TemporaryFile() as spool:
        process = context.Process(
            target=_read,
            args=(addresses, lookup, spool.fileno(), notifier, notices),
            name="auskunft-campaign-reader",
            daemon=True,
        )
        collecting = gc.isenabled()
        gc.disable()  # the child freezes the inherited heap before it collects (see ingest/worker.py)
        try:
            process.start()
        finally:
            if collecting:
                gc.enable()
            notifier.close()
        try:
            yield _receive(addresses, spool.fileno(), notices)
        finally:
            notices.close()
            if process.is_alive():
                process.terminate()
            process.join()
            process.close()


def _receive(addresses: AddressList, spool: int, notices: Connection) -> Iterator[Prepared]:
    offset = 0
    while True:
        try:
            kind, value = notices.recv()
        except (EOFError, OSError):
            raise ReaderFailed("the process reading the campaign list stopped unexpectedly") from None
        if kind == _END:
            addresses.header = value
            return
        if kind == _INVALID:
            raise InvalidInput(value)
        if kind == _FAILED:
            raise ReaderFailed(f"reading the campaign list failed:\n{value}")
        data = os.pread(spool, value, offset)
        offset += value
        chunk: Prepared = pickle.loads(data)  # noqa: S301 - written by our own child process
        addresses.bytes_read = chunk.read
        yield chunk


def _read(
    addresses: AddressList,
    lookup: Callable[[str], bytes],
    spool: int,
    notifier: Connection,
    notices: Connection,
) -> None:
    gc.freeze()
    gc.enable()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent decides, and ends this process
    notices.close()
    try:
        for chunk in prepare(addresses, lookup):
            data = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(data)
            while view:
                view = view[os.write(spool, view) :]
            notifier.send((_CHUNK, len(data)))
        notifier.send((_END, addresses.header))
    except (EOFError, BrokenPipeError):
        pass  # the parent stopped listening
    except InvalidInput as exc:
        with contextlib.suppress(OSError):
            notifier.send((_INVALID, str(exc)))
    except BaseException as exc:
        with contextlib.suppress(OSError):
            notifier.send((_FAILED, "".join(traceback.format_exception(exc))))
    finally:
        notifier.close()
