"""Paired significance tests: the exact McNemar test, and Obuchowski's test for clustered pairs.

Exact McNemar test. For two classifiers judged on the same n inputs, let b count the inputs the
first gets right and the second wrong, and c the reverse (the discordant pairs). Under H0 (both
are equally accurate) b ~ Binomial(b + c, 1/2), and the two-sided exact p-value is

    p = min(1, 2 * P[X <= min(b, c)]),   X ~ Binomial(b + c, 1/2),

which is what a two-sided exact binomial test of b successes in b + c trials at 1/2 gives
(the binomial at 1/2 is symmetric). With no discordant pair there is no evidence of a
difference: p = 1.

Clustered McNemar test (Obuchowski 1998, "On the comparison of correlated proportions for
clustered data", Stat. Med. 17). When the n paired inputs fall in K clusters (the follow-ups of
one example), McNemar's independence assumption fails. With x_jk the successes of classifier j
among the n_k inputs of cluster k, N = sum_k n_k and p_j = sum_k x_jk / N,

    var(p_j)     = K / ((K - 1) N^2) sum_k (x_jk - n_k p_j)^2
    cov(p_1,p_2) = K / ((K - 1) N^2) sum_k (x_1k - n_k p_1)(x_2k - n_k p_2)
    X^2          = (p_1 - p_2)^2 / (var(p_1) + var(p_2) - 2 cov(p_1, p_2))  ~  chi^2(1),

the ratio-estimator variance of each proportion, with no assumption on how the inputs of a
cluster correlate. With one input per cluster (K = n) it is
X^2 = (n - 1)(b - c)^2 / (n (b + c) - (b - c)^2), which tends to McNemar's (b - c)^2 / (b + c).
It needs K >= 2 (else NaN); with zero variance (no discordance) p = 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metacompress.stats.distributions import binomial_cdf, chi2_sf


@dataclass(frozen=True)
class McNemarResult:
    """Discordant counts (b: first right, second wrong; c: the reverse) and the exact p-value."""

    b: int
    c: int
    p_value: float

    @property
    def n_discordant(self) -> int:
        return self.b + self.c


def mcnemar_exact_counts(b: int, c: int) -> McNemarResult:
    """The exact McNemar test from the two discordant counts."""
    if b < 0 or c < 0:
        raise ValueError(f"discordant counts must be >= 0, got b={b}, c={c}")
    n = b + c
    p = 1.0 if n == 0 else min(1.0, 2.0 * binomial_cdf(min(b, c), n, 0.5))
    return McNemarResult(int(b), int(c), p)


def mcnemar_exact(correct_a: np.ndarray, correct_b: np.ndarray) -> McNemarResult:
    """The exact McNemar test of two (n,) correctness arrays, paired per input."""
    correct_a = np.asarray(correct_a, dtype=bool)
    correct_b = np.asarray(correct_b, dtype=bool)
    if correct_a.shape != correct_b.shape or correct_a.ndim != 1:
        raise ValueError(
            f"expected two (n,) arrays of one shape, got {correct_a.shape} and {correct_b.shape}"
        )
    return mcnemar_exact_counts(
        int(np.sum(correct_a & ~correct_b)), int(np.sum(~correct_a & correct_b))
    )


@dataclass(frozen=True)
class ClusteredMcNemarResult:
    """Obuchowski's clustered McNemar test: proportions, discordant counts, chi-square, p."""

    proportion_a: float
    proportion_b: float
    b: int
    c: int
    n_clusters: int
    statistic: float
    p_value: float


def mcnemar_clustered(
    correct_a: np.ndarray, correct_b: np.ndarray, clusters: np.ndarray | list
) -> ClusteredMcNemarResult:
    """Obuchowski's test of two (n,) correctness arrays paired per input, inputs in clusters."""
    correct_a = np.asarray(correct_a, dtype=bool)
    correct_b = np.asarray(correct_b, dtype=bool)
    ids = np.asarray(clusters, dtype=object)
    if correct_a.shape != correct_b.shape or correct_a.ndim != 1 or ids.shape != correct_a.shape:
        raise ValueError(
            f"expected three (n,) arrays of one shape, got {correct_a.shape}, "
            f"{correct_b.shape} and {ids.shape}"
        )
    b = int(np.sum(correct_a & ~correct_b))
    c = int(np.sum(~correct_a & correct_b))
    _, cluster_of = np.unique(ids.astype(str), return_inverse=True)
    k = int(cluster_of.max(initial=-1)) + 1
    n = correct_a.size
    if k < 2:
        nan = float("nan")
        p_a = float(correct_a.mean()) if n else nan
        p_b = float(correct_b.mean()) if n else nan
        return ClusteredMcNemarResult(p_a, p_b, b, c, k, nan, nan)
    sizes = np.bincount(cluster_of, minlength=k)
    x_a = np.bincount(cluster_of, weights=correct_a.astype(float), minlength=k)
    x_b = np.bincount(cluster_of, weights=correct_b.astype(float), minlength=k)
    p_a, p_b = x_a.sum() / n, x_b.sum() / n
    d = (x_a - sizes * p_a) - (x_b - sizes * p_b)
    variance = k / ((k - 1) * n * n) * float(np.sum(d * d))
    if variance <= 0:
        return ClusteredMcNemarResult(float(p_a), float(p_b), b, c, k, 0.0, 1.0)
    statistic = float((p_a - p_b) ** 2 / variance)
    return ClusteredMcNemarResult(
        float(p_a), float(p_b), b, c, k, statistic, chi2_sf(statistic, 1)
    )
