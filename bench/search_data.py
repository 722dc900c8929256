"""Development data of the search benchmark and tests: the ready-parsed legal texts of ../shared/legal.

The product imports the official formats (auskunft.knowledge.legal); until that importer's store is there,
and to compare against it, the benchmark builds `LegalArticle`s from the reference JSONL files.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from auskunft.knowledge.legal.model import Kind, LegalArticle

SHARED = Path(__file__).resolve().parents[2] / "shared"
LEGAL_FILES = (
    "gdpr_de.jsonl",
    "gdpr_de_recitals.jsonl",
    "gdpr_en.jsonl",
    "gdpr_en_recitals.jsonl",
    "bdsg.jsonl",
    "uwg.jsonl",
    "tdddg.jsonl",
    "ddg.jsonl",
)


def _article(row: dict[str, object]) -> LegalArticle:
    number = str(row["number"]).removeprefix("§").strip()
    given = str(row.get("kind") or "paragraph")
    kind: Kind = (
        "article"
        if given == "article"
        else "recital"
        if given == "recital"
        else "paragraph"
        if given == "paragraph"
        else "annex"
    )
    breadcrumb = row.get("breadcrumb") or [row.get("chapter"), row.get("section")]
    assert isinstance(breadcrumb, list)
    paragraphs = row.get("paragraphs") or []
    assert isinstance(paragraphs, list)
    return LegalArticle(
        law=str(row["law"]),
        language="en" if row.get("language") == "en" else "de",
        kind=kind,
        number=number,
        title=str(row["title"]) if row.get("title") else None,
        paragraphs=tuple(str(p) for p in paragraphs),
        stand=str(row["stand"]) if row.get("stand") else None,
        breadcrumb=tuple(str(b) for b in breadcrumb if b),
        repealed=bool(row.get("repealed", False)),
    )


def reference_articles(folder: Path = SHARED / "legal") -> Iterator[LegalArticle]:
    """Every article, § and recital of the reference files."""
    for name in LEGAL_FILES:
        with (folder / name).open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield _article(json.loads(line))
