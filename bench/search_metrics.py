"""Ranking measures of the search benchmark: MRR@10 and nDCG@10 with graded relevance."""

from __future__ import annotations

import math
from collections.abc import Sequence


def grades(relevant: Sequence[str]) -> dict[str, int]:
    """The first relevant document answers best (grade 2), the others help (grade 1)."""
    return {key: 2 if n == 0 else 1 for n, key in enumerate(relevant)}


def reciprocal_rank(ranked: Sequence[str], relevant: Sequence[str], k: int = 10) -> float:
    for n, key in enumerate(ranked[:k], start=1):
        if key in relevant:
            return 1 / n
    return 0.0


def ndcg(ranked: Sequence[str], relevant: Sequence[str], k: int = 10) -> float:
    gain = grades(relevant)
    dcg = sum((2 ** gain.get(key, 0) - 1) / math.log2(n + 1) for n, key in enumerate(ranked[:k], start=1))
    ideal = sorted(gain.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(n + 1) for n, g in enumerate(ideal, start=1))
    return dcg / best if best else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
