"""Linear centered kernel alignment (Kornblith et al. 2019, "Similarity of neural network
representations revisited").

For representations X (n, d1) and Y (n, d2) of the same n inputs, with columns centred
(X_c = X - mean over rows),

    CKA(X, Y) = ||Y_c^T X_c||_F^2 / (||X_c^T X_c||_F ||Y_c^T Y_c||_F)
              = tr(K_c L_c) / sqrt(tr(K_c K_c) tr(L_c L_c)),   K_c = X_c X_c^T, L_c = Y_c Y_c^T,

in [0, 1]. It is invariant to orthogonal transforms and isotropic scaling of either
representation (not to arbitrary invertible maps), and d1 may differ from d2. It is NaN when
n < 2 or a representation is constant across inputs (zero centred variance).
"""

from __future__ import annotations

import numpy as np


def _centred(x: np.ndarray) -> np.ndarray | None:
    """Columns minus their means; None when that leaves only rounding noise (constant rows)."""
    centred = x - x.mean(axis=0)
    scale = np.abs(x).max(initial=0.0)
    if np.abs(centred).max(initial=0.0) <= 1e-12 * scale or scale == 0:
        return None
    return centred


def linear_cka(x: np.ndarray, y: np.ndarray) -> float:
    """Linear CKA between two (n, d) representations of the same inputs."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 2 or y.ndim != 2 or x.shape[0] != y.shape[0]:
        raise ValueError(f"expected (n, d1) and (n, d2) arrays, got {x.shape} and {y.shape}")
    if x.shape[0] < 2:
        return float("nan")
    x = _centred(x)
    y = _centred(y)
    if x is None or y is None:
        return float("nan")
    if x.shape[0] < max(x.shape[1], y.shape[1]):
        k = x @ x.T
        m = y @ y.T
        cross, self_x, self_y = np.sum(k * m), np.linalg.norm(k), np.linalg.norm(m)
    else:
        cross = np.linalg.norm(y.T @ x) ** 2
        self_x, self_y = np.linalg.norm(x.T @ x), np.linalg.norm(y.T @ y)
    return float(np.clip(cross / (self_x * self_y), 0.0, 1.0))
