"""ECE gap: teacher and student are equally well calibrated on a set of follow-ups.

A set-level relation: calibration is a property of many predictions against their true labels.
On the labelled pairs of the set (label != -1; a follow-up carries its source's label) with
finite outputs,

    score = |ECE(p_T on the follow-ups) - ECE(p_S on the follow-ups)|,   holds iff score <= max_gap,

with the expected calibration error of `metacompress.stats.calibration` (`n_bins` equal-width
bins). On the `source` set it is the clean-input calibration gap, the baseline every follow-up
set is read against. It applies when at least one labelled pair has finite outputs. The set's
numbers are in `set_level`: "ece_teacher", "ece_student", "n_labelled", and the verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from metacompress.errors import ConfigError
from metacompress.registry import check_range
from metacompress.relations.base import (
    JUDGED_AS_SET,
    Evaluation,
    OutputPair,
    SetRelation,
    finite_rows,
    relation,
)
from metacompress.stats.calibration import BinnedPredictions, expected_calibration_error

NO_LABELS = "no labelled pair with finite outputs"


@relation(
    "ece-gap",
    "teacher and student have expected calibration errors within max_gap on the follow-ups",
)
@dataclass(frozen=True)
class ECEGap(SetRelation):
    """|ECE_T - ECE_S| <= max_gap on the labelled follow-ups of a set.

    Default max_gap = 0.05: fine-tuned transformer classifiers have ECEs of a few hundredths to
    about 0.1 (Desai & Durrett 2020, "Calibration of pre-trained transformers"), so a gap of
    0.05 is a change of calibration as large as the error itself. n_bins = 10, the customary
    equal-width binning (Guo et al. 2017).
    """

    max_gap: float = 0.05
    n_bins: int = 10

    higher_is_better = False
    threshold_param = "max_gap"

    def __post_init__(self) -> None:
        check_range("max_gap", self.max_gap, 0.0, 1.0)
        if isinstance(self.n_bins, bool) or not isinstance(self.n_bins, int) or self.n_bins < 1:
            raise ConfigError(f"n_bins must be an integer >= 1, got {self.n_bins!r}")

    def _eces(self, pair: OutputPair, weights: np.ndarray | None) -> tuple[float, float, int]:
        rows = finite_rows(pair.teacher_followup, pair.student_followup) & (pair.labels >= 0)
        if weights is not None:
            rows &= np.asarray(weights, dtype=float) > 0
        if not rows.any():
            return float("nan"), float("nan"), 0
        w = None if weights is None else np.asarray(weights, dtype=float)[rows]
        labels = pair.labels[rows]
        ece_t = expected_calibration_error(pair.teacher_followup[rows], labels, self.n_bins, w)
        ece_s = expected_calibration_error(pair.student_followup[rows], labels, self.n_bins, w)
        return ece_t, ece_s, int(rows.sum())

    def set_score(self, pair: OutputPair, weights: np.ndarray | None = None) -> float:
        ece_t, ece_s, _ = self._eces(pair, weights)
        return abs(ece_t - ece_s)

    def set_scorer(
        self, pair: OutputPair, clusters: np.ndarray | None = None,
        shared: dict | None = None,
    ) -> Callable[[np.ndarray], float]:  # fmt: skip
        """Both models' predictions binned once; each weighting re-counts the bins, and a
        block of weightings (`score.many`, (b, n) -> (b,)) is counted at once."""
        rows = finite_rows(pair.teacher_followup, pair.student_followup) & (pair.labels >= 0)
        labels = pair.labels[rows]
        teacher = BinnedPredictions.of(pair.teacher_followup[rows], labels, self.n_bins)
        student = BinnedPredictions.of(pair.student_followup[rows], labels, self.n_bins)

        def score(weights: np.ndarray) -> float:
            w = np.asarray(weights, dtype=float)[rows]
            if not w.any():
                return float("nan")
            return abs(teacher.ece(w) - student.ece(w))

        def many(weights: np.ndarray) -> np.ndarray:
            w = np.asarray(weights, dtype=float)[:, rows]
            gaps = np.abs(teacher.ece_many(w) - student.ece_many(w))
            return np.where(w.any(axis=1), gaps, np.nan)

        score.many = many  # type: ignore[attr-defined]  # a block of resamples at once
        return score

    def _evaluate(self, pair: OutputPair) -> Evaluation:
        n = len(pair)
        ece_t, ece_s, labelled = self._eces(pair, None)
        set_level = {"ece_teacher": ece_t, "ece_student": ece_s, "n_labelled": float(labelled)}
        nothing = np.zeros(n, dtype=bool), np.full(n, np.nan)
        if not labelled:
            return Evaluation(
                *nothing, np.full(n, NO_LABELS, dtype=object), set_level | {"applicable": 0.0}
            )
        return Evaluation(
            *nothing,
            np.full(n, JUDGED_AS_SET, dtype=object),
            set_level | {"applicable": 1.0, "score": abs(ece_t - ece_s)},
        )
