"""The ingest paths: validating on the calling thread or in forked workers gives the same ledger and
report, failures anywhere end the run with an error instead of a hang, and stored values keep the
form the column types give them."""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.dialects import sqlite
from typer.testing import CliRunner

from auskunft.cli import app
from auskunft.ingest import ingestor as ingestor_module
from auskunft.ingest import worker
from auskunft.ingest.ingestor import Ingestor
from auskunft.ingest.parse import Preparer
from auskunft.ingest.report import IngestReport
from auskunft.ledger import Ledger
from auskunft.store import tables as t
from auskunft.store.bulk import sqlite_datetime
from auskunft.store.types import UTCDateTime
from tests.conftest import DATA, ERIKA_EVENTS

ERIKA = [json.loads(line) for line in ERIKA_EVENTS.splitlines()]

needs_fork = pytest.mark.skipif(not worker.available(), reason="workers are forked only on Linux")


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> list[worker.Worker]:
    """Chunks of two items, spread over two workers; the workers forked are collected."""
    monkeypatch.setattr(ingestor_module, "CHUNK", 2)
    monkeypatch.setattr(worker, "count", lambda: 2)
    forked: list[worker.Worker] = []
    original = worker.Worker.__init__

    def init(self: worker.Worker, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        forked.append(self)

    monkeypatch.setattr(worker.Worker, "__init__", init)
    return forked


def _count(ledger: Ledger, table: type[t.Base]) -> int:
    with ledger.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)


def _mixed_lines() -> list[str]:
    """Good, bad, blank and repeated lines, a merge and consents, in one input."""
    good = ERIKA[0]
    lines = [*ERIKA_EVENTS.splitlines()]
    lines += [
        "{not json",
        "",
        json.dumps({**good, "event_id": "bad-category", "category": "user.shoe_size"}),
        "   ",
        json.dumps({**good, "event_id": "k1", "subject": {"customer_number": "k-1"}, "value": "K"}),
        json.dumps({**ERIKA[3], "event_id": "k2", "subject": {"customer_number": "K-1"}}),
        json.dumps(
            {
                **good,
                "event_id": "k3",
                "subject": {"customer_number": "K-1", "email": "erika.muster@example.de"},
            }
        ),
        json.dumps({**ERIKA[4], "event_id": "k4", "subject": {"customer_number": " k-1 "}}),
        ERIKA_EVENTS.splitlines()[1],
        json.dumps({**good, "value": "other content"}),
        json.dumps({**good, "event_id": "bad-date", "collected_at": "gestern"}),
    ]
    return lines


def _outcome(ledger: Ledger, report: IngestReport) -> dict[str, Any]:
    with ledger.engine.connect() as connection:
        consents = connection.execute(
            select(t.Consent.subject_id, t.Consent.purpose, t.Consent.channel)
        ).all()
        owners = set(connection.scalars(select(t.Record.subject_id)))
    return {
        "report": report.as_dict(),
        "tables": [_count(ledger, table) for table in (t.Subject, t.Identifier, t.Record, t.ConsentEvent)],
        "consents": len(consents),
        "owners": len(owners),
    }


@needs_fork
def test_workers_give_the_same_report_and_ledger_as_the_calling_thread(
    ledger: Ledger, small_chunks: list[worker.Worker]
) -> None:
    lines = _mixed_lines()
    report = Ingestor(ledger.engine, ledger.index, batch_size=3, parallel=True).ingest_lines(lines)
    assert len(small_chunks) == 2
    in_workers = _outcome(ledger, report)
    assert report.subjects_merged == 1
    assert {error.line: error.reason.split(":")[0] for error in report.errors} == {
        7: "invalid JSON",
        9: "category",
        16: "event_id already used for an event with different content (conflict, not stored)",
        17: "collected_at",
    }
    assert in_workers["owners"] == 1
    assert in_workers["consents"] == 1
    # The same input once more, on the calling thread: everything is a repeat now.
    again = Ingestor(ledger.engine, ledger.index, batch_size=3, parallel=False).ingest_lines(lines)
    assert sum(again.stored.values()) == 0
    assert again.duplicates == sum(report.stored.values()) + report.duplicates
    assert [error.line for error in again.errors] == [7, 9, 16, 17]


def test_the_calling_thread_path_gives_the_expected_ledger(ledger: Ledger) -> None:
    report = Ingestor(ledger.engine, ledger.index, batch_size=3, parallel=False).ingest_lines(_mixed_lines())
    outcome = _outcome(ledger, report)
    assert report.subjects_merged == 1
    assert [error.line for error in report.errors] == [7, 9, 16, 17]
    assert outcome["owners"] == 1
    assert outcome["consents"] == 1
    assert outcome["tables"] == [2, 3, 5, 4]


