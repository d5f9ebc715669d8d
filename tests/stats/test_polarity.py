"""Inverted class polarity: the one-sided binomial rule against an independent reference."""

from __future__ import annotations

import pytest
from scipy.stats import binomtest

from metacompress.stats.polarity import INVERTED_P_VALUE, inverted_p_value, looks_inverted


@pytest.mark.parametrize(
    ("accuracy", "n"), [(0.0, 8), (0.25, 40), (0.4, 100), (0.5, 10), (0.9, 30)]
)
def test_the_p_value_is_the_one_sided_exact_binomial_test(accuracy, n):
    reference = binomtest(round(accuracy * n), n, 0.5, alternative="less").pvalue
    assert inverted_p_value(accuracy, n) == pytest.approx(reference, rel=1e-12)


def test_inverted_needs_accuracy_below_half_and_a_small_p_value():
    assert looks_inverted(0.0, 8)  # p = 1/256
    assert not looks_inverted(0.0, 6)  # p = 1/64 > 0.01: too few examples to accuse
    assert looks_inverted(0.45, 1000)  # p = 0.0009: slightly below half, but on many examples
    assert inverted_p_value(0.45, 1000) < INVERTED_P_VALUE
    assert not looks_inverted(0.6, 1000) and not looks_inverted(None, 10)
    assert not looks_inverted(0.3, 0)
