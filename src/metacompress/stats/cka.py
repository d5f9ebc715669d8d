"""Linear centered kernel alignment (Kornblith et al. 2019, "Similarity of neural network
representations revisited").

For representations X (n, d1) and Y (n, d2) of the same n inputs, with columns centred
(X_c = X - mean over rows),

    CKA(X, Y) = ||Y_c^T X_c||_F^2 / (||X_c^T X_c||_F ||Y_c^T Y_c||_F)
              = tr(K_c L_c) / sqrt(tr(K_c K_c) tr(L_c L_c)),   K_c = X_c X_c^T, L_c = Y_c Y_c^T,

in [0, 1]. It is invariant to orthogonal transforms and isotropic scaling of either
representation (not to arbitrary invertible maps), and d1 may differ from d2. It is NaN when
n < 2 or a representation is constant across inputs (zero centred variance).

Optional row weights w_i >= 0 count row i w_i times (a bootstrap resample without copying
rows): the columns are centred on their weighted means and row i is scaled by sqrt(w_i), since
Y_c^T W X_c = (W^1/2 Y_c)^T (W^1/2 X_c). "n" is then the number of rows with w_i > 0.

For many weightings of the same rows (a bootstrap), `gram_cka` works from the Gram matrices
K = X X^T and M = Y Y^T computed once: with N = sum w, a = K w / N and c = w^T K w / N^2, the
weighted-centred Gram is K_c = K - a 1^T - 1 a^T + c, and

    CKA = sum_ij w_i w_j K_c,ij M_c,ij / sqrt(sum_ij w_i w_j K_c,ij^2 * sum_ij w_i w_j M_c,ij^2),

O(n^2) per weighting whatever the widths d1, d2.
"""

from __future__ import annotations

import numpy as np


def _centred(x: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray | None:
    """Columns minus their (weighted) means; None when that leaves only rounding noise
    (constant rows)."""
    centred = x - np.average(x, axis=0, weights=weights)
    scale = np.abs(x).max(initial=0.0)
    if np.abs(centred).max(initial=0.0) <= 1e-12 * scale or scale == 0:
        return None
    return centred


def linear_cka(x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Linear CKA between two (n, d) representations of the same inputs (optionally weighted)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 2 or y.ndim != 2 or x.shape[0] != y.shape[0]:
        raise ValueError(f"expected (n, d1) and (n, d2) arrays, got {x.shape} and {y.shape}")
    if weights is not None:
        weights = np.asarray(weights, dtype=float)
        if weights.shape != (x.shape[0],) or np.any(weights < 0):
            raise ValueError(f"weights must be ({x.shape[0]},) numbers >= 0")
        kept = weights > 0
        x, y, weights = x[kept], y[kept], weights[kept]
    if x.shape[0] < 2:
        return float("nan")
    x = _centred(x, weights)
    y = _centred(y, weights)
    if x is None or y is None:
        return float("nan")
    if weights is not None:
        root = np.sqrt(weights)[:, None]
        x, y = x * root, y * root
    if x.shape[0] < max(x.shape[1], y.shape[1]):
        k = x @ x.T
        m = y @ y.T
        cross, self_x, self_y = np.sum(k * m), np.linalg.norm(k), np.linalg.norm(m)
    else:
        cross = np.linalg.norm(y.T @ x) ** 2
        self_x, self_y = np.linalg.norm(x.T @ x), np.linalg.norm(y.T @ y)
    return float(np.clip(cross / (self_x * self_y), 0.0, 1.0))


def gram_cka(k: np.ndarray, m: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Linear CKA from the (uncentred) Gram matrices K = X X^T, M = Y Y^T of the same n rows,
    optionally weighted (see the module docstring); equal to `linear_cka(x, y, weights)`."""
    k = np.asarray(k, dtype=float)
    m = np.asarray(m, dtype=float)
    n = k.shape[0]
    if k.shape != (n, n) or m.shape != (n, n):
        raise ValueError(f"expected two (n, n) Gram matrices, got {k.shape} and {m.shape}")
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    kept = w > 0
    if kept.sum() < 2:
        return float("nan")
    k, m, w = k[np.ix_(kept, kept)], m[np.ix_(kept, kept)], w[kept]
    outer = np.outer(w, w)
    centred = []
    for gram in (k, m):
        a = gram @ w / w.sum()
        c = float(w @ a) / w.sum()
        centred.append(gram - a[:, None] - a[None, :] + c)
    k_c, m_c = centred
    self_x = np.sqrt(np.sum(outer * k_c * k_c))
    self_y = np.sqrt(np.sum(outer * m_c * m_c))
    scale = max(np.abs(k).max(initial=0.0), np.abs(m).max(initial=0.0))
    if self_x <= 1e-12 * max(scale, 1e-300) or self_y <= 1e-12 * max(scale, 1e-300):
        return float("nan")
    return float(np.clip(np.sum(outer * k_c * m_c) / (self_x * self_y), 0.0, 1.0))
