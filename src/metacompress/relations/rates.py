"""A relation's rates on one follow-up set, read against the clean-input baseline.

Every follow-up pair (s_e, f) of example e has a source pair (s_e, s_e): the same relation
between teacher and student on the unmodified input. With a_i, v_i the follow-up pair's
applicable / violated flags and A_i, V_i those of its source pair (repeated for every follow-up
of one example):

- rate       r = sum v_i / sum a_i, the violation rate of the follow-up set;
- source     r_src = sum_i V_i / sum_i A_i over the same follow-up pairs (each source pair
             weighted by its number of follow-ups here), the baseline on the same examples;
- induced    r_ind = sum_i v_i [A_i and not V_i] / sum_i a_i [A_i and not V_i]: violations
             among the pairs whose source pair holds, i.e. the change broke a relation that held
             on the clean input. Pairs whose source pair does not apply (e.g. the teacher is not
             confident on the source for `high-confidence`) are left out: nothing held there to
             be broken. This is the behaviour gap the follow-ups cause;
- difference d = r - r_src, with a paired interval: the follow-up and source verdicts of the
             drawn examples are resampled together (`ratio_difference_bootstrap_ci`).

Rates get the interval rule of `stats.proportions.rate_interval` (cluster bootstrap over
examples; exact Clopper-Pearson over examples when the rate is 0 or 1 or fewer than 30 examples
carry it). The difference gets the paired cluster bootstrap, except where that collapses
(every resample equal) or fewer than 30 examples carry it: then the conservative
[low_r - high_src, high_r - low_src] from the two exact intervals at confidence 1 - alpha/2
each, which covers with probability at least 1 - alpha (Bonferroni).

A rate over no applicable pair is undefined: NaN with a reason (`why_undefined`), never 0.

A set-level relation (`SetRelation`) has one score per set; `set_interval` gives it a
percentile bootstrap interval over examples (rows weighted by how often their example was
drawn, `stats.bootstrap.weighted_bootstrap_ci`), and no interval (NaN bounds) when the set
comes from a single example.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from metacompress.relations.base import OutputPair, SetRelation
from metacompress.stats.bootstrap import (
    Interval,
    ratio_difference_bootstrap_ci,
    weighted_bootstrap_ci,
)
from metacompress.stats.proportions import (
    MIN_CLUSTERS,
    RateInterval,
    clopper_pearson,
    rate_interval,
)

#: Reason of a rate over a set that has no pair at all.
NO_PAIRS = "no pairs in this set"


@dataclass(frozen=True)
class FollowupRates:
    """The rates of one relation on one follow-up set (see the module docstring)."""

    rate: RateInterval
    source: RateInterval
    induced: RateInterval
    difference: Interval
    difference_method: str
    n_pairs: int
    n_examples: int


def align_source(
    source_ids: Sequence[str] | np.ndarray,
    source_applicable: np.ndarray,
    source_violated: np.ndarray,
    followup_ids: Sequence[str] | np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The source pair's (applicable, violated) flags for each follow-up pair, by example id.

    A follow-up whose example has no source verdict gets (False, False): not applicable.
    """
    index = {e: i for i, e in enumerate(np.asarray(source_ids, dtype=object).tolist())}
    rows = np.array([index.get(e, -1) for e in np.asarray(followup_ids, dtype=object).tolist()],
                    dtype=int)  # fmt: skip
    known = rows >= 0
    applicable = np.asarray(source_applicable, dtype=bool)
    violated = np.asarray(source_violated, dtype=bool)
    safe = np.where(known, rows, 0)
    if not applicable.size:
        return np.zeros(rows.size, dtype=bool), np.zeros(rows.size, dtype=bool)
    return known & applicable[safe], known & violated[safe]


