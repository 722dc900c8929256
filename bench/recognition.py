"""`python -m bench.recognition`: precision and recall of request recognition.

Runs `recognise` over the positives (the shared letters and samples, the datenanfragen templates rendered
with and without their optional passages, the reactor follow-ups, our hand-written requests) and over our
negative set of ordinary customer-service messages, and over the messages written after the rules were first
frozen (tests/request_corpus.py), and reports

- "detected as request": a positive with any kind is a true positive, a negative with any kind a false one;
- "right kind": per kind, a message counts for the kind it was given; a positive given the wrong kind is a
  false negative of its own kind and a false positive of the kind given. Overall = micro average.

Writes bench/results/recognition.json and the table in docs/benchmarks.md (section "Request recognition").
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auskunft.requests.kinds import RequestKind
from auskunft.requests.recognise import recognise
from bench.run import ROOT, _machine
from tests import request_corpus as corpus

BEGIN = "<!-- recognition:begin -->"
END = "<!-- recognition:end -->"
SOURCES = (
    "letter",
    "sample",
    "template",
    "reactor",
    "handwritten",
    "holdout",
    "negative",
    "holdout-negative",
)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    f1 = (
        round(2 * precision * recall / (precision + recall), 4)
        if precision is not None and recall is not None and precision + recall
        else None
    )
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def measure() -> dict[str, Any]:
    samples = [*corpus.positives(), *corpus.negatives(), *corpus.holdout()]
    rows = []
    started = time.perf_counter()
    for sample in samples:
        result = recognise(sample.text, sample.subject)
        rows.append((sample, result.kind, result.language))
    seconds = time.perf_counter() - started

    detected = Counter[str]()
    for sample, kind, _ in rows:
        truth, found = sample.kind is not None, kind is not None
        detected["tp" if truth and found else "fp" if found else "fn" if truth else "tn"] += 1
    per_kind: dict[str, Any] = {}
    for k in RequestKind:
        tp = sum(s.kind is k and kind is k for s, kind, _ in rows)
        fp = sum(s.kind is not k and kind is k for s, kind, _ in rows)
        fn = sum(s.kind is k and kind is not k for s, kind, _ in rows)
        per_kind[k.value] = {**_prf(tp, fp, fn), "support": sum(s.kind is k for s, _, _ in rows)}
    right = sum(s.kind is not None and kind is s.kind for s, kind, _ in rows)
    given = sum(kind is not None for _, kind, _ in rows)
    positives = sum(s.kind is not None for s, _, _ in rows)
    by_source = {
        source: {
            "messages": sum(s.source == source for s, _, _ in rows),
            "taken_for_request": sum(s.source == source and kind is not None for s, kind, _ in rows),
            "right_kind": sum(s.source == source and kind is s.kind for s, kind, _ in rows),
            "right_language": sum(s.source == source and lang == s.language for s, _, lang in rows),
        }
        for source in SOURCES
    }
    errors = [
        {"message": s.name, "expected": s.kind and s.kind.value, "got": kind and kind.value}
        for s, kind, _ in rows
        if kind is not s.kind
    ]
    return {
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "messages": len(rows),
        "positives": positives,
        "negatives": len(rows) - positives,
        "detected_as_request": {**_prf(detected["tp"], detected["fp"], detected["fn"]), "tn": detected["tn"]},
        "right_kind": _prf(right, given - right, positives - right),
        "per_kind": per_kind,
        "by_source": by_source,
        "errors": errors,
        "ms_per_message": round(1000 * seconds / len(rows), 3),
    }


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def table(result: dict[str, Any]) -> str:
    lines = [
        "| measure | precision | recall | F1 | messages |",
        "|---|---:|---:|---:|---:|",
    ]
    det, right = result["detected_as_request"], result["right_kind"]
    lines.append(
        f"| detected as request | {_pct(det['precision'])} | {_pct(det['recall'])} | {_pct(det['f1'])} "
        f"| {result['positives']} + {result['negatives']} negative |"
    )
    lines.append(
        f"| right kind (all kinds) | {_pct(right['precision'])} | {_pct(right['recall'])} "
        f"| {_pct(right['f1'])} | {result['positives']} |"
    )
    for kind, row in result["per_kind"].items():
        lines.append(
            f"| {kind} | {_pct(row['precision'])} | {_pct(row['recall'])} | {_pct(row['f1'])} "
            f"| {row['support']} |"
        )
    lines += [
        "",
        "| set | messages | taken for a request | right kind | right language |",
        "|---|---:|---:|---:|---:|",
    ]
    for source, row in result["by_source"].items():
        lines.append(
            f"| {source} | {row['messages']} | {row['taken_for_request']} | "
            f"{'–' if source.endswith('negative') else row['right_kind']} | {row['right_language']} |"
        )
    lines.append("")
    lines.append(
        f"Measured {result['measured'][:10]}; {result['ms_per_message']} ms per message on "
        f"{result['machine']['cpu']} (Python {result['machine']['python']})."
        + (
            f" Misclassified: {', '.join(e['message'] for e in result['errors'])}."
            if result["errors"]
            else ""
        )
    )
    return "\n".join(lines)


def write_markdown(result: dict[str, Any], doc: Path) -> None:
    """The table between the markers of the section "Request recognition" in `doc`."""
    text = doc.read_text("utf-8")
    if BEGIN not in text:
        text = text.rstrip("\n") + f"\n\n## Request recognition\n\n{BEGIN}\n{END}\n"
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    doc.write_text(f"{head}{BEGIN}\n{table(result)}\n{END}{tail}", "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    result = measure()
    out = ROOT / "results" / "recognition.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    if not args.no_docs:
        write_markdown(result, ROOT.parent / "docs" / "benchmarks.md")
    print(table(result))


if __name__ == "__main__":
    main()
