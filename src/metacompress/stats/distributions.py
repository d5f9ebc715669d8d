"""The distribution functions the statistics use, from `scipy.special` only.

Importing `scipy.stats` costs about a CPU-second in every process (it builds every
distribution object), more than the statistics of a small run. These are the functions
`scipy.stats` itself evaluates, so every number is the same bit for bit:

- `binomial_cdf(k, n, p)` = P(X <= k), X ~ Binomial(n, p): `binom.cdf`, Boost's
  binomial CDF (scipy.special's private `_binom_cdf` ufunc, the one `binom.cdf` calls);
  1 for k >= n, 0 for k < 0;
- `beta_quantile(q, a, b)`: the q-quantile of Beta(a, b), `beta.ppf` (the private
  `_beta_ppf` ufunc), for 0 < q < 1;
- `normal_quantile(q)` = Phi^-1(q): `norm.ppf` (`ndtri`);
- `chi2_sf(x, df)` = P(X > x), X ~ chi-square(df): `chi2.sf` (`chdtrc`).

With a scipy that lacks the private ufuncs, `scipy.stats` is imported for those two.
"""

from __future__ import annotations

import math

from scipy import special

try:
    from scipy.special._ufuncs import _beta_ppf, _binom_cdf
except ImportError:  # another scipy layout: the public distributions, same numbers, slower
    _beta_ppf = _binom_cdf = None


def binomial_cdf(k: float, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    k = math.floor(k)
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    if _binom_cdf is None:
        from scipy.stats import binom

        return float(binom.cdf(k, n, p))
    return float(_binom_cdf(k, n, p))


def beta_quantile(q: float, a: float, b: float) -> float:
    """The q-quantile of Beta(a, b), 0 < q < 1, a, b > 0."""
    if _beta_ppf is None:
        from scipy.stats import beta

        return float(beta.ppf(q, a, b))
    return float(_beta_ppf(q, a, b))


def normal_quantile(q: float) -> float:
    """Phi^-1(q), the q-quantile of the standard normal."""
    return float(special.ndtri(q))


def chi2_sf(x: float, df: float) -> float:
    """P(X > x) for X ~ chi-square(df)."""
    return float(special.chdtrc(df, x))
