"""`auskunft faq ...` and `auskunft legal search` as an operator uses them."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auskunft.cli import app
from auskunft.config import Settings


@pytest.fixture
def cli(settings: Settings) -> CliRunner:
    return CliRunner()


@pytest.fixture
def demo_faq_file() -> Path:
    return Path(str(resources.files("auskunft.demo").joinpath("faq_de.yaml")))


def test_faq_import_list_and_search_as_json(cli: CliRunner, demo_faq_file: Path) -> None:
    imported = cli.invoke(app, ["faq", "import", str(demo_faq_file)])
    assert imported.exit_code == 0, imported.output
    assert "created" in imported.stderr
    listed = json.loads(cli.invoke(app, ["faq", "list", "--format", "json"]).stdout)
    assert {"id", "slug", "language", "category", "title", "citations", "published", "updated_at"} <= set(
        listed[0]
    )
    result = cli.invoke(app, ["faq", "search", "woher habt ihr meine adresse", "--lang", "de", "--limit", "3",
                              "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["query"] == "woher habt ihr meine adresse"
    first = document["hits"][0]
    assert set(first) == {
        "rank", "id", "kind", "language", "law", "number", "faq_id", "slug", "label", "title", "score",
        "snippet",
    }  # fmt: skip
    assert (first["rank"], first["kind"], first["slug"]) == (1, "faq", "woher-haben-sie-meine-daten")
    assert first["id"] == "faq:woher-haben-sie-meine-daten"
    assert isinstance(first["faq_id"], int)
    assert len(document["hits"]) <= 3


def test_faq_search_as_text(cli: CliRunner, demo_faq_file: Path) -> None:
    cli.invoke(app, ["faq", "import", str(demo_faq_file)])
    result = cli.invoke(app, ["faq", "search", "Retoure"])
    assert result.exit_code == 0
    assert result.stdout.startswith(" 1. ruecksendung — Wie kann ich einen Artikel zurückschicken?")


def test_faq_publish_withdraws_an_entry_from_search(cli: CliRunner, demo_faq_file: Path) -> None:
    cli.invoke(app, ["faq", "import", str(demo_faq_file)])
    assert cli.invoke(app, ["faq", "publish", "ruecksendung", "--withdraw"]).exit_code == 0
    hits = json.loads(cli.invoke(app, ["faq", "search", "Retoure", "--format", "json"]).stdout)["hits"]
    assert "ruecksendung" not in [h["slug"] for h in hits]


def test_bad_faq_file_is_an_error_with_exit_status_2(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "faq.yaml"
    bad.write_text("entries: [{slug: x}]\n", "utf-8")
    result = cli.invoke(app, ["faq", "import", str(bad)])
    assert result.exit_code == 2
    assert "error:" in result.stderr
    assert "entry 1" in result.stderr
    assert cli.invoke(app, ["faq", "import", str(tmp_path / "missing.yaml")]).exit_code == 2


def test_legal_search_without_imported_texts_says_how_to_get_them(cli: CliRunner) -> None:
    result = cli.invoke(app, ["legal", "search", "Art. 15 DSGVO", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"query": "Art. 15 DSGVO", "hits": []}
    text = cli.invoke(app, ["legal", "search", "Auskunft"])
    assert "auskunft legal import" in text.stderr
