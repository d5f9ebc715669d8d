"""Aggregate numbers of a deviation search over many sources.

- searched = sources on which the models agreed and a search ran (not skipped);
- found share = found / searched: the share of sources with a triggering input;
- median queries = the median, over sources with a triggering input, of the queries spent up
  to the first one (the source's own query included);
- queries per triggering input = all queries spent on searched sources / found (DFlare's
  efficiency measure: it charges the failed searches too);
- skip and failure reasons are counted by their part before ": ".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from metacompress.attacks.base import FAILED, SKIPPED
from metacompress.attacks.deviation.result import DeviationResult


@dataclass(frozen=True)
class DeviationSummary:
    """The numbers of the module docstring for one search over many sources."""

    search: str
    sources: int
    searched: int
    found: int
    found_share: float | None
    median_queries: float | None
    queries_per_found: float | None
    mean_queries: float | None
    skipped: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _reasons(results: Sequence[DeviationResult], status: str) -> dict[str, int]:
    counts = Counter(r.reason.split(": ", 1)[0] for r in results if r.status == status)
    return dict(sorted(counts.items()))


def summarize(results: Sequence[DeviationResult]) -> DeviationSummary:
    """The summary of `results` (see the module docstring)."""
    searched = [r for r in results if r.status != SKIPPED]
    found = [r for r in searched if r.found]
    spent = sum(r.queries for r in searched)
    return DeviationSummary(
        search=next((r.search for r in results if r.search), ""),
        sources=len(results),
        searched=len(searched),
        found=len(found),
        found_share=len(found) / len(searched) if searched else None,
        median_queries=float(np.median([r.queries for r in found])) if found else None,
        queries_per_found=spent / len(found) if found else None,
        mean_queries=spent / len(searched) if searched else None,
        skipped=_reasons(results, SKIPPED),
        failed=_reasons(results, FAILED),
    )
