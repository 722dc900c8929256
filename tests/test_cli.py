"""The command line, as an operator uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auskunft.cli import app
from auskunft.config import Settings
from tests.conftest import DATA


@pytest.fixture
def cli(settings: Settings) -> CliRunner:
    return CliRunner()


def test_ingest_then_answer_by_phone_as_json(cli: CliRunner) -> None:
    result = cli.invoke(app, ["ingest", str(DATA / "erika.jsonl")])
    assert result.exit_code == 0, result.output
    answer = cli.invoke(app, ["answer", "--phone", "+49 30 1234567", "--format", "json"])
    assert answer.exit_code == 0, answer.output
    document = json.loads(answer.stdout)
    assert document["processed"] is True
    assert {r["value"] for r in document["records"]} >= {"Erika Muster", "+49 30 1234567"}


def test_ingest_reads_standard_input(cli: CliRunner) -> None:
    result = cli.invoke(app, ["ingest", "-", "--report", "json"], input=(DATA / "erika.jsonl").read_text())
    assert result.exit_code == 0
    assert json.loads(result.stdout)["stored"] == {"record": 3, "consent": 2, "disclosure": 1}


def test_ingest_with_bad_lines_exits_non_zero_and_names_them(cli: CliRunner, tmp_path: Path) -> None:
    lines = (DATA / "erika.jsonl").read_text().splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([lines[0], "{oops", lines[1]]) + "\n")
    result = cli.invoke(app, ["ingest", str(bad)])
    assert result.exit_code == 1
    assert "line 2: invalid JSON" in result.output
    answer = json.loads(
        cli.invoke(app, ["answer", "--email", "erika.muster@example.de", "--format", "json"]).stdout
    )
    assert len(answer["records"]) == 2


def test_ingest_of_a_missing_file_is_a_clear_error(cli: CliRunner) -> None:
    result = cli.invoke(app, ["ingest", "/nonexistent/events.jsonl"])
    assert result.exit_code == 2
    assert "cannot read" in result.output


def test_unknown_email_gives_processed_false(cli: CliRunner) -> None:
    result = cli.invoke(app, ["answer", "--email", "niemand@example.de", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["processed"] is False


def test_malformed_email_is_refused_with_a_reason(cli: CliRunner) -> None:
    result = cli.invoke(app, ["answer", "--email", "kein-at-zeichen"])
    assert result.exit_code == 2
    assert "not a valid email address" in result.output


def test_answer_needs_exactly_one_identifier(cli: CliRunner) -> None:
    result = cli.invoke(app, ["answer", "--email", "a@example.de", "--phone", "030 1"])
    assert result.exit_code == 2
    assert "exactly one" in result.output


def test_answer_writes_pdf_and_html_files(cli: CliRunner, tmp_path: Path) -> None:
    cli.invoke(app, ["ingest", str(DATA / "erika.jsonl")])
    for fmt in ("pdf", "html"):
        out = tmp_path / "out" / f"answer.{fmt}"
        result = cli.invoke(
            app, ["answer", "--email", "erika.muster@example.de", "--format", fmt, "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
    assert (tmp_path / "out" / "answer.pdf").read_bytes().startswith(b"%PDF")


def test_register_load_reports_every_broken_reference(cli: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "register.yaml"
    text = (DATA / "register.yaml").read_text()
    broken.write_text(
        text.replace("retention: service_3y", "retention: forever").replace("art6_1_a]", "art99]")
    )
    result = cli.invoke(app, ["register", "load", str(broken)])
    assert result.exit_code == 2
    assert "unknown retention rule 'forever'" in result.output
    assert "unknown legal basis 'art99'" in result.output


def test_register_load_of_invalid_yaml_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "register.yaml"
    broken.write_text("controller: [unclosed")
    result = cli.invoke(app, ["register", "load", str(broken)])
    assert result.exit_code == 2
    assert "not valid YAML" in result.output


def test_demo_loads_once_and_if_empty_leaves_a_filled_ledger_alone(cli: CliRunner) -> None:
    first = cli.invoke(app, ["demo", "--customers", "5"])
    assert first.exit_code == 0, first.output
    again = cli.invoke(app, ["demo", "--customers", "5"])
    assert "0 events stored" in again.output
    skipped = cli.invoke(app, ["demo", "--if-empty"])
    assert "already holds data" in skipped.output


def test_db_upgrade_reports_a_current_schema(cli: CliRunner) -> None:
    result = cli.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0
    assert "schema is current" in result.output
