"""Prediction agreement: the student predicts the teacher's label on the follow-up input.

Two relations:

- `prediction-agreement`: on the follow-up, the student's label equals the teacher's. The score
  is the student's signed margin for the teacher's label,
  m = p_S[y_T] - max_{c != y_T} p_S[c] (see `metacompress.stats.metrics.label_margin`): m >= 0
  exactly when the student predicts y_T, and the relation holds iff m >= `min_margin`.
- `flip-agreement`: the student's label changes from source to follow-up exactly where the
  teacher's does: [y_S(f) != y_S(s)] == [y_T(f) != y_T(s)]. A relation on labels alone: its
  score is 1.0 where it holds and 0.0 where not.
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
from metacompress.stats.metrics import label_margin, predicted_labels


@relation("prediction-agreement", "the student predicts the teacher's label on the follow-up")
@dataclass(frozen=True)
class PredictionAgreement(Relation):
    """The student's label equals the teacher's on the follow-up input.

    score = p_S[y_T] - max_{c != y_T} p_S[c] on the follow-up (y_T the teacher's label there);
    holds iff score >= min_margin.

    Default min_margin = 0.0: plain label agreement, the relation as the issue states it (a tie
    counts for the lower class, as everywhere). A positive margin asks the student to agree with
    room to spare, e.g. 0.2 = a 0.6/0.4 split or firmer; sweep it to see how close to flipping
    the agreeing students are.
    """

    min_margin: float = 0.0

    higher_is_better = True
    threshold_param = "min_margin"

    def __post_init__(self) -> None:
        check_range("min_margin", self.min_margin, 0.0, 1.0)

    def _evaluate(self, pair: OutputPair) -> Evaluation:
        ok = finite_rows(pair.teacher_followup, pair.student_followup)
        teacher = masked_probs(pair.teacher_followup, ok)
        student = masked_probs(pair.student_followup, ok)
        teacher_label = predicted_labels(teacher)
        student_label = predicted_labels(student)
        src_ok = finite_rows(pair.teacher_source, pair.student_source)
        agree_source = predicted_labels(
            masked_probs(pair.teacher_source, src_ok)
        ) == predicted_labels(masked_probs(pair.student_source, src_ok))
        return Evaluation(
            applicable=ok,
            score=label_margin(student, teacher_label),
            reason=np.full(len(pair), NON_FINITE, dtype=object),
            set_level={
                "agreement_source": _rate(agree_source, src_ok),
                "agreement_followup": _rate(teacher_label == student_label, ok),
            },
            details={
                "teacher_label": np.where(ok, teacher_label, -1),
                "student_label": np.where(ok, student_label, -1),
            },
        )


@relation("flip-agreement", "the student's label changes exactly where the teacher's does")
@dataclass(frozen=True)
class FlipAgreement(Relation):
    """The student's label changes from source to follow-up exactly where the teacher's does.

    score = 1.0 if [y_S(follow-up) != y_S(source)] == [y_T(follow-up) != y_T(source)] else 0.0;
    holds iff score >= 1. No threshold: the relation is on labels alone.
    """

    higher_is_better = True
    threshold_param = None
    fixed_threshold = 1.0

    def _evaluate(self, pair: OutputPair) -> Evaluation:
        ok = finite_rows(
            pair.teacher_source, pair.student_source, pair.teacher_followup, pair.student_followup
        )

        def changed(source: np.ndarray, followup: np.ndarray) -> np.ndarray:
            return predicted_labels(masked_probs(source, ok)) != predicted_labels(
                masked_probs(followup, ok)
            )

        teacher_flip = changed(pair.teacher_source, pair.teacher_followup)
        student_flip = changed(pair.student_source, pair.student_followup)
        return Evaluation(
            applicable=ok,
            score=(teacher_flip == student_flip).astype(float),
            reason=np.full(len(pair), NON_FINITE, dtype=object),
            set_level={
                "teacher_flip_rate": _rate(teacher_flip, ok),
                "student_flip_rate": _rate(student_flip, ok),
            },
            details={
                "teacher_flipped": np.where(ok, teacher_flip, False),
                "student_flipped": np.where(ok, student_flip, False),
            },
        )


def _rate(flags: np.ndarray, ok: np.ndarray) -> float:
    """Mean of `flags` over the rows in `ok`; NaN when there are none."""
    return float(flags[ok].mean()) if ok.any() else float("nan")
