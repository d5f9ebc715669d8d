"""Probability-distribution similarity: the student's output distribution stays close to the
teacher's on the follow-up input.

score = D(p_T(f), p_S(f)), the divergence between the two probability vectors on the follow-up;
holds iff score <= max_divergence. D is selectable (`metacompress.stats.divergences`, all in
bits): "js" the Jensen-Shannon divergence (default; the divergence, not its square root, in
[0, 1]), "kl" KL(teacher || student) (the direction distillation minimises), "tv" the total
variation distance. Also reported, per pair, the divergence on the source and its move
`shift = D(f) - D(s)`, and their means over the set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from metacompress.registry import check_choice, check_range
from metacompress.relations.base import (
    NON_FINITE,
    Evaluation,
    OutputPair,
    Relation,
    finite_rows,
    masked_probs,
    relation,
)
from metacompress.stats.divergences import DIVERGENCES, divergence


@relation(
    "distribution-similarity",
    "the divergence between teacher and student probabilities on the follow-up stays small",
)
@dataclass(frozen=True)
class DistributionSimilarity(Relation):
    """D(p_T(follow-up), p_S(follow-up)) <= max_divergence (see the module docstring).

    Default divergence = "js": bounded in [0, 1] and symmetric, so one threshold reads the same
    whichever model is further from certainty, and finite where either model puts zero mass.

    max_divergence = None uses the default of the chosen divergence, in `DEFAULT_MAX`:
    js 0.05, kl 0.2, tv 0.25 (bits for js and kl). They are matched to one picture: a teacher
    at p(positive) = 0.5 and a student at 0.75 sit right at the limit (JS 0.049, KL 0.21,
    TV 0.25), as do 0.7 vs 0.9 for JS (0.047). A distilled student's softened outputs move a
    few hundredths; a quarter of the probability scale at the decision boundary is a student
    whose belief differs, not one whose temperature does.
    """

    divergence: str = "js"
    max_divergence: float | None = None

    DEFAULT_MAX: ClassVar[dict[str, float]] = {"js": 0.05, "kl": 0.2, "tv": 0.25}
    higher_is_better = False
    threshold_param = "max_divergence"

    def __post_init__(self) -> None:
        check_choice("divergence", self.divergence, sorted(DIVERGENCES))
        if self.max_divergence is not None:
            high = None if self.divergence == "kl" else 1.0
            check_range("max_divergence", self.max_divergence, 0.0, high)

    @property
    def threshold(self) -> float:
        if self.max_divergence is None:
            return self.DEFAULT_MAX[self.divergence]
        return float(self.max_divergence)

    def _evaluate(self, pair: OutputPair) -> Evaluation:
        ok = finite_rows(pair.teacher_followup, pair.student_followup)
        source_ok = finite_rows(pair.teacher_source, pair.student_source) & ok
        followup = divergence(
            self.divergence,
            masked_probs(pair.teacher_followup, ok),
            masked_probs(pair.student_followup, ok),
        )
        source = divergence(
            self.divergence,
            masked_probs(pair.teacher_source, source_ok),
            masked_probs(pair.student_source, source_ok),
        )
        source = np.where(source_ok, source, np.nan)
        shift = followup - source
        return Evaluation(
            applicable=ok,
            score=followup,
            reason=np.full(len(pair), NON_FINITE, dtype=object),
            set_level={
                "mean_divergence_source": _mean(source, source_ok),
                "mean_divergence_followup": _mean(followup, ok),
                "mean_shift": _mean(shift, source_ok),
            },
            details={"divergence_source": source, "shift": shift},
        )


def _mean(values: np.ndarray, rows: np.ndarray) -> float:
    return float(values[rows].mean()) if rows.any() else float("nan")
