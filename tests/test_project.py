"""The project keeps its promises: docs match code, migrations match tables, catalogues are complete."""

from __future__ import annotations

import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from babel.messages.pofile import read_po
from typer.main import get_command

from auskunft.cli import app
from auskunft.config import Settings
from auskunft.ledger import Ledger
from auskunft.store.tables import Base

ROOT = Path(__file__).resolve().parents[1]


def test_every_cli_command_is_documented() -> None:
    doc = (ROOT / "docs" / "cli.md").read_text()
    group = get_command(app)
    names: list[str] = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        names += [f"auskunft {name} {s}" for s in sub] if sub else [f"auskunft {name}"]
    missing = [name for name in names if f"`{name}" not in doc]
    assert missing == []


def test_every_answer_option_is_documented() -> None:
    doc = (ROOT / "docs" / "cli.md").read_text()
    command = get_command(app).commands["answer"]  # type: ignore[attr-defined]
    options = [opt for param in command.params for opt in param.opts if opt.startswith("--")]
    assert [opt for opt in options if opt not in doc] == []


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text()
    missing = [name for name in Settings.model_fields if f"AUSKUNFT_{name.upper()}" not in doc]
    assert missing == []


def test_readme_quick_start_is_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [
        line.split("#")[0].strip() for line in block.splitlines() if line and not line.startswith(" ")
    ]
    assert [c for c in commands if c] == ["make run", "make test"]


def test_migrations_create_exactly_the_tables_of_the_code(ledger: Ledger) -> None:
    with ledger.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_german_catalogue_translates_every_message() -> None:
    with (ROOT / "src/auskunft/locale/de/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []


def test_catalogue_holds_every_string_the_code_marks() -> None:
    with (ROOT / "src/auskunft/locale/de/LC_MESSAGES/messages.po").open("rb") as handle:
        known = {m.id for m in read_po(handle) if m.id}
    marked: set[str] = set()
    for template in (ROOT / "src/auskunft").rglob("*.j2"):
        marked |= set(re.findall(r'_\("([^"]+)"\)', template.read_text()))
    assert sorted(marked - known) == []
