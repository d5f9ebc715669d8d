import numpy as np
import pytest
from scipy.stats import binomtest

from metacompress.stats.bootstrap import ratio_bootstrap_ci
from metacompress.stats.proportions import (
    BOOTSTRAP,
    CLOPPER_PEARSON,
    clopper_pearson,
    rate_interval,
    wilson,
)


@pytest.mark.parametrize("k,n", [(0, 3), (3, 3), (1, 10), (7, 20), (0, 60), (59, 60)])
def test_clopper_pearson_matches_scipy_exact_interval(k, n):
    ci = binomtest(k, n).proportion_ci(0.95, method="exact")
    assert clopper_pearson(k, n) == pytest.approx((ci.low, ci.high))


@pytest.mark.parametrize("k,n", [(0, 3), (3, 3), (1, 10), (7, 20), (12, 40)])
def test_wilson_matches_scipy_score_interval(k, n):
    ci = binomtest(k, n).proportion_ci(0.9, method="wilson")
    assert wilson(k, n, 0.9) == pytest.approx((ci.low, ci.high))


def test_exact_intervals_never_collapse_at_the_boundaries():
    for interval in (clopper_pearson, wilson):
        low, high = interval(0, 3)
        assert low == 0.0 and high > 0.3
        low, high = interval(3, 3)
        assert high == 1.0 and low < 0.7
    assert np.isnan(clopper_pearson(0, 0)[0])
    with pytest.raises(ValueError):
        clopper_pearson(4, 3)


def test_rate_interval_zero_of_three_is_exact_not_a_point():
    result = rate_interval(np.zeros(3), np.ones(3))
    assert result.rate == 0.0 and result.method == CLOPPER_PEARSON
    assert (result.low, result.high) == pytest.approx(clopper_pearson(0, 3))


def test_rate_interval_all_violated_over_many_clusters_is_exact_over_examples():
    ids = np.repeat(np.arange(50), 4)  # 200 pairs from 50 examples
    result = rate_interval(np.ones(200), np.ones(200), ids)
    assert result.rate == 1.0 and result.n_clusters == 50
    assert (result.low, result.high) == pytest.approx(clopper_pearson(50, 50))


def test_rate_interval_few_examples_uses_exact_interval_over_examples():
    ids = np.repeat(np.arange(10), 3)
    violated = np.tile([1.0, 0.0, 0.0], 10)  # rate 1/3 over 10 examples
    result = rate_interval(violated, np.ones(30), ids)
    assert result.method == CLOPPER_PEARSON and result.n_clusters == 10
    assert (result.low, result.high) == pytest.approx(clopper_pearson(10 / 3, 10))


def test_rate_interval_uses_the_cluster_bootstrap_when_safe():
    rng = np.random.default_rng(1)
    ids = np.repeat(np.arange(40), 3)
    applicable = (rng.random(120) < 0.9).astype(float)
    violated = applicable * (rng.random(120) < 0.3)
    result = rate_interval(violated, applicable, ids, n_boot=300, seed=2)
    boot = ratio_bootstrap_ci(violated, applicable, clusters=ids, n_boot=300, seed=2)
    assert result.method == BOOTSTRAP
    assert (result.rate, result.low, result.high) == pytest.approx(
        (boot.estimate, boot.low, boot.high)
    )


def test_rate_interval_over_nothing_is_undefined_not_zero():
    result = rate_interval(np.zeros(4), np.zeros(4), ["a", "a", "b", "b"])
    assert np.isnan(result.rate) and np.isnan(result.low) and result.n_clusters == 0


def test_rate_interval_coverage_at_small_and_extreme_rates():
    rng = np.random.default_rng(7)
    for true_rate, n in ((0.02, 25), (0.3, 12), (0.5, 40)):
        covered = 0
        for i in range(200):
            violated = (rng.random(n) < true_rate).astype(float)
            r = rate_interval(violated, np.ones(n), n_boot=200, seed=i)
            covered += r.low <= true_rate <= r.high
        assert covered / 200 >= 0.9, (true_rate, n, covered)
