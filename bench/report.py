"""Writes the results table into docs/benchmarks.md between its markers."""

from __future__ import annotations

import json
from pathlib import Path

BEGIN = "<!-- results:begin -->"
END = "<!-- results:end -->"


def table(results: Path) -> str:
    rows = [
        "| scale (subjects) | records | ingest records/s | answer p50 ms | p95 ms | p99 ms "
        "| JSON render p50 ms | records per answer | measured |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    loaded = [json.loads(p.read_text()) for p in results.glob("sqlite-*.json")]
    for r in sorted(loaded, key=lambda r: r["scale"]):
        a, i = r["answer"], r["ingest"]
        rows.append(
            f"| {r['scale']:,} | {i['records']:,} | {i['records_per_second']:,} | {a['answer_ms']['p50']} "
            f"| {a['answer_ms']['p95']} | {a['answer_ms']['p99']} | {a['json_render_ms']['p50']} "
            f"| {a['records_per_answer_mean']} | {r['measured_at'][:10]} |"
        )
    return "\n".join(rows)


def write_markdown(results: Path, doc: Path) -> None:
    text = doc.read_text() if doc.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    doc.write_text(f"{head}{BEGIN}\n{table(results)}\n{END}{tail}")
