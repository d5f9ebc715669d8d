"""Classification scores with intervals that never collapse: accuracy, precision, recall, F1.

Each score is a ratio of sums over the labelled rows i (class 1 positive, y_i the label and
yhat_i the prediction, [.] the indicator):

    accuracy  = sum [y_i = yhat_i]                / sum 1
    precision = sum [y_i = 1, yhat_i = 1]         / sum [yhat_i = 1]
    recall    = sum [y_i = 1, yhat_i = 1]         / sum [y_i = 1]
    F1        = sum 2 [y_i = 1, yhat_i = 1]       / sum (2 [y_i = 1, yhat_i = 1] + [y_i != yhat_i])

(F1 = 2 TP / (2 TP + FP + FN), the harmonic mean of precision and recall), so each gets the
interval rule of `stats.proportions.rate_interval`: the percentile bootstrap over rows (or over
clusters when given), and the exact Clopper-Pearson interval over the rows that carry the
ratio when it is 0 or 1 or fewer than 30 rows carry it. The point estimates are those of
`stats.metrics`, except that a ratio with an empty denominator (no positive prediction for
precision) is undefined (NaN), not 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from metacompress.stats.proportions import RateInterval, rate_interval

#: The scores, in the order `score_intervals` returns them.
SCORES = ("accuracy", "precision", "recall", "f1")


def score_columns(labels: np.ndarray, predicted: np.ndarray) -> dict[str, tuple[np.ndarray, ...]]:
    """score -> (numerator, denominator) per row, for the ratios of the module docstring."""
    y = np.asarray(labels, dtype=int)
    p = np.asarray(predicted, dtype=int)
    if y.shape != p.shape or y.ndim != 1:
        raise ValueError(f"labels and predictions must be (n,) of one shape: {y.shape}, {p.shape}")
    tp = ((y == 1) & (p == 1)).astype(float)
    wrong = (y != p).astype(float)
    return {
        "accuracy": (1.0 - wrong, np.ones(y.size)),
        "precision": (tp, (p == 1).astype(float)),
        "recall": (tp, (y == 1).astype(float)),
        "f1": (2 * tp, 2 * tp + wrong),
    }


def score_intervals(
    labels: np.ndarray,
    predicted: np.ndarray,
    clusters: Sequence[object] | np.ndarray | None = None,
    *,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, RateInterval]:
    """Every score of `SCORES` with its interval; rows whose label or prediction is negative
    (unknown, unscored) are left out."""
    y = np.asarray(labels, dtype=int)
    p = np.asarray(predicted, dtype=int)
    known = (y >= 0) & (p >= 0)
    ids = None if clusters is None else np.asarray(clusters, dtype=object)[known]
    columns = score_columns(y[known], p[known])
    return {
        name: rate_interval(*columns[name], ids, n_boot=n_boot, confidence=confidence, seed=seed)
        for name in SCORES
    }
