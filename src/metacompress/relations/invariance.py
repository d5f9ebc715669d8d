"""Label invariance, the classic metamorphic relation, for each model on its own.

A semantics-preserving transformation must not change a model's prediction: the model's label
on the follow-up equals its label on the source. Registered twice, `label-invariance-teacher`
and `label-invariance-student`, so the two models are reported side by side as two rows (and
`relations: all` checks both).

score = p_M(f)[y_M(s)] - max_{c != y_M(s)} p_M(f)[c], the follow-up margin of the model's own
source label (`metacompress.stats.metrics.label_margin`); holds iff score >= min_margin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

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


@dataclass(frozen=True)
class LabelInvariance(Relation):
    """A model's label on the follow-up equals its label on the source.

    Default min_margin = 0.0: the prediction must not change (a tie counts for the lower
    class). A positive margin also flags follow-ups that bring the model within that margin of
    flipping.
    """

    min_margin: float = 0.0

    model: ClassVar[str] = ""
    higher_is_better = True
    threshold_param = "min_margin"

    def __post_init__(self) -> None:
        check_range("min_margin", self.min_margin, 0.0, 1.0)

    def _evaluate(self, pair: OutputPair) -> Evaluation:
        source = getattr(pair, f"{self.model}_source")
        followup = getattr(pair, f"{self.model}_followup")
        ok = finite_rows(source, followup)
        source = masked_probs(source, ok)
        followup = masked_probs(followup, ok)
        source_label = predicted_labels(source)
        followup_label = predicted_labels(followup)
        changed = source_label != followup_label
        return Evaluation(
            applicable=ok,
            score=label_margin(followup, source_label),
            reason=np.full(len(pair), NON_FINITE, dtype=object),
            set_level={"flip_rate": float(changed[ok].mean()) if ok.any() else float("nan")},
            details={
                "source_label": np.where(ok, source_label, -1),
                "followup_label": np.where(ok, followup_label, -1),
            },
        )


@relation("label-invariance-teacher", "the teacher's label does not change on the follow-up")
@dataclass(frozen=True)
class TeacherLabelInvariance(LabelInvariance):
    __doc__ = LabelInvariance.__doc__
    model = "teacher"


@relation("label-invariance-student", "the student's label does not change on the follow-up")
@dataclass(frozen=True)
class StudentLabelInvariance(LabelInvariance):
    __doc__ = LabelInvariance.__doc__
    model = "student"
