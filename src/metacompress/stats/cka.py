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

For many weightings constant within clusters of rows (a cluster bootstrap), `ClusteredCKA`
precomputes cluster-level products once, so each weighting costs O(n g) for g clusters.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

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


class ClusteredCKA:
    """Linear CKA of X and Y for many weightings that are constant within clusters of rows (a
    cluster bootstrap: row i counted c[g(i)] times, c[g] = how often cluster g was drawn).

    With W = diag(w), N = sum w and W' = W - w w^T / N (the weighted centring),

        HSIC(K, M) = tr(W' K W' M)
                   = sum_ij w_i w_j K_ij M_ij - (2/N) sum_i w_i (K w)_i (M w)_i
                     + (w^T K w)(w^T M w) / N^2,
        CKA = HSIC(K, M) / sqrt(HSIC(K, K) HSIC(M, M)),

    for the Gram matrices K = X X^T, M = Y Y^T. With w = G c (G: rows x clusters indicator)
    each term is a cluster-level product, precomputed once: G^T (K o M) G, K G, G^T K G (sums
    of rows and columns per cluster, never a product with G). A weighting then costs O(n g)
    for n rows and g clusters, instead of O(n^2) or O(n d1 d2), and a block of b weightings
    is one matrix product; the precomputation is O(n^2 (d1 + d2)) time and holds a few n x n
    matrices.
    X and Y are centred on their plain means first (CKA does not see a shift), which keeps the
    expansion's terms small.
    """

    def __init__(
        self, x: np.ndarray, y: np.ndarray, clusters: np.ndarray,
        shared: dict[tuple, GramSums] | None = None,
    ) -> None:  # fmt: skip
        """`shared`: a memo of X's `GramSums` by content (X and the clusters), for an X
        compared with several Y (a teacher with each student): its half of the
        precomputation is done once."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        if x.ndim != 2 or y.ndim != 2 or x.shape[0] != y.shape[0]:
            raise ValueError(f"expected (n, d1) and (n, d2) arrays, got {x.shape} and {y.shape}")
        labels = np.asarray(clusters, dtype=object).astype(str)
        if labels.shape != (x.shape[0],):
            raise ValueError(f"clusters must have one entry per row ({x.shape[0]})")
        grouping = ClusterGrouping(labels)
        self.first, self.cluster_of = grouping.first, grouping.cluster_of
        sums_x, sums_y = GramSums.of(x, grouping, shared), GramSums.of(y, grouping)
        self.kg, self.mg = sums_x.gram_g, sums_y.gram_g  # K G, M G
        self.k_hat, self.m_hat = sums_x.hat, sums_y.hat
        cross = grouping.by_cluster(grouping.by_cluster(sums_x.gram * sums_y.gram).T)
        self.p = {"km": cross, "kk": sums_x.square, "mm": sums_y.square}
        self.scale = max(sums_x.scale, sums_y.scale, 1e-300)

    def cluster_counts(self, weights: np.ndarray) -> np.ndarray:
        """c from row weights that are constant within each cluster (one weighting (n,), or
        one per row of a (b, n) block)."""
        return np.asarray(weights, dtype=float)[..., self.first]

    def __call__(self, counts: np.ndarray) -> float:
        """CKA with cluster g counted counts[g] times (NaN with fewer than 2 rows drawn or a
        constant representation)."""
        return float(self.many(np.asarray(counts, dtype=float)[None, :])[0])

    def many(self, counts: np.ndarray) -> np.ndarray:
        """The CKA of each row of a (b, g) block of cluster counts, computed as matrix products
        over the block (one matrix product in place of b matrix-vector products)."""
        c = np.asarray(counts, dtype=float)
        w = c[:, self.cluster_of]
        total = w.sum(axis=1)
        u, v = c @ self.kg.T, c @ self.mg.T
        k_w = np.einsum("bg,bg->b", c @ self.k_hat, c)
        m_w = np.einsum("bg,bg->b", c @ self.m_hat, c)
        with np.errstate(divide="ignore", invalid="ignore"):

            def hsic(name: str, a: np.ndarray, b: np.ndarray, a_w: np.ndarray,
                     b_w: np.ndarray) -> np.ndarray:  # fmt: skip
                return (np.einsum("bg,bg->b", c @ self.p[name], c)
                        - 2.0 / total * np.einsum("bn,bn,bn->b", w, a, b)
                        + a_w * b_w / total**2)  # fmt: skip

            self_k = hsic("kk", u, u, k_w, k_w)
            self_m = hsic("mm", v, v, m_w, m_w)
            floor = 1e-10 * self.scale**2 * total**2
            valid = (np.count_nonzero(w, axis=1) >= 2) & (self_k > floor) & (self_m > floor)
            cka = np.clip(hsic("km", u, v, k_w, m_w) / np.sqrt(self_k * self_m), 0.0, 1.0)
        return np.where(valid, cka, np.nan)


class ClusterGrouping:
    """Rows grouped by cluster label: `first` (the first row of each cluster, clusters in
    label order), `cluster_of` (the cluster of each row), and `by_cluster(a)` = a G, the
    columns of `a` summed per cluster (G: rows x clusters indicator, never built)."""

    def __init__(self, labels: np.ndarray) -> None:
        self.labels = labels
        _, self.first, self.cluster_of = np.unique(labels, return_index=True, return_inverse=True)
        self.order = np.argsort(self.cluster_of, kind="stable")
        self.starts = np.searchsorted(self.cluster_of[self.order], np.arange(len(self.first)))

    def by_cluster(self, a: np.ndarray) -> np.ndarray:
        return np.add.reduceat(a[:, self.order], self.starts, axis=1)


@dataclass(frozen=True)
class GramSums:
    """One representation's half of `ClusteredCKA`'s precomputation: its Gram matrix
    K = X_c X_c^T (columns centred on their plain means), K G, G^T K G, G^T (K o K) G, and
    max |K|."""

    gram: np.ndarray
    gram_g: np.ndarray
    hat: np.ndarray
    square: np.ndarray
    scale: float

    @classmethod
    def of(cls, x: np.ndarray, grouping: ClusterGrouping,
           shared: dict[tuple, GramSums] | None = None) -> GramSums:  # fmt: skip
        """The sums of `x` under `grouping`, from `shared` (keyed by content) when there."""
        key = None
        if shared is not None:
            digest = hashlib.blake2b(np.ascontiguousarray(x).tobytes(), digest_size=16)
            digest.update("\0".join(grouping.labels.tolist()).encode())
            key = (x.shape, digest.hexdigest())
            if key in shared:
                return shared[key]
        gram = (x - x.mean(axis=0)) @ (x - x.mean(axis=0)).T
        gram_g = grouping.by_cluster(gram)  # K is symmetric: G^T K = (K G)^T
        sums = cls(gram, gram_g, grouping.by_cluster(gram_g.T),
                   grouping.by_cluster(grouping.by_cluster(gram * gram).T),
                   float(np.abs(gram).max(initial=0.0)))  # fmt: skip
        if key is not None:
            shared[key] = sums
        return sums
