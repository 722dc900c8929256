"""Fixtures: a fresh ledger per test on SQLite (default) or PostgreSQL (AUSKUNFT_TEST_DATABASE_URL).

Personas used across the suite: Erika Muster, a customer whose data arrive through the contact
form, the hotline and an address broker; an outsider nobody knows.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from auskunft.config import Settings, get_settings
from auskunft.ledger import Ledger
from auskunft.store import sequences
from auskunft.store.db import make_engine, migrate
from auskunft.store.tables import Base

SHARED = Path(__file__).resolve().parents[2] / "shared"
DATA = Path(__file__).parent / "data"
INDEX_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

ERIKA_EVENTS = (DATA / "erika.jsonl").read_text("utf-8")


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    migrate(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: a SQLite file to copy, or a PostgreSQL database to truncate."""
    url = os.environ.get("AUSKUNFT_TEST_DATABASE_URL")
    if url:
        _reset_postgres(url)
        return url
    path = tmp_path_factory.mktemp("template") / "ledger.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return str(path)


@pytest.fixture
def database_url(_template: str, tmp_path: Path) -> str:
    return fresh_database(_template, tmp_path)


def fresh_database(_template: str, tmp_path: Path) -> str:
    """An empty migrated ledger: a copy of the SQLite template, or the PostgreSQL one truncated."""
    if _template.startswith("postgresql"):
        engine = make_engine(_template)
        names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            sequences.seed(connection)
        engine.dispose()
        return _template
    path = tmp_path / "ledger.db"
    shutil.copy(_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings for the test's ledger, also exported to the environment for the CLI."""
    monkeypatch.setenv("AUSKUNFT_DATABASE_URL", database_url)
    monkeypatch.setenv("AUSKUNFT_INDEX_KEY", INDEX_KEY)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield Settings(database_url=database_url, index_key=INDEX_KEY)
    get_settings.cache_clear()


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Ledger]:
    opened = Ledger.open(settings)
    yield opened
    opened.close()


@pytest.fixture
def erika(ledger: Ledger) -> Ledger:
    """A ledger holding the six events of Erika Muster from the issue, verbatim."""
    report = ledger.ingest_lines(ERIKA_EVENTS.splitlines())
    assert report.ok, report.errors
    return ledger
