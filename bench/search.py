"""`python -m bench.search`: quality and speed of the search against the FTS5 baseline.

Corpus: the five laws in German and English (articles, §§, recitals — from the legal-article store when the
importer is installed, else from the reference files in ../shared/legal) and the demo company's FAQ.
Query sets: our evaluation set (bench/search_eval.yaml; German and English, legal and FAQ) and the
development probe of ../shared/search/cs_faq_de_probe.json (25 FAQ entries of another shop, searched among
the legal texts with `kind=faq`), reported separately. For each engine: MRR@10, nDCG@10 and the latency of
a query (p50/p95, after a warm-up), plus the ablation — the engine with one analysis step switched off.
Results go to bench/results/search.json and the Search section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from auskunft.demo.faq import demo_faq
from auskunft.knowledge.faq.model import FaqArticle
from auskunft.knowledge.search.document import SearchDocument, from_legal
from auskunft.knowledge.search.engine import SearchEngine
from auskunft.knowledge.search.features import Features
from auskunft.knowledge.search.service import from_faq
from bench.search_baseline import Fts5Baseline
from bench.search_data import SHARED, reference_articles
from bench.search_metrics import ndcg, percentile, reciprocal_rank
from bench.search_report import write_section

ROOT = Path(__file__).resolve().parent
EVAL = ROOT / "search_eval.yaml"
PROBE = SHARED / "search" / "cs_faq_de_probe.json"
Search = Callable[[str, str, str | None], list[str]]
"""(query, language, kind) → document keys, best first."""


def faq_documents() -> list[SearchDocument]:
    now = datetime.now(UTC)
    return [
        from_faq(FaqArticle(n, e.slug, e.language, e.category, e.title, e.body, e.citations, True, now, now))
        for n, e in enumerate(demo_faq(), start=1)
    ]


def legal_documents() -> tuple[list[SearchDocument], str]:
    """The legal texts as the product imports them (the official samples), else the reference JSONL."""
    try:
        from auskunft.knowledge.legal.sources import load, read_paths

        articles = load(read_paths([SHARED / "legal" / "official"])[0]).articles
        source = "official samples through the importer (../shared/legal/official)"
    except ImportError:
        articles = list(reference_articles())
        source = "reference JSONL (../shared/legal)"
    return [from_legal(a) for a in articles if not a.repealed], source


def probe() -> tuple[list[SearchDocument], list[dict[str, Any]]]:
    data = json.loads(PROBE.read_text("utf-8"))
    docs = [
        SearchDocument(
            key=d["id"], kind="faq", language="de", title=d["title"], body=d["answer"], slug=d["id"]
        )
        for d in data["docs"]
    ]
    queries = [{"q": q["query"], "lang": "de", "kind": "faq", "relevant": [q["relevant"]],
                "probe": q["probe"]}
               for q in data["queries"]]  # fmt: skip
    return docs, queries


def evaluate(search: Search, queries: Sequence[dict[str, Any]]) -> dict[str, Any]:
    rr: list[float] = []
    gains: list[float] = []
    by_probe: dict[str, list[float]] = defaultdict(list)
    misses = []
    for query in queries:
        ranked = search(query["q"], query["lang"], query.get("kind"))
        r = reciprocal_rank(ranked, query["relevant"])
        rr.append(r)
        gains.append(ndcg(ranked, query["relevant"]))
        by_probe[query["probe"]].append(r)
        if r < 1:
            misses.append(
                {"q": query["q"], "want": query["relevant"][0], "got": ranked[:3], "rr": round(r, 2)}
            )
    return {
        "queries": len(queries),
        "mrr": round(sum(rr) / len(rr), 3),
        "ndcg10": round(sum(gains) / len(gains), 3),
        "mrr_by_probe": {k: round(sum(v) / len(v), 3) for k, v in sorted(by_probe.items())},
        "not_first": misses,
    }


def latency(search: Search, queries: Sequence[dict[str, Any]], rounds: int) -> dict[str, float]:
    for query in queries:  # warm-up: caches of the analyzers
        search(query["q"], query["lang"], query.get("kind"))
    timings = []
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter()
            search(query["q"], query["lang"], query.get("kind"))
            timings.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(percentile(timings, 0.5), 3),
        "p95_ms": round(percentile(timings, 0.95), 3),
        "max_ms": round(max(timings), 3),
        "searches": len(timings),
    }


def engine_search(engine: SearchEngine) -> Search:
    def search(query: str, language: str, kind: str | None) -> list[str]:
        hits = engine.search(
            query, language="en" if language == "en" else "de", kind="faq" if kind == "faq" else None
        )
        return [h.document.key for h in hits]

    return search


def baseline_search(baseline: Fts5Baseline) -> Search:
    def search(query: str, language: str, kind: str | None) -> list[str]:
        return [d.key for d in baseline.search(query, kind=kind, language=language)]

    return search


def run(rounds: int, ablation: bool) -> dict[str, Any]:
    legal, legal_source = legal_documents()
    faq = faq_documents()
    own = yaml.safe_load(EVAL.read_text("utf-8"))["queries"]
    probe_docs, probe_queries = probe()
    sets = {
        "own_de": ([q for q in own if q["lang"] == "de"], legal + faq),
        "own_en": ([q for q in own if q["lang"] == "en"], legal + faq),
        "own": (own, legal + faq),
        "probe": (probe_queries, legal + probe_docs),
    }
    corpora: dict[int, tuple[SearchEngine, Fts5Baseline, float]] = {}
    results: dict[str, Any] = {}
    for name, (queries, docs) in sets.items():
        if id(docs) not in corpora:
            started = time.perf_counter()
            engine = SearchEngine(docs)
            built = time.perf_counter() - started
            corpora[id(docs)] = (engine, Fts5Baseline(docs), built)
        engine, baseline, build = corpora[id(docs)]
        results[name] = {
            "documents": len(docs),
            "index_build_s": round(build, 2),
            "engine": evaluate(engine_search(engine), queries)
            | latency(engine_search(engine), queries, rounds),
            "baseline": evaluate(baseline_search(baseline), queries)
            | latency(baseline_search(baseline), queries, rounds),
        }
        e, b = results[name]["engine"], results[name]["baseline"]
        print(
            f"{name:>7}: {len(queries):>3} queries  engine MRR {e['mrr']:.3f} nDCG@10 {e['ndcg10']:.3f} "
            f"p95 {e['p95_ms']:.2f} ms | baseline MRR {b['mrr']:.3f} nDCG@10 {b['ndcg10']:.3f} "
            f"p95 {b['p95_ms']:.2f} ms",
            flush=True,
        )
    if ablation:
        results["ablation"] = {}
        for feature in (f.name for f in fields(Features)):
            switched = replace(Features(), **{feature: False})
            row = {}
            for name in ("own", "probe"):
                queries, docs = sets[name]
                row[name] = evaluate(engine_search(SearchEngine(docs, switched)), queries)["mrr"]
            results["ablation"][feature] = row
            print(f"  without {feature:<10} MRR own {row['own']:.3f}  probe {row['probe']:.3f}", flush=True)
    for _, baseline, _ in corpora.values():
        baseline.close()
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version},
        "legal_source": legal_source,
        "rounds": rounds,
        **results,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="latency: times each query is run")
    parser.add_argument("--no-ablation", action="store_true", help="skip the runs with one step switched off")
    args = parser.parse_args(argv)
    result = run(args.rounds, not args.no_ablation)
    (ROOT / "results").mkdir(exist_ok=True)
    out = ROOT / "results" / "search.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    write_section(out, ROOT.parent / "docs" / "benchmarks.md")
    print(f"-> {out}")


if __name__ == "__main__":
    main()
