"""Labels, confidences and classification metrics of probability outputs.

Conventions: the predicted label is argmax_c p[c] with ties broken towards the lower class
index (class 0 wins an exact 0.5/0.5 tie: `np.argmax` returns the first maximum); the
confidence is max_c p[c]. Binary metrics treat class 1 as positive and return 0.0 where a ratio
has an empty denominator (scikit-learn's `zero_division=0`).
"""

from __future__ import annotations

import numpy as np


def predicted_labels(probs: np.ndarray) -> np.ndarray:
    """argmax over classes, ties towards class 0; (n, k) -> (n,) int."""
    probs = np.asarray(probs, dtype=float)
    return np.argmax(probs, axis=1) if probs.shape[0] else np.zeros(0, dtype=int)


def confidences(probs: np.ndarray) -> np.ndarray:
    """max over classes; (n, k) -> (n,)."""
    probs = np.asarray(probs, dtype=float)
    return probs.max(axis=1) if probs.shape[0] else np.zeros(0)


def label_margin(probs: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Signed margin of `labels[i]` in `probs[i]`: m_i = p_i[y_i] - max_{c != y_i} p_i[c].

    m_i > 0: y_i is the predicted label with room to spare; m_i < 0: it is not predicted. An
    exact tie (m_i = 0) is decided by the tie rule: where y_i wins it (lowest index among the
    maxima) m_i = +0.0; where it loses, m_i is the negative float closest to zero, so that the
    sign of the margin alone tells whether y_i is the predicted label.
    """
    probs = np.asarray(probs, dtype=float)
    labels = np.asarray(labels, dtype=int)
    n = probs.shape[0]
    if n == 0:
        return np.zeros(0)
    rows = np.arange(n)
    own = probs[rows, labels]
    others = probs.copy()
    others[rows, labels] = -np.inf
    margin = own - others.max(axis=1)
    lost_tie = (margin == 0) & (predicted_labels(probs) != labels)
    return np.where(lost_tie, np.nextafter(0.0, -1.0), margin)


def _confusion(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[int, int, int, int]:
    y_true = np.asarray(y_true, dtype=int)
    y_pred = np.asarray(y_pred, dtype=int)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred differ in shape: {y_true.shape} vs {y_pred.shape}")
    tp = int(np.sum((y_true == 1) & (y_pred == 1)))
    fp = int(np.sum((y_true != 1) & (y_pred == 1)))
    fn = int(np.sum((y_true == 1) & (y_pred != 1)))
    tn = int(np.sum((y_true != 1) & (y_pred != 1)))
    return tp, fp, fn, tn


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """(1/n) sum_i [y_i == yhat_i]; NaN for n = 0."""
    y_true = np.asarray(y_true, dtype=int)
    y_pred = np.asarray(y_pred, dtype=int)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred differ in shape: {y_true.shape} vs {y_pred.shape}")
    return float(np.mean(y_true == y_pred)) if y_true.size else float("nan")


def precision(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """TP / (TP + FP), 0.0 when nothing is predicted positive."""
    tp, fp, _, _ = _confusion(y_true, y_pred)
    return tp / (tp + fp) if tp + fp else 0.0


def recall(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """TP / (TP + FN), 0.0 when nothing is positive."""
    tp, _, fn, _ = _confusion(y_true, y_pred)
    return tp / (tp + fn) if tp + fn else 0.0


def f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """2 TP / (2 TP + FP + FN) (the harmonic mean of precision and recall), 0.0 if undefined."""
    tp, fp, fn, _ = _confusion(y_true, y_pred)
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
