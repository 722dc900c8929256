"""`python -m bench.campaign --subjects N --addresses M`: check a campaign list against a bench ledger.

Uses the ledger `bench.run` builds for N people (DATA/ledger-N.db, complete when ledger-N.done.json is
there; opening it migrates its schema, so point --data at a copy of a ledger that other code still uses).
The list has a header row `email;name` and M addresses: the bench people kunde{i}@example.de, i < M, with
every tenth replaced by an address the ledger does not know. Measured is the wall time of
`campaign.check_list` for newsletter on email, from the first line read to the audit entry written,
including both output files. Results go to bench/results/campaign-N.json and docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auskunft.config import Settings
from auskunft.ledger import Actor, Ledger
from auskunft.marketing.campaign import check_list
from auskunft.marketing.rules import Channel
from bench import synth
from bench.run import KEY, ROOT, _machine

BEGIN = "<!-- campaign:begin -->"
END = "<!-- campaign:end -->"
SECTION = f"""
## Campaign lists

`python -m bench.campaign --subjects N --addresses M --data DIR` checks a list of M addresses — the bench
people `kunde{{i}}@example.de`, every tenth replaced by an address the ledger does not know — against the
ledger of N people built by `bench.run` (in DIR; the run migrates its schema, so give it a copy of a ledger
that older code still uses), as `auskunft marketing check-list list.csv --channel email --purpose newsletter`
does: reading the list, normalising and blind-indexing every address (in a forked process), the bulk
queries, a decision per address, both output files (the denied one with the reasons in German) and the
audit entry. Target on the 2-core machine, SQLite: 1,000,000 addresses against 1,000,000 people in under
10 s. A list this large beside the ledger reads the ledger once instead of probing its indexes;
newsletter is no § 7(3) UWG purpose, so sales are not read (a purpose with `own_similar_goods` adds a scan
of the email records, about 3 s here). The best of `--runs` runs is recorded; the others show the spread
on a machine shared with other work.

{BEGIN}
{END}
"""


def write_list(path: Path, addresses: int) -> int:
    """The list file; the number of addresses on it the ledger must allow (known, with consent)."""
    allowed = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("email;name\n")
        for i in range(addresses):
            if i % 10 == 9:
                handle.write(f"neu{i}@example.org;Interessent {i}\n")
                continue
            handle.write(f"{synth.email(i)};Person {i}\n")
            allowed += i % 3 == 0  # synth: every third person consented to the newsletter with double opt-in
    return allowed


def run(ledger_path: Path, subjects: int, addresses: int, runs: int, work: Path) -> dict[str, Any]:
    listing = work / f"campaign-{addresses}.csv"
    expected = write_list(listing, addresses)
    ledger = Ledger.open(Settings(database_url=f"sqlite:///{ledger_path}", index_key=KEY))
    seconds: list[float] = []
    try:
        for _ in range(runs):
            started = time.perf_counter()
            summary = check_list(
                ledger,
                listing,
                Channel.EMAIL,
                "newsletter",
                Actor("bench", "campaign benchmark"),
                allowed_path=work / "allowed.csv",
                denied_path=work / "denied.csv",
                lang="de",
            )
            seconds.append(time.perf_counter() - started)
            print(f"  {addresses:,} addresses in {seconds[-1]:.2f} s", flush=True)
            if summary.allowed != expected or summary.lines != addresses:
                raise SystemExit(f"wrong result: {summary.as_dict()}, expected {expected} allowed")
    finally:
        ledger.close()
    return {
        "scale": subjects,
        "addresses": addresses,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "store": "sqlite",
        "seconds": round(min(seconds), 2),
        "runs": [round(s, 2) for s in seconds],
        "addresses_per_second": round(addresses / min(seconds)),
        "allowed": summary.allowed,
        "denied": summary.denied,
        "by_reason": dict(summary.by_reason),
    }


def table(results: Path) -> str:
    rows = [
        "| ledger (people) | addresses | seconds (best) | addresses/s | allowed | denied | runs | measured |",
        "|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    loaded = [json.loads(p.read_text()) for p in results.glob("campaign-*.json")]
    for r in sorted(loaded, key=lambda r: (r["scale"], r["addresses"])):
        rows.append(
            f"| {r['scale']:,} | {r['addresses']:,} | {r['seconds']} | {r['addresses_per_second']:,} "
            f"| {r['allowed']:,} | {r['denied']:,} | {', '.join(map(str, r['runs']))} "
            f"| {r['measured_at'][:10]} |"
        )
    return "\n".join(rows)


def write_markdown(results: Path, doc: Path) -> None:
    """The campaign table into its own section of `doc`, outside the answer results."""
    text = doc.read_text()
    if BEGIN not in text:
        text = text.rstrip("\n") + "\n" + SECTION
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    doc.write_text(f"{head}{BEGIN}\n{table(results)}\n{END}{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, required=True, help="people in the bench ledger")
    parser.add_argument("--addresses", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="the best run is recorded")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="folder of the bench ledgers")
    args = parser.parse_args()
    ledger_path = args.data / f"ledger-{args.subjects}.db"
    if not ledger_path.with_suffix(".done.json").exists():
        raise SystemExit(f"{ledger_path} is not complete: build it with python -m bench.run first")
    print(f"campaign list of {args.addresses:,} addresses against {ledger_path}", flush=True)
    result = run(ledger_path, args.subjects, args.addresses, args.runs, args.data)
    (ROOT / "results").mkdir(exist_ok=True)
    out = ROOT / "results" / f"campaign-{args.subjects}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"  best {result['seconds']} s, {result['addresses_per_second']:,} addresses/s -> {out}")
    write_markdown(ROOT / "results", ROOT.parent / "docs" / "benchmarks.md")


if __name__ == "__main__":
    main()
