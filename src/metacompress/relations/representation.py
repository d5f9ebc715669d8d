"""Representation drift: the teacher's and student's internal views of the inputs stay as
similar on the follow-ups as on the sources.

A set-level relation (linear CKA compares whole sets of representations, and teacher and
student vectors live in different spaces). With X_T, X_S the pooled hidden representations of
the n pairs' inputs,

    score = CKA(X_T(sources), X_S(sources)) - CKA(X_T(follow-ups), X_S(follow-ups)),

the drop in teacher-student similarity that the follow-ups cause; holds iff
score <= max_drift. It applies when both models expose representations for sources and
follow-ups, on the rows where all four are finite, if at least two such rows remain and neither
CKA is undefined. A source repeated for several follow-ups is counted once per pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metacompress.registry import check_range
from metacompress.relations.base import (
    SET_LEVEL,
    Evaluation,
    OutputPair,
    Relation,
    finite_rows,
    relation,
)
from metacompress.stats.cka import linear_cka

#: The per-pair reason of a set-level relation that applied to the set.
JUDGED_AS_SET = "judged on the whole set (see set_level)"


@relation(
    "representation-drift",
    "teacher-student linear CKA drops by at most max_drift from sources to follow-ups",
)
@dataclass(frozen=True)
class RepresentationDrift(Relation):
    """CKA(T, S on sources) - CKA(T, S on follow-ups) <= max_drift (see the module docstring).

    Default max_drift = 0.1, a tenth of CKA's range: CKA between corresponding layers of
    networks trained from different seeds varies by a few hundredths (Kornblith et al. 2019),
    so a drop beyond 0.1 is the follow-ups pulling the two models apart, not noise.
    """

    max_drift: float = 0.1

    level = SET_LEVEL
    needs_hidden = True
    higher_is_better = False
    threshold_param = "max_drift"

    def __post_init__(self) -> None:
        check_range("max_drift", self.max_drift, 0.0, 1.0)

    def _evaluate(self, pair: OutputPair) -> Evaluation:
        n = len(pair)
        reps = (
            pair.teacher_hidden_source,
            pair.student_hidden_source,
            pair.teacher_hidden_followup,
            pair.student_hidden_followup,
        )
        nothing = np.zeros(n, dtype=bool), np.full(n, np.nan)
        if any(r is None for r in reps):
            reason = "a model exposes no hidden representations"
            return Evaluation(*nothing, np.full(n, reason, dtype=object), {"applicable": 0.0})
        rows = finite_rows(*reps)
        teacher_source, student_source, teacher_followup, student_followup = (r[rows] for r in reps)
        cka_source = linear_cka(teacher_source, student_source)
        cka_followup = linear_cka(teacher_followup, student_followup)
        set_level = {
            "cka_source": cka_source,
            "cka_followup": cka_followup,
            "n_used": float(rows.sum()),
        }
        if np.isnan(cka_source) or np.isnan(cka_followup):
            reason = "CKA undefined (fewer than 2 finite rows or constant representations)"
            return Evaluation(
                *nothing, np.full(n, reason, dtype=object), set_level | {"applicable": 0.0}
            )
        drift = cka_source - cka_followup
        return Evaluation(
            *nothing,
            np.full(n, JUDGED_AS_SET, dtype=object),
            set_level | {"applicable": 1.0, "score": drift},
        )