def _difference(
    rate: RateInterval,
    source: RateInterval,
    columns: tuple[np.ndarray, ...],
    clusters: np.ndarray,
    n_boot: int,
    confidence: float,
    seed: int,
    min_clusters: int,
) -> tuple[Interval, str]:
    nan = float("nan")
    if np.isnan(rate.rate) or np.isnan(source.rate):
        return Interval(nan, nan, nan, confidence, n_boot), "undefined"
    boot = ratio_difference_bootstrap_ci(
        *columns, clusters=clusters, n_boot=n_boot, confidence=confidence, seed=seed
    )
    carried = min(rate.n_clusters, source.n_clusters)
    if boot.high > boot.low and carried >= min_clusters:
        return boot, "bootstrap"
    each = 1.0 - (1.0 - confidence) / 2
    r_low, r_high = clopper_pearson(rate.rate * rate.n_clusters, rate.n_clusters, each)
    s_low, s_high = clopper_pearson(source.rate * source.n_clusters, source.n_clusters, each)
    estimate = rate.rate - source.rate
    return Interval(
        estimate, r_low - s_high, r_high - s_low, confidence, n_boot
    ), "exact-bonferroni"


def followup_rates(
    applicable: np.ndarray,
    violated: np.ndarray,
    source_applicable: np.ndarray,
    source_violated: np.ndarray,
    example_ids: Sequence[str] | np.ndarray,
    *,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    min_clusters: int = MIN_CLUSTERS,
) -> FollowupRates:
    """Rate, matched source rate, induced rate and difference of one follow-up set.

    All arrays have one entry per follow-up pair; the source flags are those of the pair's
    source pair (`align_source`).
    """
    a = np.asarray(applicable, dtype=bool)
    v = np.asarray(violated, dtype=bool) & a
    src_a = np.asarray(source_applicable, dtype=bool)
    src_v = np.asarray(source_violated, dtype=bool) & src_a
    ids = np.asarray(example_ids, dtype=object)
    if not (a.shape == v.shape == src_a.shape == src_v.shape == ids.shape) or a.ndim != 1:
        raise ValueError("expected (n,) arrays of one shape for flags and example ids")
    options = {"n_boot": n_boot, "confidence": confidence, "seed": seed,
               "min_clusters": min_clusters}  # fmt: skip
    rate = rate_interval(v, a, ids, **options)
    source = rate_interval(src_v, src_a, ids, **options)
    held = a & src_a & ~src_v
    induced = rate_interval(v & held, held, ids, **options)
    difference, method = _difference(
        rate, source, (v, a, src_v, src_a), ids, n_boot, confidence, seed, min_clusters
    )
    return FollowupRates(rate, source, induced, difference, method, int(a.size),
                         len(set(ids.tolist())))  # fmt: skip


def why_undefined(n_pairs: int, applicable: np.ndarray, reasons: Sequence[str]) -> str:
    """Why a rate has no applicable pair: the most common reason the pairs give (with its
    count), or that the set is empty. Empty string when some pair applies."""
    applicable = np.asarray(applicable, dtype=bool)
    if n_pairs == 0:
        return NO_PAIRS
    if applicable.any():
        return ""
    counts = Counter(r for r in reasons if r)
    if not counts:
        return f"the relation applies to none of the {n_pairs} pairs"
    reason, count = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return f"{reason} ({count} of {n_pairs} pairs)"


def set_interval(
    relation: SetRelation,
    pair: OutputPair,
    example_ids: Sequence[str] | np.ndarray,
    *,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    scorer: Callable[[np.ndarray], float] | None = None,
) -> Interval:
    """The set-level score of `relation` on `pair` (exactly `set_score(pair)`) with its
    bootstrap interval over examples. `scorer`: `relation.set_scorer(pair, example_ids)` made
    before, for a set whose bootstrap is drawn more than once (two pools of the same members,
    with their own seeds), so its precomputation is done once."""
    ids = np.asarray(example_ids, dtype=object)
    if ids.shape != (len(pair),):
        raise ValueError(f"example_ids must have one entry per pair ({len(pair)}), got {ids.shape}")
    estimate = float(relation.set_score(pair))
    if len(set(ids.tolist())) < 2:  # one example: every resample is the set itself
        nan = float("nan")
        return Interval(estimate, nan, nan, confidence, n_boot)
    interval = weighted_bootstrap_ci(
        scorer or relation.set_scorer(pair, ids), len(pair),
        clusters=ids, n_boot=n_boot, confidence=confidence, seed=seed,
    )  # fmt: skip
    return dataclasses.replace(interval, estimate=estimate)
