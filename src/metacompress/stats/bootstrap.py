"""Percentile bootstrap confidence intervals, seeded, plain, paired and clustered.

Percentile bootstrap (Efron & Tibshirani 1993, ch. 13): draw B resamples of the data with
replacement, compute the statistic on each, and report the alpha/2 and 1 - alpha/2 quantiles
of those B values (alpha = 1 - confidence) around the statistic of the original data.

- Paired: several arrays (e.g. teacher-correct and student-correct per input) are resampled
  with the same indices, so a statistic of their difference keeps the pairing.
- Clustered: when rows are not independent (several follow-ups of one example), whole clusters
  (example ids) are resampled with replacement and every row of a drawn cluster comes along
  (the cluster bootstrap of Davison & Hinkley 1997, section 3.8).
- Ratio: for a rate sum(numerator) / sum(denominator) (violations / applicable) the same
  resampling is done on per-cluster sums, which is exact and fast.
- Ratio difference: two such rates carried by the same rows (a follow-up pair's verdict and
  its source pair's), resampled together, for the paired interval of their difference.
- Weighted: a statistic that accepts row weights (how often each row was drawn) is given the
  weights of each resample instead of copies of the rows; the same draws as `bootstrap_ci`.

Resamples whose statistic is NaN (e.g. a ratio with nothing applicable) are left out of the
quantiles; with no data or no finite resample the interval is NaN.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

#: Resamples drawn per block at most, and indices per block at most: a block of b resamples
#: of n rows holds b * n indices, so large data gets fewer resamples per block and memory stays
#: bounded. Splitting the draws into blocks does not change them (the generator's stream is
#: continuous), so intervals do not depend on the block size.
_BLOCK = 128
_BLOCK_INDICES = 1 << 18


@dataclass(frozen=True)
class Interval:
    """A statistic of the data with its percentile bootstrap interval."""

    estimate: float
    low: float
    high: float
    confidence: float
    n_boot: int


def _check(n_boot: int, confidence: float) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 1:
        raise ValueError(f"n_boot must be an integer >= 1, got {n_boot!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")


def _interval(estimate: float, replicates: np.ndarray, confidence: float, n_boot: int) -> Interval:
    finite = replicates[np.isfinite(replicates)]
    if finite.size == 0:
        return Interval(float(estimate), float("nan"), float("nan"), confidence, n_boot)
    alpha = 1.0 - confidence
    low, high = np.quantile(finite, [alpha / 2, 1 - alpha / 2])
    return Interval(float(estimate), float(low), float(high), confidence, n_boot)


def _nan_interval(confidence: float, n_boot: int) -> Interval:
    return Interval(float("nan"), float("nan"), float("nan"), confidence, n_boot)


def _resample_blocks(n: int, n_boot: int, seed: int) -> Iterator[np.ndarray]:
    """(b, n) blocks of indices in 0..n-1 drawn with replacement, B rows in all."""
    rng = np.random.default_rng(seed)
    done = 0
    per_block = max(1, min(_BLOCK, _BLOCK_INDICES // max(n, 1)))
    while done < n_boot:
        size = min(per_block, n_boot - done)
        yield rng.integers(0, n, size=(size, n))
        done += size


def _clusters(clusters: Sequence[object] | np.ndarray, n: int) -> np.ndarray:
    """Cluster number of each row, numbered in order of first appearance."""
    ids = np.asarray(clusters, dtype=object)
    if ids.shape != (n,):
        raise ValueError(f"clusters must have one entry per row ({n}), got shape {ids.shape}")
    numbers: dict[object, int] = {}
    return np.array([numbers.setdefault(c, len(numbers)) for c in ids], dtype=int)


def bootstrap_ci(
    statistic: Callable[..., float],
    *arrays: np.ndarray,
    clusters: Sequence[object] | np.ndarray | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Percentile interval of `statistic(*arrays)`; all arrays are resampled with the same rows.

    Without `clusters` rows are resampled independently; with `clusters` (one id per row) whole
    clusters are, clusters numbered in order of first appearance.
    """
    _check(n_boot, confidence)
    if not arrays:
        raise ValueError("bootstrap_ci needs at least one array")
    arrays = tuple(np.asarray(a) for a in arrays)
    n = len(arrays[0])
    if any(len(a) != n for a in arrays):
        raise ValueError(f"arrays differ in length: {[len(a) for a in arrays]}")
    if n == 0:
        return _nan_interval(confidence, n_boot)
    estimate = float(statistic(*arrays))
    if clusters is None:
        replicates = [
            float(statistic(*(a[rows] for a in arrays)))
            for block in _resample_blocks(n, n_boot, seed)
            for rows in block
        ]
        return _interval(estimate, np.array(replicates), confidence, n_boot)
    cluster_of = _clusters(clusters, n)
    order = np.argsort(cluster_of, kind="stable")
    starts = np.searchsorted(cluster_of[order], np.arange(cluster_of.max() + 1))
    members = np.split(order, starts[1:])
    replicates = []
    for block in _resample_blocks(len(members), n_boot, seed):
        for drawn in block:
            rows = np.concatenate([members[c] for c in drawn])
            replicates.append(float(statistic(*(a[rows] for a in arrays))))
    return _interval(estimate, np.array(replicates), confidence, n_boot)


