"""Row-wise divergences between probability vectors, in bits (base 2).

For rows p, q of (n, k) arrays:

- KL(p || q) = sum_c p_c log2(p_c / q_c), with 0 log 0 = 0 and +inf where q_c = 0 < p_c;
- JS(p, q) = 1/2 KL(p || m) + 1/2 KL(q || m), m = (p + q) / 2. This is the Jensen-Shannon
  *divergence*, in [0, 1] in base 2; it is the square of the Jensen-Shannon distance that
  `scipy.spatial.distance.jensenshannon(p, q, base=2)` returns;
- TV(p, q) = 1/2 sum_c |p_c - q_c|, in [0, 1] (for two classes: |p_1 - q_1|).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _pair(p: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    if p.shape != q.shape or p.ndim != 2:
        raise ValueError(f"expected two (n, k) arrays of one shape, got {p.shape} and {q.shape}")
    return p, q


def _kl_terms(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = p * (np.log2(p) - np.log2(q))
    terms = np.where(p == 0, 0.0, terms)
    return np.where((p > 0) & (q == 0), np.inf, terms)


def kl_divergence(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """KL(p || q) per row, in bits."""
    p, q = _pair(p, q)
    return _kl_terms(p, q).sum(axis=1)


def js_divergence(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Jensen-Shannon divergence per row, in bits, in [0, 1] (not its square root)."""
    p, q = _pair(p, q)
    m = (p + q) / 2
    js = 0.5 * _kl_terms(p, m).sum(axis=1) + 0.5 * _kl_terms(q, m).sum(axis=1)
    return np.clip(js, 0.0, 1.0)


def total_variation(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Total variation distance per row: 1/2 sum_c |p_c - q_c|."""
    p, q = _pair(p, q)
    return 0.5 * np.abs(p - q).sum(axis=1)


#: Divergences selectable by name.
DIVERGENCES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "js": js_divergence,
    "kl": kl_divergence,
    "tv": total_variation,
}


def divergence(name: str, p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The divergence `name` ("js", "kl" or "tv") between p and q, row-wise."""
    try:
        fn = DIVERGENCES[name]
    except KeyError:
        raise ValueError(f"divergence must be one of {sorted(DIVERGENCES)}, got {name!r}") from None
    return fn(p, q)
