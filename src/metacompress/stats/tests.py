"""Paired significance tests.

Exact McNemar test. For two classifiers judged on the same n inputs, let b count the inputs the
first gets right and the second wrong, and c the reverse (the discordant pairs). Under H0 (both
are equally accurate) b ~ Binomial(b + c, 1/2), and the two-sided exact p-value is

    p = min(1, 2 * P[X <= min(b, c)]),   X ~ Binomial(b + c, 1/2),

which is what a two-sided exact binomial test of b successes in b + c trials at 1/2 gives
(the binomial at 1/2 is symmetric). With no discordant pair there is no evidence of a
difference: p = 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import binom


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
    p = 1.0 if n == 0 else min(1.0, 2.0 * float(binom.cdf(min(b, c), n, 0.5)))
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
