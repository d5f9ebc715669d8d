"""Calibration alignment: the student is as confident, and as well calibrated, as the teacher.

Per pair: score = |conf_T(f) - conf_S(f)|, the gap between the two models' confidences
(max_c p[c]) on the follow-up; holds iff score <= tolerance.

Per set, where labels exist (label != -1; a follow-up carries its source's label): the expected
calibration errors of both models on the follow-ups, with `n_bins` equal-width bins
(`metacompress.stats.calibration`), and the set-level verdict |ECE_T - ECE_S| <= ece_tolerance,
in `set_level` as "ece_teacher", "ece_student", "ece_gap", "ece_holds" (1.0 / 0.0, NaN without
labels), with the same numbers on the sources ("..._source") and "n_labelled".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metacompress.errors import ConfigError
from metacompress.registry import check_range
from metacompress.relations.base import (
    NON_FINITE,
    Evaluation,
    OutputPair,
    Relation,
    finite_rows,
    masked_probs,
    relation,
)
from metacompress.stats.calibration import expected_calibration_error
from metacompress.stats.metrics import confidences


@relation(
    "calibration-alignment",
    "teacher and student are equally confident per input and equally calibrated per set",
)
@dataclass(frozen=True)
class CalibrationAlignment(Relation):
    """|conf_T - conf_S| <= tolerance per follow-up; |ECE_T - ECE_S| <= ece_tolerance per set.

    Defaults: tolerance = 0.1, one ECE bin's width: within it the two confidences land in the
    same or a neighbouring bin of the reliability diagram. ece_tolerance = 0.05: fine-tuned
    transformer classifiers have ECEs of a few hundredths to about 0.1 (Desai & Durrett 2020,
    "Calibration of pre-trained transformers"), so a gap of 0.05 is a change of calibration as
    large as the error itself. n_bins = 10, the customary equal-width binning (Guo et al. 2017).
    """

    tolerance: float = 0.1
    ece_tolerance: float = 0.05
    n_bins: int = 10

    higher_is_better = False
    threshold_param = "tolerance"

    def __post_init__(self) -> None:
        check_range("tolerance", self.tolerance, 0.0, 1.0)
        check_range("ece_tolerance", self.ece_tolerance, 0.0, 1.0)
        if isinstance(self.n_bins, bool) or not isinstance(self.n_bins, int) or self.n_bins < 1:
            raise ConfigError(f"n_bins must be an integer >= 1, got {self.n_bins!r}")

    def _evaluate(self, pair: OutputPair) -> Evaluation:
        ok = finite_rows(pair.teacher_followup, pair.student_followup)
        teacher = confidences(masked_probs(pair.teacher_followup, ok))
        student = confidences(masked_probs(pair.student_followup, ok))
        set_level = {
            **self._ece(pair.teacher_followup, pair.student_followup, pair.labels, ""),
            **self._ece(pair.teacher_source, pair.student_source, pair.labels, "_source"),
        }
        return Evaluation(
            applicable=ok,
            score=np.abs(teacher - student),
            reason=np.full(len(pair), NON_FINITE, dtype=object),
            set_level=set_level,
            details={
                "teacher_confidence": np.where(ok, teacher, np.nan),
                "student_confidence": np.where(ok, student, np.nan),
            },
        )

    def _ece(
        self, teacher: np.ndarray, student: np.ndarray, labels: np.ndarray, suffix: str
    ) -> dict[str, float]:
        rows = finite_rows(teacher, student) & (labels >= 0)
        values = {f"n_labelled{suffix}": float(rows.sum())}
        if not rows.any():
            nan = float("nan")
            keys = ("ece_teacher", "ece_student", "ece_gap", "ece_holds")
            return values | {f"{key}{suffix}": nan for key in keys}
        ece_t = expected_calibration_error(teacher[rows], labels[rows], self.n_bins)
        ece_s = expected_calibration_error(student[rows], labels[rows], self.n_bins)
        gap = abs(ece_t - ece_s)
        return values | {
            f"ece_teacher{suffix}": ece_t,
            f"ece_student{suffix}": ece_s,
            f"ece_gap{suffix}": gap,
            f"ece_holds{suffix}": float(gap <= self.ece_tolerance),
        }
