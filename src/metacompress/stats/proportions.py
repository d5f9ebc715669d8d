"""Intervals for a rate that never collapse: exact binomial intervals, and the rule that picks
them over the bootstrap.

Clopper-Pearson (1934), for k successes in n trials at confidence 1 - alpha:

    low  = B(alpha/2;     k,     n - k + 1)     (0 when k = 0)
    high = B(1 - alpha/2; k + 1, n - k)         (1 when k = n)

with B(q; a, b) the q-quantile of the Beta(a, b) distribution. Its coverage is at least
1 - alpha for every true rate. Wilson (1927), the score interval,

    (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n),   p = k/n, z = Phi^-1(1 - alpha/2),

is shorter with coverage close to 1 - alpha on average. Both accept a non-integer k (an
effective count, see `rate_interval`) and both stay off [p, p] at p = 0 or 1.

`rate_interval` is the rule every relation rate follows. A rate sum(v) / sum(a) over rows
grouped in clusters (the follow-ups of one example) gets the percentile cluster bootstrap
(`stats.bootstrap.ratio_bootstrap_ci`) when it is safe, and the exact interval otherwise:
when the rate is 0 or 1 (every resample gives the same value, so the percentile interval is
[p, p]) or when fewer than `min_clusters` clusters carry it (too few for the bootstrap's
quantiles to mean much). The exact interval is taken over clusters: n = the number of clusters
with a row in the denominator, k = rate x n. With one row per cluster that is the textbook
interval; with several, it treats each example as one observation of the rate, which is
conservative (the design effect of m rows per cluster is at most m, so the effective sample
size is at least the number of clusters).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from metacompress.stats.bootstrap import ratio_bootstrap_ci
from metacompress.stats.distributions import beta_quantile, normal_quantile

#: Fewer clusters than this carrying a rate: the exact interval instead of the bootstrap.
MIN_CLUSTERS = 30
BOOTSTRAP, CLOPPER_PEARSON, WILSON = "bootstrap", "clopper-pearson", "wilson"


def _check(successes: float, n: float, confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"expected 0 <= successes <= n, got successes={successes}, n={n}")


def clopper_pearson(successes: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """The exact (Clopper-Pearson) interval of successes / n; (NaN, NaN) for n = 0."""
    _check(successes, n, confidence)
    if n == 0:
        return float("nan"), float("nan")
    alpha = 1.0 - confidence
    low = 0.0 if successes <= 0 else beta_quantile(alpha / 2, successes, n - successes + 1)
    high = 1.0 if successes >= n else beta_quantile(1 - alpha / 2, successes + 1, n - successes)
    return low, high


def wilson(successes: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of successes / n; (NaN, NaN) for n = 0."""
    _check(successes, n, confidence)
    if n == 0:
        return float("nan"), float("nan")
    z = normal_quantile(1 - (1.0 - confidence) / 2)
    p = successes / n
    centre = p + z * z / (2 * n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    low = 0.0 if successes <= 0 else max(0.0, float((centre - half) / scale))
    high = 1.0 if successes >= n else min(1.0, float((centre + half) / scale))
    return low, high


@dataclass(frozen=True)
class RateInterval:
    """A rate, its interval, how the interval was made, and what carries the rate.

    `rate` is NaN (and the interval too) when nothing is in the denominator: the rate is
    undefined, not 0.
    """

    rate: float
    low: float
    high: float
    method: str
    numerator: float
    denominator: float
    n_clusters: int
    confidence: float


def rate_interval(
    numerator: np.ndarray,
    denominator: np.ndarray,
    clusters: Sequence[object] | np.ndarray | None = None,
    *,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    min_clusters: int = MIN_CLUSTERS,
) -> RateInterval:
    """sum(numerator) / sum(denominator) with the interval chosen by the module's rule.

    Rows are, e.g., (violated, applicable) flags of (source, follow-up) pairs; `clusters` the
    example id of each row (each row its own cluster when None).
    """
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    if numerator.shape != denominator.shape or numerator.ndim != 1:
        raise ValueError(
            f"expected two (n,) arrays of one shape, got {numerator.shape} and {denominator.shape}"
        )
    ids = np.arange(numerator.size) if clusters is None else np.asarray(clusters, dtype=object)
    if ids.shape != numerator.shape:
        raise ValueError(f"clusters must have one entry per row ({numerator.size})")
    total, hits = float(denominator.sum()), float(numerator.sum())
    carried = denominator > 0
    n_clusters = len(set(ids[carried].tolist()))
    if total == 0:
        nan = float("nan")
        return RateInterval(nan, nan, nan, CLOPPER_PEARSON, hits, total, 0, confidence)
    rate = hits / total
    if rate in (0.0, 1.0) or n_clusters < min_clusters:
        low, high = clopper_pearson(rate * n_clusters, n_clusters, confidence)
        return RateInterval(rate, low, high, CLOPPER_PEARSON, hits, total, n_clusters, confidence)
    boot = ratio_bootstrap_ci(
        numerator, denominator, clusters=ids, n_boot=n_boot, confidence=confidence, seed=seed
    )
    return RateInterval(rate, boot.low, boot.high, BOOTSTRAP, hits, total, n_clusters, confidence)
