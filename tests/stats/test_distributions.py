"""The distribution functions from scipy.special give scipy.stats' numbers bit for bit."""

import numpy as np
import pytest
from scipy.stats import beta, binom, chi2, norm

from metacompress.stats.distributions import (
    beta_quantile,
    binomial_cdf,
    chi2_sf,
    normal_quantile,
)


@pytest.mark.parametrize("n", [0, 1, 2, 7, 30, 129, 1000, 2501])
def test_binomial_cdf_is_scipy_stats_binom_cdf(n: int) -> None:
    for k in [-1, *range(0, n + 2, max(1, n // 40)), n, n + 3]:
        for p in (0.5, 0.3):
            assert binomial_cdf(k, n, p) == float(binom.cdf(k, n, p))


def test_binomial_cdf_of_a_fractional_count_is_of_its_floor() -> None:
    assert binomial_cdf(3.7, 10, 0.5) == float(binom.cdf(3, 10, 0.5))


def test_beta_quantile_is_scipy_stats_beta_ppf() -> None:
    rng = np.random.default_rng(0)
    for _ in range(2000):
        n = rng.uniform(1, 3000)
        k = rng.uniform(0.01, n - 0.01)
        q = rng.choice([0.025, 0.975, 0.005, rng.uniform(1e-6, 1 - 1e-6)])
        assert beta_quantile(q, k, n - k + 1) == float(beta.ppf(q, k, n - k + 1))


def test_normal_quantile_and_chi2_sf_are_scipy_stats() -> None:
    for q in np.linspace(1e-9, 1 - 1e-9, 501):
        assert normal_quantile(q) == float(norm.ppf(q))
    for x in np.linspace(0.0, 60.0, 601):
        for df in (1, 3):
            assert chi2_sf(x, df) == float(chi2.sf(x, df))
