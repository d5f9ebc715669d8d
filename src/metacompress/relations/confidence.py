"""High-confidence preservation: where the teacher is confident, the student is confident in the
same label.

Applies to the follow-ups on which the teacher's confidence max_c p_T[c] is at least `tau`.
score = p_S[y_T], the student's probability of the teacher's label there; holds iff
score >= student_tau (`tau` unless set). A threshold above 1/2 makes y_T the student's label
too, so "confident, on the same label" is one comparison.

Sweeping `student_tau` keeps the applicable follow-ups fixed and is what `sweep` recomputes
from saved scores; moving `tau` changes which follow-ups apply, so it is recomputed by checking
the saved outputs again (`sweep_param`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metacompress.errors import ConfigError
from metacompress.relations.base import (
    NON_FINITE,
    Evaluation,
    OutputPair,
    Relation,
    finite_rows,
    masked_probs,
    relation,
)
from metacompress.stats.metrics import confidences, predicted_labels


def _check_confidence(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.5 < value <= 1.0:
        raise ConfigError(f"{name} must be a number in (0.5, 1], got {value!r}")


@relation(
    "high-confidence",
    "where the teacher is confident on the follow-up, the student is confident in that label",
)
@dataclass(frozen=True)
class HighConfidencePreservation(Relation):
    """If max p_T >= tau on the follow-up, then p_S[y_T] >= student_tau (default: tau).

    Default tau = 0.9 (the issue's value): odds of 9 to 1, the usual cut-off for a "confident"
    prediction. Default student_tau = None (= tau): the student is held to the teacher's bar,
    the relation as the issue states it; a lower value (still above 1/2) relaxes it.
    """

    tau: float = 0.9
    student_tau: float | None = None

    higher_is_better = True
    threshold_param = "student_tau"

    def __post_init__(self) -> None:
        _check_confidence("tau", self.tau)
        if self.student_tau is not None:
            _check_confidence("student_tau", self.student_tau)

    @property
    def threshold(self) -> float:
        return float(self.tau if self.student_tau is None else self.student_tau)

    def _evaluate(self, pair: OutputPair) -> Evaluation:
        ok = finite_rows(pair.teacher_followup, pair.student_followup)
        teacher = masked_probs(pair.teacher_followup, ok)
        student = masked_probs(pair.student_followup, ok)
        teacher_confidence = confidences(teacher)
        teacher_label = predicted_labels(teacher)
        confident = teacher_confidence >= self.tau
        reason = np.where(ok, f"teacher confidence below {self.tau:g}", NON_FINITE)
        student_on_label = student[np.arange(len(pair)), teacher_label]
        return Evaluation(
            applicable=ok & confident,
            score=student_on_label,
            reason=reason.astype(object),
            set_level={
                "teacher_confident_rate": float(confident[ok].mean()) if ok.any() else float("nan")
            },
            details={
                "teacher_confidence": np.where(ok, teacher_confidence, np.nan),
                "student_confidence": np.where(ok, confidences(student), np.nan),
            },
        )
