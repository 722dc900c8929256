"""`python -m bench.ingest_probe --subjects N --people M`: ingest into a copy of the full bench ledger.

Copies bench/data/ledger-N.db (built by bench.run) and ingests the histories of M new people (about 20 M
records) into the copy through the normal ingestion path, so that throughput is measured where the
indexes already hold millions of entries. Writes bench/results/ingest-into-N.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from auskunft.config import Settings
from auskunft.ledger import Ledger
from bench import synth
from bench.run import KEY, ROOT, _machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, required=True)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    args = parser.parse_args()
    source = args.data / f"ledger-{args.subjects}.db"
    with tempfile.TemporaryDirectory(dir=args.data) as scratch:
        copy = Path(scratch) / source.name
        shutil.copyfile(source, copy)
        ledger = Ledger.open(Settings(database_url=f"sqlite:///{copy}", index_key=KEY))
        started = time.perf_counter()
        report = ledger.ingestor(batch_size=5000).ingest_objects(
            synth.events(args.subjects, args.subjects + args.people, 20)
        )
        seconds = time.perf_counter() - started
        ledger.close()
    if not report.ok:
        raise SystemExit(f"ingest failed: {report.errors[:3]}")
    records = report.stored.get("record", 0)
    result = {
        "ledger_subjects": args.subjects,
        "new_people": args.people,
        "records": records,
        "seconds": round(seconds, 1),
        "records_per_second": round(records / seconds),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
    }
    out = ROOT / "results" / f"ingest-into-{args.subjects}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    rate = result["records_per_second"]
    print(f"{records:,} records into the {args.subjects:,}-person ledger: {rate:,}/s -> {out}")


if __name__ == "__main__":
    main()
