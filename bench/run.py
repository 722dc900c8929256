"""`python -m bench.run --subjects N [--subjects M ...]`: build ledgers, measure, write results.

For each scale N a SQLite ledger with N subjects is built through the real ingestion path (kept in
bench/data/ and reused by later runs), its ingest throughput is recorded, then the latency of
answers for randomly chosen subjects is measured the way the CLI and API build them (lookup,
build, audit entry), and separately the JSON rendering. Results go to bench/results/*.json and
the table in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sqlite3
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auskunft.answer.builder import SubjectQuery
from auskunft.answer.render import to_json
from auskunft.config import Settings
from auskunft.domain.identifiers import IdentifierKind
from auskunft.ledger import Actor, Ledger
from bench import search, synth
from bench.report import write_markdown

ROOT = Path(__file__).resolve().parent
KEY = "ab" * 32


def _machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    import os

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def build(path: Path, subjects: int, records: int, chunk: int) -> dict[str, Any] | None:
    """Build the ledger at `path` unless it is complete; the ingest figures of a fresh build."""
    marker = path.with_suffix(".done.json")
    if marker.exists():
        return None
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    ledger = Ledger.open(Settings(database_url=f"sqlite:///{path}", index_key=KEY))
    totals = {"record": 0, "consent": 0, "disclosure": 0}
    started = time.perf_counter()
    ingestor = ledger.ingestor(batch_size=5000)
    for first in range(0, subjects, chunk):
        report = ingestor.ingest_objects(synth.events(first, min(first + chunk, subjects), records))
        if not report.ok:
            raise SystemExit(f"ingest failed: {report.errors[:3]}")
        for kind, n in report.stored.items():
            totals[kind] += n
        elapsed = time.perf_counter() - started
        done = min(first + chunk, subjects)
        print(
            f"  {done:>9} subjects, {totals['record']:>10} records, "
            f"{totals['record'] / elapsed:,.0f} records/s",
            flush=True,
        )
    seconds = time.perf_counter() - started
    ledger.close()
    result = {
        "subjects": subjects,
        "records": totals["record"],
        "consent_events": totals["consent"],
        "disclosures": totals["disclosure"],
        "seconds": round(seconds, 1),
        "records_per_second": round(totals["record"] / seconds),
        "events_per_second": round(sum(totals.values()) / seconds),
        "database_bytes": path.stat().st_size,
    }
    marker.write_text(json.dumps(result))
    return result


def top_up(path: Path, subjects: int, minimum: int, done: dict[str, Any]) -> dict[str, Any]:
    """Give the first people one more record each until the ledger holds `minimum` records.

    The synthetic histories average 20 records, so a build can land a little under a round target;
    the extra records go through the same ingestion path and are counted in the results.
    """
    missing = minimum - int(done["records"])
    if missing <= 0:
        return done
    ledger = Ledger.open(Settings(database_url=f"sqlite:///{path}", index_key=KEY))
    report = ledger.ingestor(batch_size=5000).ingest_objects(synth.extra_events(min(missing, subjects)))
    ledger.close()
    if not report.ok:
        raise SystemExit(f"top-up failed: {report.errors[:3]}")
    added = report.stored.get("record", 0)
    done = {**done, "records": int(done["records"]) + added, "top_up_records": added}
    path.with_suffix(".done.json").write_text(json.dumps(done))
    print(f"  topped up with {added} records to {done['records']:,}", flush=True)
    return done


def measure(path: Path, subjects: int, answers: int, seed: int = 7) -> dict[str, Any]:
    ledger = Ledger.open(Settings(database_url=f"sqlite:///{path}", index_key=KEY))
    rng = random.Random(seed)
    actor = Actor("bench", "benchmark")
    picks = [rng.randrange(subjects) for _ in range(answers)]
    for i in picks[:50]:  # warm-up: page cache and prepared statements
        ledger.answer(SubjectQuery(IdentifierKind.EMAIL, synth.email(i)), "de", actor)
    build_ms: list[float] = []
    json_ms: list[float] = []
    sizes: list[int] = []
    for i in picks:
        started = time.perf_counter()
        answer = ledger.answer(SubjectQuery(IdentifierKind.EMAIL, synth.email(i)), "de", actor)
        built = time.perf_counter()
        to_json(answer)
        done = time.perf_counter()
        assert answer.processed
        build_ms.append((built - started) * 1000)
        json_ms.append((done - built) * 1000)
        sizes.append(len(answer.records))
    ledger.close()

    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)

    return {
        "answers": answers,
        "records_per_answer_mean": round(statistics.mean(sizes), 1),
        "answer_ms": {
            "p50": pct(build_ms, 0.5),
            "p95": pct(build_ms, 0.95),
            "p99": pct(build_ms, 0.99),
            "max": round(max(build_ms), 3),
        },
        "json_render_ms": {"p50": pct(json_ms, 0.5), "p99": pct(json_ms, 0.99)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, action="append", required=True)
    parser.add_argument("--records", type=int, default=20, help="mean records per subject")
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument(
        "--min-records", type=int, default=0, help="top up the largest ledger to this many records"
    )
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    (ROOT / "results").mkdir(exist_ok=True)
    for subjects in args.subjects:
        path = args.data / f"ledger-{subjects}.db"
        print(f"scale {subjects:,} subjects: building {path}", flush=True)
        ingest = build(path, subjects, args.records, chunk=min(50_000, subjects))
        if ingest is None:
            ingest = json.loads(path.with_suffix(".done.json").read_text())
            print("  (reused the ledger built earlier)")
        if args.min_records and subjects == max(args.subjects):
            ingest = top_up(path, subjects, args.min_records, ingest)
        answer = measure(path, subjects, args.answers)
        result = {
            "scale": subjects,
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": _machine(),
            "store": "sqlite",
            "ingest": ingest,
            "answer": answer,
        }
        out = ROOT / "results" / f"sqlite-{subjects}.json"
        out.write_text(json.dumps(result, indent=2) + "\n")
        print(
            f"  answer p50 {answer['answer_ms']['p50']} ms, p99 {answer['answer_ms']['p99']} ms; "
            f"ingest {ingest['records_per_second']:,} records/s -> {out}",
            flush=True,
        )
    write_markdown(ROOT / "results", ROOT.parent / "docs" / "benchmarks.md")
    print("search: quality and latency against the FTS5 baseline", flush=True)
    search.main([])


if __name__ == "__main__":
    main()
