"""The hotline: calls logged by agents or imported from call records land in the caller's history."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auskunft.answer.builder import SubjectQuery
from auskunft.channels.phone import records_csv
from auskunft.channels.phone.calls import Call, log_call
from auskunft.channels.phone.lookup import caller_history
from auskunft.cli import app
from auskunft.domain.identifiers import IdentifierKind
from auskunft.errors import InvalidInput
from auskunft.ledger import Actor, Ledger

DATA = Path(__file__).parent / "data" / "phone"
AGENT = Actor("agent:anna", "caller look-up")
MAPPING = records_csv.parse_mapping(
    [
        "call_id=Anruf-ID",
        "start=Beginn",
        "duration=Dauer",
        "caller=Rufnummer",
        "line=Leitung",
        "agent=Mitarbeiter",
        "direction=Richtung",
        "notes=Notiz",
    ]
)


def test_logged_call_is_in_the_callers_answer_with_the_hotline_as_source(erika: Ledger) -> None:
    call = Call(
        "+49 30 1234567",
        datetime(2026, 3, 5, 9, 0, tzinfo=UTC),
        271,
        "anna",
        "Kundin meldet defekten Wasserkocher, Austausch zugesagt",
        line="+49 30 9999000",
    )
    received = log_call(erika, call)
    assert received.subject_id is not None
    answer = erika.answer(SubjectQuery(IdentifierKind.EMAIL, "erika.muster@example.de"), "de", AGENT)
    notes = [r for r in answer.records if r.category == "user.content.private"]
    assert [(r.value, r.source.channel, r.source.detail) for r in notes] == [
        ("Kundin meldet defekten Wasserkocher, Austausch zugesagt", "hotline", "+49 30 9999000")
    ]


def test_caller_number_finds_the_customer_and_her_history(erika: Ledger) -> None:
    log_call(
        erika, Call("030 1234567", datetime(2026, 3, 5, 9, 0, tzinfo=UTC), 60, "anna", "Frage zur Rechnung")
    )
    history = caller_history(erika, "+49 (30) 123 45 67", AGENT)
    assert history.subject_id is not None
    assert [c.channel for c in history.conversations] == ["hotline"]
    assert caller_history(erika, "+49 40 000000", AGENT).subject_id is None


def test_call_records_import_with_a_column_mapping_reports_bad_rows_and_keeps_the_rest(erika: Ledger) -> None:
    report = records_csv.import_file(erika, DATA / "calls-de.csv", MAPPING)
    assert (report.rows, report.stored) == (5, 2)
    assert [e.split(":")[0] for e in report.errors] == ["line 4", "line 5", "line 6"]
    assert "unreadable time" in report.errors[0]
    assert "no caller" in report.errors[1]
    assert "unknown direction" in report.errors[2]
    again = records_csv.import_file(erika, DATA / "calls-de.csv", MAPPING)
    assert (again.stored, again.duplicates) == (0, 2)


def test_durations_and_german_times_are_read(erika: Ledger) -> None:
    from zoneinfo import ZoneInfo

    text = (DATA / "calls-de.csv").read_text("utf-8")
    calls = [
        c for _, c in records_csv.read_calls(text, MAPPING, ZoneInfo("Europe/Berlin")) if isinstance(c, Call)
    ]
    assert calls[0].duration_s == 271
    assert calls[1].duration_s == 95
    assert calls[0].started_at == datetime(2026, 3, 2, 8, 14, 5, tzinfo=UTC)


def test_a_file_without_the_mapped_columns_is_refused_clearly(erika: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("a,b\n1,2\n", "utf-8")
    with pytest.raises(InvalidInput, match="no column 'start', 'caller'"):
        records_csv.import_file(erika, path, records_csv.DEFAULT_MAPPING)


def test_bad_mapping_is_explained() -> None:
    with pytest.raises(InvalidInput, match="field=Column"):
        records_csv.parse_mapping(["anrufer"])


def test_phone_import_command_exits_1_when_rows_were_refused(erika: Ledger) -> None:
    args = ["phone", "import", str(DATA / "calls-de.csv")]
    for pair in (
        "call_id=Anruf-ID",
        "start=Beginn",
        "duration=Dauer",
        "caller=Rufnummer",
        "line=Leitung",
        "agent=Mitarbeiter",
        "direction=Richtung",
        "notes=Notiz",
    ):
        args += ["--map", pair]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "5 rows: 2 calls stored" in result.output
