"""`python -m bench.web_load [--subjects 100000] [--users 50] [--seconds 30]`: the web app under load.

Builds (once; kept in bench/data/) a SQLite ledger with the demo company and N synthetic customers,
starts `auskunft serve` on it as a separate process (one uvicorn worker, as deployed), catches the portal's
sign-in codes with an aiosmtpd server of its own, signs agents into the console and customers into the
portal through the real forms, and then lets concurrent users work for a fixed time: agents open the
customer view of random people, customers load their answer page, each pausing for a think time between
two requests (phases console, portal, mixed; then stress, without pauses). Every response is checked
(status 200 and the page's marker text); its server time (`Server-Timing: app;dur=`) and client latency
are recorded. Results go to bench/results/web_load.json and the "Web load" table in docs/benchmarks.md;
docs/benchmarks.md describes the set-up. The server, the mail catcher and the client: `web_harness.py`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sqlite3
import statistics
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from auskunft.config import Settings
from auskunft.demo import conversations, generator, marketing_cases, users
from auskunft.demo.faq import load_faq
from auskunft.demo.load import demo_register
from auskunft.ledger import Ledger
from auskunft.register import store as register_store
from bench.run import _machine
from bench.web_harness import HOST, Client, CodeCatcher, Server, free_port, sign_in_agent, sign_in_customer

ROOT = Path(__file__).resolve().parent
KEY = "cd" * 32
REASON = "Lasttest: Kundin ruft an"
DEMO_PEOPLE = 10
"""People the demo company holds besides its synthetic customers: six storylines, four marketing cases."""
TARGETS_MS = {"console_customer_view": 50.0, "portal_answer_page": 100.0}
"""p95 server time the issue asks for, by page."""
MARKERS = {
    "console_customer_view": "Was gespeichert ist",
    "portal_answer_page": "Welche Daten wir über Sie speichern",
}
"""Text only the full page holds (the German heading of its first answer section)."""


# -- the ledger ------------------------------------------------------------------------------------
def _counted(events: Iterable[dict[str, Any]], every: int = 200_000) -> Iterator[dict[str, Any]]:
    started = time.perf_counter()
    n = 0
    for n, event in enumerate(events, 1):
        if n % every == 0:
            rate = n / (time.perf_counter() - started)
            print(f"  {n:>10,} events ingested, {rate:,.0f} events/s", flush=True)
        yield event
    print(f"  {n:>10,} events ingested", flush=True)


def build(path: Path, people: int) -> dict[str, Any]:
    """The demo company with `people` people (its fixed ones and synthetic customers) at `path`, built unless
    a complete one is there. The same steps as `auskunft.demo.load.load_demo`, with progress printed.

    (The demo generator draws customer numbers K-100000..K-199999, so it cannot make more than 99,997
    customers: 100,000 people is about its limit.)"""
    marker = path.with_suffix(".done.json")
    if marker.exists():
        print(f"ledger: reusing {path}", flush=True)
        return dict(json.loads(marker.read_text()))
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    customers = people - DEMO_PEOPLE
    print(f"ledger: building {path}: {customers:,} demo customers (once; kept for later runs)", flush=True)
    started = time.perf_counter()
    ledger = Ledger.open(_settings(path))
    try:
        with ledger.engine.begin() as connection:
            register_store.save(connection, demo_register())
            load_faq(connection)
            users.load(connection)
        print("  generating the demo customers' histories ...", flush=True)
        events = chain(generator.events(customers=customers), marketing_cases.events())
        report = ledger.ingest_objects(_counted(events))
        if not report.ok:
            raise SystemExit(f"ingest failed: {report.errors[:3]}")
        conversations.load(ledger)
    finally:
        ledger.close()
    done = {
        "customers": customers,
        "stored": dict(report.stored),
        "seconds": round(time.perf_counter() - started, 1),
        "database_bytes": path.stat().st_size,
    }
    marker.write_text(json.dumps(done))
    print(f"  built in {done['seconds']} s: {done['stored']}", flush=True)
    return done


def _settings(path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{path}", index_key=KEY)


def _live_subjects(path: Path) -> list[int]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT id FROM subjects WHERE merged_into_id IS NULL AND erased_at IS NULL")
        return [int(row[0]) for row in rows]


def _customers(path: Path, n: int) -> list[str]:
    """Email addresses of `n` live people spread evenly over the ledger (by subject id)."""
    query = (
        "SELECT i.subject_id, min(i.value) FROM identifiers i JOIN subjects s ON s.id = i.subject_id "
        "WHERE i.kind = 'email' AND s.merged_into_id IS NULL AND s.erased_at IS NULL "
        "GROUP BY i.subject_id ORDER BY i.subject_id"
    )
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = [str(row[1]) for row in db.execute(query)]
    step = len(rows) / n
    return [rows[int(k * step)] for k in range(n)]


def _warm_file(path: Path) -> None:
    """Read the ledger once, so that the OS page cache holds it (as it does on a server that runs)."""
    with path.open("rb") as handle:
        while handle.read(1 << 24):
            pass


# -- the load --------------------------------------------------------------------------------------
@dataclass(slots=True)
class Sample:
    page: str
    status: int
    ok: bool
    server_ms: float
    client_ms: float


@dataclass
class User:
    """One concurrent user: an agent opening customer views, or a customer reloading their answer."""

    page: str
    client: Client
    csrf: str = ""
    subjects: list[int] = field(default_factory=list)

    def act(self, rng: random.Random) -> Sample:
        try:
            if self.page == "console_customer_view":
                path = f"/console/subjects/{rng.choice(self.subjects)}/view"
                reply = self.client.post(path, {"reason": REASON, "csrf_token": self.csrf})
            else:
                reply = self.client.get("/meine-daten")
        except (OSError, http.client.HTTPException):
            self.client.connection.close()  # the next request opens a new connection
            return Sample(self.page, 0, False, float("nan"), float("nan"))
        ok = reply.status == 200 and MARKERS[self.page] in reply.body
        return Sample(self.page, reply.status, ok, reply.server_ms, reply.client_ms)


def run_phase(users: list[User], seconds: float, warmup: float, think: float, seed: int) -> list[Sample]:
    """Every user works for `warmup` + `seconds`; what they do in the last `seconds` is returned.

    `think`: mean pause of a user between two requests (exponentially distributed; 0: none)."""
    barrier = threading.Barrier(len(users) + 1)
    samples: list[Sample] = []
    lock = threading.Lock()
    clock: dict[str, float] = {}

    def work(user: User, rng: random.Random) -> None:
        mine: list[Sample] = []
        barrier.wait()
        if think:
            time.sleep(rng.uniform(0, think))
        while (now := time.monotonic()) < clock["end"]:
            sample = user.act(rng)
            if now >= clock["measure"]:
                mine.append(sample)
            if think:
                time.sleep(rng.expovariate(1 / think))
        with lock:
            samples.extend(mine)

    threads = [
        threading.Thread(target=work, args=(user, random.Random(seed * 1000 + n)), daemon=True)
        for n, user in enumerate(users)
    ]
    for thread in threads:
        thread.start()
    clock["measure"] = time.monotonic() + warmup
    clock["end"] = clock["measure"] + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    return samples


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2) if ordered else float("nan")


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "p50": _pct(values, 0.5),
        "p95": _pct(values, 0.95),
        "p99": _pct(values, 0.99),
        "max": round(max(values), 2) if values else float("nan"),
        "mean": round(statistics.fmean(values), 2) if values else float("nan"),
    }


def summarise(samples: list[Sample], seconds: float) -> dict[str, Any]:
    pages: dict[str, Any] = {}
    for page in sorted({s.page for s in samples}):
        mine = [s for s in samples if s.page == page]
        good = [s for s in mine if s.ok]
        errors = [s for s in mine if not s.ok]
        pages[page] = {
            "requests": len(mine),
            "requests_per_second": round(len(mine) / seconds, 1),
            "errors": len(errors),
            "error_statuses": sorted({s.status for s in errors}),
            "server_ms": _spread([s.server_ms for s in good]),
            "client_ms": _spread([s.client_ms for s in good]),
        }
    return pages


# -- the run ---------------------------------------------------------------------------------------
PHASES = ("console", "portal", "mixed", "stress")
"""console: every user an agent; portal: every user a signed-in customer; mixed: half and half; all with
the think time. stress: half and half without any pause (the server's capacity; not judged)."""
AGENTS_SHARE = {"console": 1.0, "portal": 0.0, "mixed": 0.5, "stress": 0.5}


def machine() -> dict[str, Any]:
    return {**_machine(), "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def team(
    phase: str, n: int, agents: list[tuple[Client, str]], customers: list[Client], subjects: list[int]
) -> list[User]:
    n_agents = int(n * AGENTS_SHARE[phase])
    crew = [User("console_customer_view", c, token, subjects) for c, token in agents[:n_agents]]
    return crew + [User("portal_answer_page", c) for c in customers[: n - n_agents]]


def verdict(phases: dict[str, Any]) -> dict[str, Any]:
    """For each page, its worst p95 server time over the judged phases it ran in, its errors (in all
    phases), and the target."""
    out: dict[str, Any] = {}
    for page, target in TARGETS_MS.items():
        judged = [p["pages"][page] for p in phases.values() if p["judged"] and page in p["pages"]]
        if not judged:
            continue
        worst = max(s["server_ms"]["p95"] for s in judged)
        errors = sum(p["pages"][page]["errors"] for p in phases.values() if page in p["pages"])
        out[page] = {
            "target_p95_server_ms": target,
            "worst_p95_server_ms": worst,
            "errors": errors,
            "met": worst < target and errors == 0,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--subjects", type=int, default=100_000, help="people in the ledger (the demo's ten and customers)"
    )
    parser.add_argument("--users", type=int, default=50, help="concurrent users per phase")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured time per phase")
    parser.add_argument(
        "--stress-seconds", type=float, default=15.0, help="measured time of the stress phase"
    )
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured time before each phase")
    parser.add_argument(
        "--first-warmup", type=float, default=10.0, help="unmeasured time without pauses before the first"
    )
    parser.add_argument(
        "--think", type=float, default=5.0, help="mean pause of a user between two requests, s (0: none)"
    )
    parser.add_argument("--phase", action="append", choices=PHASES, help="default: all four, in this order")
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "web_load.json")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument("--check", action="store_true", help="exit with status 1 when a target is missed")
    args = parser.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    phases = args.phase or list(PHASES)
    host = machine()

    ledger_path = args.data / f"web-{args.subjects}.db"
    built = build(ledger_path, args.subjects)
    subjects = _live_subjects(ledger_path)
    addresses = _customers(ledger_path, args.users)
    _warm_file(ledger_path)
    print(f"ledger: {len(subjects):,} people; {ledger_path.stat().st_size / 1e9:.2f} GB", flush=True)
    if len(subjects) != args.subjects:
        print(f"  note: {len(subjects):,} people, not {args.subjects:,} (the demo's fixed people changed?)")

    catcher = CodeCatcher()
    smtp = Controller(catcher, hostname=HOST, port=free_port())
    smtp.start()
    try:
        server = Server(ledger_path, KEY, smtp.port, args.data / "web_load-server.log")
    except BaseException:
        smtp.stop()
        raise
    clients: list[Client] = []
    results: dict[str, Any] = {}
    try:
        server.wait_ready()
        print(f"server: auskunft serve on {HOST}:{server.port}, pid {server.process.pid}", flush=True)
        started = time.perf_counter()
        n_agents = max(int(args.users * AGENTS_SHARE[p]) for p in phases)
        agents = [sign_in_agent(server.port) for _ in range(n_agents)]
        marker = MARKERS["portal_answer_page"]
        customers = [sign_in_customer(server.port, catcher, a, marker) for a in addresses]
        clients = [c for c, _ in agents] + customers
        print(
            f"sessions: {len(agents)} agent logins, {len(customers)} customers signed in by code "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        print(f"warm-up: {args.users} users without pause for {args.first_warmup:g} s", flush=True)
        run_phase(team("stress", args.users, agents, customers, subjects), 0, args.first_warmup, 0, seed=99)
        for n, phase in enumerate(phases):
            users = team(phase, args.users, agents, customers, subjects)
            think, seconds = (0.0, args.stress_seconds) if phase == "stress" else (args.think, args.seconds)
            reconnects_before = sum(u.client.reconnects for u in users)
            cpu_before, wall_before = server.cpu_seconds(), time.perf_counter()
            samples = run_phase(users, seconds, args.warmup, think, seed=n + 1)
            cpu = server.cpu_seconds() - cpu_before
            wall = time.perf_counter() - wall_before
            pages = summarise(samples, seconds)
            requests = sum(p["requests"] for p in pages.values())
            results[phase] = {
                "judged": phase != "stress",
                "think_seconds_mean": think,
                "seconds": seconds,
                "users": {p: sum(u.page == p for u in users) for p in sorted({u.page for u in users})},
                "pages": pages,
                "reconnects_after_keep_alive_timeout": sum(u.client.reconnects for u in users)
                - reconnects_before,
                "load_average_1min_at_end": round(os.getloadavg()[0], 2),
                "server_cpu_cores": round(cpu / wall, 2),
                "server_cpu_ms_per_request": round(1000 * cpu / max(1, requests) * seconds / wall, 2),
            }
            _print_phase(phase, results[phase])
    finally:
        for client in clients:
            client.close()
        server.stop()
        smtp.stop()

    targets = verdict(results)
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": host,
        "setup": {
            "subjects": args.subjects,
            "people_in_ledger": len(subjects),
            "ledger": built,
            "users": args.users,
            "warmup_seconds": args.warmup,
            "first_warmup_seconds": args.first_warmup,
            "server": "auskunft serve: one uvicorn worker (h11), SQLite, AUSKUNFT_COOKIE_SECURE=false",
        },
        "phases": results,
        "targets": targets,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for page, t in targets.items():
        print(
            f"target {page}: p95 server {t['worst_p95_server_ms']} ms (< {t['target_p95_server_ms']:g}), "
            f"{t['errors']} errors -> {'MET' if t['met'] else 'MISSED'}",
            flush=True,
        )
    if not args.no_docs:
        write_markdown(result, ROOT.parent / "docs" / "benchmarks.md")
    print(f"-> {args.out}", flush=True)
    return 1 if args.check and not all(t["met"] for t in targets.values()) else 0


def _print_phase(phase: str, result: dict[str, Any]) -> None:
    print(
        f"phase {phase}: users {result['users']}, think {result['think_seconds_mean']:g} s, "
        f"server CPU {result['server_cpu_cores']} cores, "
        f"{result['server_cpu_ms_per_request']} ms per request",
        flush=True,
    )
    for page, p in result["pages"].items():
        s, c = p["server_ms"], p["client_ms"]
        print(
            f"  {page}: {p['requests']} requests ({p['requests_per_second']}/s), {p['errors']} errors; "
            f"server p50/p95/p99 {s['p50']}/{s['p95']}/{s['p99']} ms; "
            f"client {c['p50']}/{c['p95']}/{c['p99']} ms",
            flush=True,
        )


# -- docs/benchmarks.md ----------------------------------------------------------------------------
BEGIN, END = "<!-- web-load:begin -->", "<!-- web-load:end -->"
LABELS = {"console_customer_view": "console customer view", "portal_answer_page": "portal answer page"}


def table(result: dict[str, Any]) -> str:
    rows = [
        "| phase | page | users | think s | requests/s | errors | server p50 / p95 / p99 ms "
        "| client p50 / p95 / p99 ms | p95 target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for phase, p in result["phases"].items():
        for page, r in p["pages"].items():
            s, c = r["server_ms"], r["client_ms"]
            met = "met" if s["p95"] < TARGETS_MS[page] and not r["errors"] else "**missed**"
            judged = f"< {TARGETS_MS[page]:g} ms: {met}" if p["judged"] else "(capacity, not judged)"
            rows.append(
                f"| {phase} | {LABELS[page]} | {p['users'][page]} | {p['think_seconds_mean']:g} "
                f"| {r['requests_per_second']} "
                f"| {r['errors']} "
                f"| {s['p50']} / **{s['p95']}** / {s['p99']} | {c['p50']} / {c['p95']} / {c['p99']} "
                f"| {judged} |"
            )
    m, setup = result["machine"], result["setup"]
    cpu = ", ".join(
        f"{phase} {p['server_cpu_cores']} cores ({p['server_cpu_ms_per_request']} ms per request)"
        for phase, p in result["phases"].items()
    )
    rows += [
        "",
        f"Measured {result['measured_at'][:10]} on {m['cpu']} ({m['cores']} cores, load average "
        f"{m['load_average_at_start'][0]} at the start), Python {m['python']}, SQLite {m['sqlite']}; "
        f"{setup['people_in_ledger']:,} people; each phase measured after {setup['warmup_seconds']:g} s "
        f"warm-up; CPU of the server process: {cpu}.",
    ]
    return "\n".join(rows)


def write_markdown(result: dict[str, Any], doc: Path) -> None:
    text = doc.read_text()
    if BEGIN not in text:
        return
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    doc.write_text(f"{head}{BEGIN}\n{table(result)}\n{END}{tail}")


if __name__ == "__main__":
    raise SystemExit(main())
