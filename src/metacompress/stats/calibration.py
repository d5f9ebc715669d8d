"""Expected calibration error and reliability-diagram bins, with equal-width bins.

The confidence c_i = max_k p_i[k] of each prediction falls in one of B equal-width bins of
[0, 1]: bin b holds (b/B, (b+1)/B], and bin 0 also holds c = 0. For bin b with n_b predictions,
acc_b is the fraction of them that are correct and conf_b their mean confidence. Then

    ECE = sum_b (n_b / n) |acc_b - conf_b|        (Guo et al. 2017, "On calibration of
                                                   modern neural networks")

with empty bins contributing nothing, and ECE = NaN for n = 0.

Optional row weights w_i >= 0 count row i w_i times (n_b = sum of the weights in bin b, and the
bin means are weighted means): a bootstrap resample is the data with weights equal to how often
each row was drawn, so ECE on a resample needs no copy of the rows, and a block of resamples
(`BinnedPredictions.ece_many`) is three bincounts over the whole block.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metacompress.stats.metrics import confidences, predicted_labels


@dataclass(frozen=True, eq=False)
class ReliabilityBins:
    """Per-bin facts of a reliability diagram: B + 1 edges, then B counts, means, accuracies.

    `mean_confidence` and `accuracy` are NaN for an empty bin.
    """

    edges: np.ndarray
    counts: np.ndarray
    mean_confidence: np.ndarray
    accuracy: np.ndarray

    @property
    def n(self) -> float:
        return self.counts.sum().item()

    def ece(self) -> float:
        """sum_b (n_b / n) |acc_b - conf_b|; NaN when every bin is empty."""
        if self.n == 0:
            return float("nan")
        filled = self.counts > 0
        gaps = np.abs(self.accuracy[filled] - self.mean_confidence[filled])
        return float(np.sum(self.counts[filled] / self.n * gaps))


def _check_bins(n_bins: int) -> None:
    if isinstance(n_bins, bool) or not isinstance(n_bins, int | np.integer) or n_bins < 1:
        raise ValueError(f"n_bins must be an integer >= 1, got {n_bins!r}")


def bin_index(confidence: np.ndarray, n_bins: int = 10) -> np.ndarray:
    """The bin of each confidence: b with b/B < c <= (b+1)/B (c = 0 goes to bin 0)."""
    _check_bins(n_bins)
    confidence = np.asarray(confidence, dtype=float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    return np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, n_bins - 1)


def _weights(weights: np.ndarray | None, n: int) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (n,) or np.any(weights < 0) or not np.all(np.isfinite(weights)):
        raise ValueError(f"weights must be ({n},) finite numbers >= 0, got shape {weights.shape}")
    return weights


class BinnedPredictions:
    """Predictions (confidence, correctness) put in their bins once, so the reliability bins
    and the ECE of many row weightings (a bootstrap) cost three weighted bincounts each."""

    def __init__(self, confidence: np.ndarray, correct: np.ndarray, n_bins: int = 10) -> None:
        confidence = np.asarray(confidence, dtype=float)
        correct = np.asarray(correct, dtype=bool)
        if confidence.shape != correct.shape or confidence.ndim != 1:
            raise ValueError(
                f"confidence and correct must be (n,) arrays of one shape, "
                f"got {confidence.shape} and {correct.shape}"
            )
        if np.any((confidence < 0) | (confidence > 1)) or not np.all(np.isfinite(confidence)):
            raise ValueError("confidences must be finite and in [0, 1]")
        self.n_bins = n_bins
        self.bins = bin_index(confidence, n_bins)
        self.confidence = confidence
        self.correct = correct.astype(float)

    @classmethod
    def of(cls, probs: np.ndarray, labels: np.ndarray, n_bins: int = 10) -> BinnedPredictions:
        """The predictions of (n, k) probabilities against true labels in 0..k-1."""
        probs = np.asarray(probs, dtype=float)
        labels = np.asarray(labels, dtype=int)
        if probs.ndim != 2 or labels.shape != (probs.shape[0],):
            raise ValueError(
                f"expected (n, k) probs and (n,) labels, got {probs.shape}, {labels.shape}"
            )
        if np.any((labels < 0) | (labels >= probs.shape[1])):
            raise ValueError(f"labels must be class indices in 0..{probs.shape[1] - 1}")
        return cls(confidences(probs), predicted_labels(probs) == labels, n_bins)

    def reliability(self, weights: np.ndarray | None = None) -> ReliabilityBins:
        """The bins with row i counted weights[i] times (`counts` are plain counts without
        weights, sums of the weights with them)."""
        w = _weights(weights, self.bins.size)
        b = self.n_bins
        counts = np.bincount(self.bins, weights=w, minlength=b)
        conf_sum = np.bincount(self.bins, weights=w * self.confidence, minlength=b)
        correct_sum = np.bincount(self.bins, weights=w * self.correct, minlength=b)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_conf = np.where(counts > 0, conf_sum / counts, np.nan)
            acc = np.where(counts > 0, correct_sum / counts, np.nan)
        if weights is None:
            counts = counts.astype(int)
        return ReliabilityBins(np.linspace(0.0, 1.0, b + 1), counts, mean_conf, acc)

    def ece(self, weights: np.ndarray | None = None) -> float:
        return self.reliability(weights).ece()

    def ece_many(self, weights: np.ndarray) -> np.ndarray:
        """The ECE of each row of a (b, n) block of weightings, equal bit for bit to `ece` of
        each row: bin k of row r is bin r * B + k of one bincount over the block, which adds
        the same terms in the same order as the bincount of that row alone."""
        w = np.asarray(weights, dtype=float)
        if w.ndim != 2 or w.shape[1] != self.bins.size:
            raise ValueError(f"weights must be a (b, {self.bins.size}) block, got {w.shape}")
        if np.any(w < 0) or not np.all(np.isfinite(w)):
            raise ValueError("weights must be finite numbers >= 0")
        b, n_bins = w.shape[0], self.n_bins
        slots = (self.bins + n_bins * np.arange(b)[:, None]).ravel()

        def per_bin(values: np.ndarray) -> np.ndarray:
            return np.bincount(slots, weights=values.ravel(), minlength=b * n_bins).reshape(
                b, n_bins
            )

        counts = per_bin(w)
        conf_sum, correct_sum = per_bin(w * self.confidence), per_bin(w * self.correct)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_conf = np.where(counts > 0, conf_sum / counts, np.nan)
            acc = np.where(counts > 0, correct_sum / counts, np.nan)
        edges = np.linspace(0.0, 1.0, n_bins + 1)
        return np.array([ReliabilityBins(edges, counts[r], mean_conf[r], acc[r]).ece()
                         for r in range(b)])  # fmt: skip


def reliability_bins(
    confidence: np.ndarray,
    correct: np.ndarray,
    n_bins: int = 10,
    weights: np.ndarray | None = None,
) -> ReliabilityBins:
    """Reliability-diagram bins of predictions with these confidences and correctness flags
    (`counts` are sums of the row weights; plain counts without weights)."""
    return BinnedPredictions(confidence, correct, n_bins).reliability(weights)


def expected_calibration_error(
    probs: np.ndarray, labels: np.ndarray, n_bins: int = 10, weights: np.ndarray | None = None
) -> float:
    """ECE of (n, k) probabilities against true labels in 0..k-1 (see the module docstring)."""
    return BinnedPredictions.of(probs, labels, n_bins).ece(weights)
