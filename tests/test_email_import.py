"""Saved mail (.eml files, folders of them, .mbox files) is imported like fetched mail; bad files named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from auskunft.channels.email.cli import app
from auskunft.channels.email.importer import import_path
from auskunft.config import Settings
from auskunft.errors import NotFound
from auskunft.ledger import Ledger
from auskunft.store import conversation_tables as ct
from tests import email_servers
from tests.conftest import DATA
from tests.email_servers import SmtpServer

smtp_server = email_servers.smtp_server  # the fixture

EMAIL = DATA / "email"


def messages(ledger: Ledger) -> list[Any]:
    with ledger.engine.connect() as connection:
        return list(connection.execute(select(ct.Message).order_by(ct.Message.id)))


def test_mbox_import_files_every_message_and_threads_the_reply(ledger: Ledger) -> None:
    summary = import_path(ledger, EMAIL / "archive.mbox")
    assert (summary.messages, summary.received, summary.duplicates, summary.errors) == (4, 4, 0, [])
    assert dict(summary.flagged) == {"auto_reply": 1}
    first, reply, auto, no_id = messages(ledger)
    assert reply.conversation_id == first.conversation_id
    assert auto.conversation_id != first.conversation_id
    assert no_id.external_id.startswith("sha256:")


def test_message_without_date_takes_the_mbox_arrival_time(ledger: Ledger) -> None:
    import_path(ledger, EMAIL / "archive.mbox")
    no_date = messages(ledger)[-1]
    assert no_date.at.replace(tzinfo=None).isoformat() == "2025-11-05T08:00:02"


def test_importing_again_stores_nothing_twice(ledger: Ledger) -> None:
    import_path(ledger, EMAIL / "archive.mbox")
    again = import_path(ledger, EMAIL / "archive.mbox")
    assert (again.received, again.duplicates) == (0, 4)
    assert len(messages(ledger)) == 4


def test_folder_import_reports_bad_files_and_imports_the_rest(ledger: Ledger, tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    for name in ("plain_de.eml", "no_from.eml", "dsn_postfix.eml"):
        shutil.copy(EMAIL / name, folder / name)
    (folder / "empty.eml").write_bytes(b"")
    (folder / "notes.txt").write_text("not mail")
    summary = import_path(ledger, folder)
    assert summary.received == 3
    assert dict(summary.flagged) == {"malformed": 1, "bounce": 1}
    assert summary.errors == [f"{folder / 'empty.eml'}: empty file"]


def test_folder_without_mail_is_reported(ledger: Ledger, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not mail")
    summary = import_path(ledger, tmp_path)
    assert summary.errors == [f"{tmp_path}: no .eml or .mbox files in this folder"]


def test_missing_path_is_a_clear_error(ledger: Ledger, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="does not exist"):
        import_path(ledger, tmp_path / "nothing.mbox")


def test_recognised_request_is_counted_but_never_acknowledged_by_an_import(
    settings: Settings, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    request = tmp_path / "request.eml"
    request.write_bytes(
        b"From: Erika Muster <erika.muster@example.de>\nSubject: Auskunft nach Art. 15 DSGVO\n"
        b"Message-ID: <dsr-import@example.de>\nDate: Mon, 3 Nov 2025 10:15:00 +0100\n\n"
        b"Hiermit verlange ich Auskunft nach Art. 15 DSGVO ueber meine gespeicherten Daten.\n"
    )
    with Ledger.open(smtp_server.configure(settings)) as ledger:
        summary = import_path(ledger, request)
    assert summary.requests == 1
    assert smtp_server.received == []  # an old archive must not make us write to anyone


def test_import_command_prints_the_summary(settings: Settings) -> None:
    result = CliRunner().invoke(app, ["import", str(EMAIL / "archive.mbox"), "--report", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "messages": 4,
        "received": 4,
        "duplicates": 0,
        "flagged": {"auto_reply": 1},
        "requests": 0,
        "errors": [],
    }


def test_import_command_exits_1_and_names_bad_files(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "empty.eml").write_bytes(b"")
    result = CliRunner().invoke(app, ["import", str(tmp_path / "empty.eml")])
    assert result.exit_code == 1
    assert "empty.eml: empty file" in result.output


def test_import_command_refuses_a_missing_path(settings: Settings, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["import", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "does not exist" in result.output
