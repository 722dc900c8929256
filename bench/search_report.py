"""Writes the search results table into the Search section of docs/benchmarks.md, between its markers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

BEGIN = "<!-- search:begin -->"
END = "<!-- search:end -->"
_SETS = {
    "own_de": "own set, German",
    "own_en": "own set, English",
    "own": "own set, all",
    "probe": "CS FAQ probe (development set)",
}


def table(result: dict[str, Any]) -> str:
    rows = [
        "| query set | queries | engine MRR@10 | baseline MRR@10 | gain | engine nDCG@10 | baseline nDCG@10 "
        "| engine p50 / p95 ms | baseline p50 / p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, label in _SETS.items():
        e, b = result[key]["engine"], result[key]["baseline"]
        gain = f"+{(e['mrr'] / b['mrr'] - 1) * 100:.0f} %" if b["mrr"] else "–"
        rows.append(
            f"| {label} | {e['queries']} | **{e['mrr']:.3f}** | {b['mrr']:.3f} | {gain} "
            f"| **{e['ndcg10']:.3f}** | {b['ndcg10']:.3f} | {e['p50_ms']:.2f} / {e['p95_ms']:.2f} "
            f"| {b['p50_ms']:.2f} / {b['p95_ms']:.2f} |"
        )
    if "ablation" in result:
        rows += ["", "| switched off | MRR own set | MRR probe |", "|---|---:|---:|"]
        rows.append(
            f"| nothing (the engine) | {result['own']['engine']['mrr']:.3f} "
            f"| {result['probe']['engine']['mrr']:.3f} |"
        )
        for feature, row in result["ablation"].items():
            rows.append(f"| {feature} | {row['own']:.3f} | {row['probe']:.3f} |")
    rows.append("")
    rows.append(
        f"Measured {result['measured_at'][:10]}; {result['own']['documents']} documents "
        f"(legal texts: {result['legal_source']}), "
        f"index built in {result['own']['index_build_s']} s; "
        f"latency over {result['own']['engine']['searches']} searches."
    )
    return "\n".join(rows)


def write_section(results: Path, doc: Path) -> None:
    result = json.loads(results.read_text("utf-8"))
    text = doc.read_text("utf-8")
    if BEGIN not in text:
        text = text.rstrip("\n") + f"\n\n## Search\n\n{BEGIN}\n{END}\n"
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    doc.write_text(f"{head}{BEGIN}\n{table(result)}\n{END}{tail}", "utf-8")
