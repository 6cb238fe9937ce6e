"""Time to close as a histogram: percentiles of any period and any set of akimats from summed counts.

Exact percentiles would sort every closed appeal of the period at request time (slower with every
akimat added); summed bucket counts cost the same for 14 akimats or 200. Bucket edges grow by 2^(1/4)
(19%) from 15 minutes to 143 days, so an estimate lies in the same bucket as the exact value (the
nearest-rank percentile of the same appeals): off by less than the bucket's width.
"""

from __future__ import annotations

import math
from bisect import bisect_right

FIRST_EDGE_SECONDS = 900.0
# 56 edges -> 57 buckets: [0, 15 min), [15 min, 17.8 min), ..., [143 days, ∞).
EDGES_SECONDS: tuple[float, ...] = tuple(FIRST_EDGE_SECONDS * 2 ** (i / 4) for i in range(56))
BUCKETS = len(EDGES_SECONDS) + 1
COLUMNS: tuple[str, ...] = tuple(f"h{i:02d}" for i in range(BUCKETS))


def bucket_of(seconds: float) -> int:
    """Index of the bucket holding a duration (PostgreSQL's width_bucket with the same edges agrees)."""
    return bisect_right(EDGES_SECONDS, seconds)


def bounds(index: int) -> tuple[float, float | None]:
    """[lower, upper) of a bucket in seconds; the last one has no upper edge."""
    lower = 0.0 if index == 0 else EDGES_SECONDS[index - 1]
    upper = EDGES_SECONDS[index] if index < len(EDGES_SECONDS) else None
    return lower, upper


def percentile_seconds(counts: list[int], share: float) -> float | None:
    """The `share` percentile (0 < share <= 1) by nearest rank, interpolated inside its bucket."""
    total = sum(counts)
    if total == 0:
        return None
    rank = max(1, math.ceil(share * total))
    seen = 0
    for index, count in enumerate(counts):
        if count and seen + count >= rank:
            lower, upper = bounds(index)
            if upper is None:
                return lower
            return lower + (upper - lower) * (rank - seen - 0.5) / count
        seen += count
    raise AssertionError("unreachable: the rank is within the total")
