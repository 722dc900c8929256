"""The search benchmark's baseline: SQLite FTS5 with its default tokenizer (unicode61), no stemming, BM25.

That is what a helpdesk gets when it switches on SQLite's full-text search: words split at non-letters and
lower-cased, diacritics removed (ü → u, not ue), no stemming, no compounds, no synonyms. A query matches
documents holding any of its words (OR), ranked by bm25().
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence

from auskunft.knowledge.search.document import SearchDocument

_WORD = re.compile(r"\w+")


class Fts5Baseline:
    def __init__(self, documents: Sequence[SearchDocument]) -> None:
        self.documents = list(documents)
        self._db = sqlite3.connect(":memory:")
        self._db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(title, body, kind UNINDEXED, language UNINDEXED)"
        )
        self._db.executemany(
            "INSERT INTO docs(rowid, title, body, kind, language) VALUES (?, ?, ?, ?, ?)",
            [(n, d.title, d.body, d.kind, d.language) for n, d in enumerate(self.documents)],
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()

    def search(
        self, query: str, *, kind: str | None = None, language: str | None = None, limit: int = 10
    ) -> list[SearchDocument]:
        terms = " OR ".join(f'"{word}"' for word in _WORD.findall(query))
        if not terms:
            return []
        rows = self._db.execute(
            "SELECT rowid FROM docs WHERE docs MATCH ? AND (? IS NULL OR kind = ?)"
            " AND (? IS NULL OR language = ?)"
            " ORDER BY bm25(docs) LIMIT ?",
            (terms, kind, kind, language, language, limit),
        ).fetchall()
        return [self.documents[row[0]] for row in rows]
