"""Calibration alignment: where the teacher commits to a label, the student believes that label
as much as the teacher does.

Per pair, on the follow-up input, with y_T the teacher's predicted label there:

    score = |p_T[y_T] - p_S[y_T]|,      holds iff score <= tolerance.

p_T[y_T] is the teacher's confidence, the number calibration is about: the probability the
model gives to the label it predicts, which a calibrated model matches with its accuracy. The
student is judged on the same event, the teacher's label, not on its own most probable one: a
student at (0.95, 0.05) facing a teacher at (0.05, 0.95) has the same confidence (0.95) but the
opposite belief, and scores |0.95 - 0.05| = 0.9 here. Comparing max-probabilities, as a
label-blind check would, scores it 0. For two classes the score equals the total variation
distance between the two distributions; for k classes it is at most that distance, and it
looks only at the probability that decides the teacher's prediction
(`distribution-similarity` compares whole distributions).

The set-level counterpart, whether the two models are equally well calibrated against the
true labels, is `ece-gap` (`relations.ece`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
from metacompress.stats.metrics import predicted_labels


@relation(
    "calibration-alignment",
    "the student gives the teacher's label the probability the teacher gives it",
)
@dataclass(frozen=True)
class CalibrationAlignment(Relation):
    """|p_T[y_T] - p_S[y_T]| <= tolerance on the follow-up, y_T the teacher's label there.

    Default tolerance = 0.1, one bin's width in the customary 10-bin reliability diagram (Guo
    et al. 2017): within it the student's probability for the teacher's prediction lands in the
    same or a neighbouring bin as the teacher's own confidence, so the two models would draw the
    same reliability diagram for that prediction.
    """

    tolerance: float = 0.1

    higher_is_better = False
    threshold_param = "tolerance"

    def __post_init__(self) -> None:
        check_range("tolerance", self.tolerance, 0.0, 1.0)

    def _evaluate(self, pair: OutputPair) -> Evaluation:
        ok = finite_rows(pair.teacher_followup, pair.student_followup)
        teacher = masked_probs(pair.teacher_followup, ok)
        student = masked_probs(pair.student_followup, ok)
        label = predicted_labels(teacher)
        rows = np.arange(len(pair))
        teacher_p, student_p = teacher[rows, label], student[rows, label]
        return Evaluation(
            applicable=ok,
            score=np.abs(teacher_p - student_p),
            reason=np.full(len(pair), NON_FINITE, dtype=object),
            set_level={
                "mean_gap": float(np.abs(teacher_p - student_p)[ok].mean())
                if ok.any()
                else float("nan")
            },
            details={
                "teacher_label": np.where(ok, label, -1),
                "teacher_probability": np.where(ok, teacher_p, np.nan),
                "student_probability": np.where(ok, student_p, np.nan),
            },
        )