@needs_fork
def test_objects_in_workers_merge_within_a_batch(ledger: Ledger, small_chunks: list[worker.Worker]) -> None:
    base = ERIKA[0]
    events = [
        {**base, "event_id": "b1"},
        {**base, "event_id": "b2", "subject": {"phone": "+49 170 5550000"}, "value": "E. Muster"},
        {**ERIKA[3], "event_id": "b3", "subject": {"phone": "+49 170 5550000"}},
        {**ERIKA[3], "event_id": "b4"},
        {
            **base,
            "event_id": "b5",
            "subject": {"phone": "+49 170 5550000", "email": base["subject"]["email"]},
        },
        {**ERIKA[4], "event_id": "b6", "subject": {"phone": "0170 5550000"}},
    ]
    report = Ingestor(ledger.engine, ledger.index, batch_size=100, parallel=True).ingest_objects(events)
    assert small_chunks
    assert report.ok, report.errors
    assert report.subjects_merged == 1
    with ledger.engine.connect() as connection:
        owners = set(connection.scalars(select(t.Record.subject_id)))
        consents = connection.execute(select(t.Consent.id, t.Consent.subject_id)).all()
        steps = set(connection.scalars(select(t.ConsentEvent.consent_id)))
    assert len(owners) == 1
    assert [row.subject_id for row in consents] == list(owners)
    assert steps == {consents[0].id}


@needs_fork
def test_an_error_in_a_worker_ends_the_run_with_that_error(
    ledger: Ledger, small_chunks: list[worker.Worker], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Preparer.chunk

    def chunk(self: Preparer, first: int, items: list[Any], lines: bool) -> Any:
        if first >= 5:
            raise ZeroDivisionError("a bug")
        return original(self, first, items, lines)

    monkeypatch.setattr(Preparer, "chunk", chunk)
    lines = [json.dumps({**ERIKA[0], "event_id": f"x{i}"}) for i in range(40)]
    with pytest.raises(ZeroDivisionError, match="a bug") as raised:
        Ingestor(ledger.engine, ledger.index, batch_size=2, parallel=True).ingest_lines(lines)
    assert any("worker process" in note for note in getattr(raised.value, "__notes__", []))
    assert small_chunks
    assert not multiprocessing.active_children()
    with ledger.engine.connect() as connection:
        stored = set(connection.scalars(select(t.IngestEvent.event_key)))
    assert {"x0", "x1"} <= stored  # written before the failure


@needs_fork
def test_a_worker_that_dies_ends_the_run_with_an_error(
    ledger: Ledger, small_chunks: list[worker.Worker], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Preparer.chunk

    def chunk(self: Preparer, first: int, items: list[Any], lines: bool) -> Any:
        if first >= 9:
            os._exit(3)
        return original(self, first, items, lines)

    monkeypatch.setattr(Preparer, "chunk", chunk)
    events = [{**ERIKA[0], "event_id": f"d{i}"} for i in range(60)]
    with pytest.raises(worker.WorkerFailed, match="exit code 3"):
        Ingestor(ledger.engine, ledger.index, batch_size=2, parallel=True).ingest_objects(events)
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("parallel", [False, pytest.param(True, marks=needs_fork)])
def test_a_failing_input_raises_after_what_was_read_is_stored(
    ledger: Ledger, small_chunks: list[worker.Worker], parallel: bool
) -> None:
    def events() -> Iterator[dict[str, Any]]:
        for i in range(7):
            yield {**ERIKA[0], "event_id": f"r{i}"}
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    with pytest.raises(UnicodeDecodeError):
        Ingestor(ledger.engine, ledger.index, batch_size=3, parallel=parallel).ingest_objects(events())
    assert _count(ledger, t.Record) == 7  # every event read before the failure


def test_small_inputs_and_threaded_callers_are_validated_on_the_calling_thread(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("no worker expected")

    monkeypatch.setattr(worker.Worker, "__init__", refuse)
    assert ledger.ingest_lines(ERIKA_EVENTS.splitlines()).ok
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        events = [{**ERIKA[0], "event_id": f"t{i}"} for i in range(5)]
        report = Ingestor(ledger.engine, ledger.index, parallel=True).ingest_objects(events)
    finally:
        stop.set()
        other.join()
    assert report.stored["record"] == 5


@needs_fork
def test_cli_reads_standard_input_through_workers(
    ledger: Ledger, small_chunks: list[worker.Worker], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingestor_module, "PARALLEL_FROM", 3)
    result = CliRunner().invoke(
        app, ["ingest", "-", "--report", "json"], input=(DATA / "erika.jsonl").read_text("utf-8")
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stored"] == {"record": 3, "consent": 2, "disclosure": 1}
    assert small_chunks


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 2, 9, 15, tzinfo=UTC),
        datetime(2026, 3, 2, 10, 15, 0, 123456, tzinfo=timezone(timedelta(hours=1))),
        datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_bulk_datetimes_are_the_text_sqlalchemy_stores_in_sqlite(moment: datetime) -> None:
    dialect = sqlite.dialect()
    bound = UTCDateTime().process_bind_param(moment, dialect)
    processor = sqlite.DATETIME().bind_processor(dialect)  # type: ignore[no-untyped-call]
    assert processor is not None
    assert sqlite_datetime(moment) == processor(bound)


def test_bulk_written_rows_read_back_through_the_column_types(erika: Ledger) -> None:
    with erika.engine.connect() as connection:
        record = connection.execute(select(t.Record).where(t.Record.category == "user.name")).one()
        step = connection.execute(select(t.ConsentEvent).order_by(t.ConsentEvent.at)).first()
        disclosure = connection.execute(select(t.Disclosure)).one()
    assert record.collected_at == datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
    assert record.purposes == ["customer_service"]
    assert step is not None
    assert step.evidence["form_url"] == "https://www.example.de/newsletter"
    assert disclosure.categories == ["user.name", "user.contact.address"]