def weighted_bootstrap_ci(
    statistic: Callable[[np.ndarray], float],
    n: int,
    *,
    clusters: Sequence[object] | np.ndarray | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Percentile interval of `statistic(weights)` over n rows, each resample given as row
    weights (the number of times each row's cluster was drawn); the estimate is
    statistic(ones). Equal to `bootstrap_ci` of the same statistic on copied rows. A
    `statistic` with a `many` attribute gets the resamples a block at a time:
    `statistic.many(weights (b, n)) -> (b,)` values, the same as row by row."""
    _check(n_boot, confidence)
    if n == 0:
        return _nan_interval(confidence, n_boot)
    cluster_of = np.arange(n) if clusters is None else _clusters(clusters, n)
    n_clusters = int(cluster_of.max()) + 1
    estimate = float(statistic(np.ones(n)))
    many = getattr(statistic, "many", None)
    replicates: list[float] = []
    for block in _resample_blocks(n_clusters, n_boot, seed):
        offsets = (np.arange(len(block)) * n_clusters)[:, None]
        times = np.bincount((block + offsets).ravel(), minlength=len(block) * n_clusters)
        weights = times.reshape(len(block), n_clusters)[:, cluster_of].astype(float)
        if many is not None:
            replicates.extend(float(v) for v in many(weights))
        else:
            replicates.extend(float(statistic(w)) for w in weights)
    return _interval(estimate, np.array(replicates), confidence, n_boot)


def paired_bootstrap_ci(
    a: np.ndarray,
    b: np.ndarray,
    statistic: Callable[[np.ndarray], float] = np.mean,
    *,
    clusters: Sequence[object] | np.ndarray | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Interval of statistic(a) - statistic(b), a and b resampled with the same rows."""
    return bootstrap_ci(
        lambda x, y: statistic(x) - statistic(y),
        a,
        b,
        clusters=clusters,
        n_boot=n_boot,
        confidence=confidence,
        seed=seed,
    )


def _cluster_sums(
    columns: Sequence[np.ndarray], clusters: Sequence[object] | np.ndarray | None
) -> list[np.ndarray]:
    """Per-cluster sums of each (n,) column (each row its own cluster without `clusters`)."""
    columns = [np.asarray(c, dtype=float) for c in columns]
    shapes = {c.shape for c in columns}
    if len(shapes) != 1 or columns[0].ndim != 1:
        raise ValueError(f"expected (n,) arrays of one shape, got {[c.shape for c in columns]}")
    n = columns[0].size
    cluster_of = np.arange(n) if clusters is None else _clusters(clusters, n)
    return [np.bincount(cluster_of, weights=c, minlength=cluster_of.max(initial=-1) + 1)
            for c in columns]  # fmt: skip


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den along the last axis' sums, NaN where the denominator is 0."""
    d = den.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(d > 0, num.sum(axis=-1) / d, np.nan)


def ratio_bootstrap_ci(
    numerator: np.ndarray,
    denominator: np.ndarray,
    *,
    clusters: Sequence[object] | np.ndarray | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Interval of sum(numerator) / sum(denominator), optionally clustered.

    Rows are summed per cluster first (each row is its own cluster without `clusters`), and
    clusters are resampled: the same draws as `bootstrap_ci` with the ratio statistic.
    """
    _check(n_boot, confidence)
    num, den = _cluster_sums((numerator, denominator), clusters)
    if num.size == 0:
        return _nan_interval(confidence, n_boot)
    estimate = float(_ratio(num, den))
    replicates = [
        _ratio(num[block], den[block]) for block in _resample_blocks(num.size, n_boot, seed)
    ]
    return _interval(estimate, np.concatenate(replicates), confidence, n_boot)


def ratio_difference_bootstrap_ci(
    numerator_a: np.ndarray,
    denominator_a: np.ndarray,
    numerator_b: np.ndarray,
    denominator_b: np.ndarray,
    *,
    clusters: Sequence[object] | np.ndarray | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Interval of sum(num_a)/sum(den_a) - sum(num_b)/sum(den_b), paired and clustered.

    Row i carries both rates' terms (e.g. a follow-up pair's verdict and its source pair's), and
    one draw of clusters resamples both, so the interval keeps the pairing; the same draws as
    `ratio_bootstrap_ci`.
    """
    _check(n_boot, confidence)
    sums = _cluster_sums((numerator_a, denominator_a, numerator_b, denominator_b), clusters)
    num_a, den_a, num_b, den_b = sums
    if num_a.size == 0:
        return _nan_interval(confidence, n_boot)
    estimate = float(_ratio(num_a, den_a) - _ratio(num_b, den_b))
    replicates = [
        _ratio(num_a[block], den_a[block]) - _ratio(num_b[block], den_b[block])
        for block in _resample_blocks(num_a.size, n_boot, seed)
    ]
    return _interval(estimate, np.concatenate(replicates), confidence, n_boot)
